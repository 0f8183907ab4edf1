// API tokens for every role that exist on every engine (the demo tokens exist only on PGlite).
import { issueToken } from '../../src/platform/auth/identity.ts';
import { ROLES, type Role, systemActor } from '../../src/platform/auth/roles.ts';
import { DEMO_SYSTEM } from '../../src/seed.ts';
import type { TestApp } from './app.ts';

export async function roleTokens(
  t: TestApp,
  prefix = 'test',
): Promise<(role: Role | string) => Record<string, string>> {
  for (const role of ROLES) {
    await issueToken(t.database.db, systemActor(DEMO_SYSTEM.id), {
      label: `Test ${role}`,
      role,
      value: `${prefix}-${role}`,
    });
  }
  return (role) => ({ authorization: `Bearer ${prefix}-${role}` });
}
