// Identity: staff accounts, sessions and API tokens. Sign-in methods produce an Actor through
// startSession(); a future OpenID Connect provider (NHS CIS2) signs the person in elsewhere and then calls
// startSession() with the matched account, so no domain module changes.
import { audit } from '../audit/audit.ts';
import { type AnyDb, inTransaction } from '../db/database.ts';
import { type Actor, isRole, type Role } from './roles.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from './secrets.ts';

export type SessionPolicy = { idleMinutes: number; maxHours: number };

export type StaffUser = {
  id: string;
  systemId: string;
  username: string;
  displayName: string;
  role: Role;
  organisationCode: string | null;
};

// biome-ignore lint/suspicious/noExplicitAny: row from the untyped platform view
function toUser(r: any): StaffUser {
  return {
    id: r.id,
    systemId: r.system_id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    organisationCode: r.organisation_code,
  };
}

export function userActor(user: StaffUser): Actor {
  return {
    kind: 'user',
    id: user.id,
    name: user.displayName,
    role: user.role,
    systemId: user.systemId,
    organisationCode: user.organisationCode,
  };
}

export async function createUser(
  db: AnyDb,
  input: {
    systemId: string;
    username: string;
    displayName: string;
    role: Role;
    organisationCode?: string | null;
    password: string;
  },
): Promise<StaffUser> {
  if (!isRole(input.role)) throw new Error(`Unknown role "${input.role}"`);
  const row = await db
    .insertInto('users')
    .values({
      system_id: input.systemId,
      username: input.username.toLowerCase(),
      display_name: input.displayName,
      role: input.role,
      organisation_code: input.organisationCode ?? null,
      password_hash: await hashPassword(input.password),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

/** A system's account by username (enabled or not), or null: for seeds and tools that act as a named user. */
export async function findUser(db: AnyDb, systemId: string, username: string): Promise<StaffUser | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username.trim().toLowerCase())
    .where('system_id', '=', systemId)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Checks a username and password. Returns the user, or null for any failure (never says which part was wrong). */
export async function checkPassword(db: AnyDb, username: string, password: string): Promise<StaffUser | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username.trim().toLowerCase())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  const ok = await verifyPassword(password, row?.password_hash ?? null);
  return ok && row ? toUser(row) : null;
}

export type StartedSession = { sessionId: string; expiresAt: Date };

/** Starts a fresh session (a new id at every sign-in, so a planted id is useless) and ends the old one. */
export async function startSession(
  db: AnyDb,
  user: StaffUser,
  policy: SessionPolicy,
  previousSessionId?: string | null,
  now = new Date(),
): Promise<StartedSession> {
  const sessionId = newSecret();
  const expiresAt = new Date(now.getTime() + policy.idleMinutes * 60_000);
  await inTransaction(db, async (tx) => {
    if (previousSessionId) await tx.deleteFrom('sessions').where('id_hash', '=', sha256(previousSessionId)).execute();
    await tx
      .insertInto('sessions')
      .values({
        id_hash: sha256(sessionId),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await audit(tx, userActor(user), { action: 'sign-in', recordType: 'user', recordId: user.id });
  });
  return { sessionId, expiresAt };
}

/** Finds the user behind a session id, sliding the idle expiry; null when missing or expired. */
export async function resumeSession(
  db: AnyDb,
  sessionId: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<StaffUser | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'users.id',
      'users.system_id',
      'users.username',
      'users.display_name',
      'users.role',
      'users.organisation_code',
      'sessions.created_at',
      'sessions.expires_at',
      'sessions.last_seen_at',
    ])
    .where('sessions.id_hash', '=', sha256(sessionId))
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const absoluteEnd = new Date(row.created_at).getTime() + policy.maxHours * 3_600_000;
  if (new Date(row.expires_at).getTime() <= now.getTime() || absoluteEnd <= now.getTime()) {
    await db.deleteFrom('sessions').where('id_hash', '=', sha256(sessionId)).execute();
    return null;
  }
  // Slide the idle expiry at most once a minute to keep reads cheap.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({
        last_seen_at: now,
        expires_at: new Date(Math.min(absoluteEnd, now.getTime() + policy.idleMinutes * 60_000)),
      })
      .where('id_hash', '=', sha256(sessionId))
      .execute();
  }
  return toUser(row);
}

export async function endSession(db: AnyDb, sessionId: string, actor: Actor | null): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.deleteFrom('sessions').where('id_hash', '=', sha256(sessionId)).execute();
    if (actor) await audit(tx, actor, { action: 'sign-out', recordType: 'user', recordId: actor.id });
  });
}

export type ApiToken = {
  id: string;
  label: string;
  role: Role;
  organisationCode: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

// biome-ignore lint/suspicious/noExplicitAny: row from the untyped platform view
function toToken(r: any): ApiToken {
  return {
    id: r.id,
    label: r.label,
    role: r.role,
    organisationCode: r.organisation_code,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  };
}

/** Issues a bearer token. The plain value is returned once and never stored. */
export async function issueToken(
  db: AnyDb,
  actor: Actor,
  input: { label: string; role: Role; organisationCode?: string | null; value?: string },
): Promise<{ token: ApiToken; value: string }> {
  const value = input.value ?? `co_${newSecret()}`;
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto('api_tokens')
      .values({
        system_id: actor.systemId,
        token_hash: sha256(value),
        label: input.label,
        role: input.role,
        organisation_code: input.organisationCode ?? null,
        created_by: actor.kind === 'user' ? actor.id : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(tx, actor, {
      action: 'api-token.issue',
      recordType: 'api_token',
      recordId: row.id,
      detail: { label: input.label, role: input.role },
    });
    return { token: toToken(row), value };
  });
}

export async function revokeToken(db: AnyDb, actor: Actor, id: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const result = await tx
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('system_id', '=', actor.systemId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const changed = Number(result.numUpdatedRows) > 0;
    await audit(tx, actor, {
      action: 'api-token.revoke',
      recordType: 'api_token',
      recordId: id,
      outcome: changed ? 'success' : 'failed',
    });
    return changed;
  });
}

export async function listTokens(db: AnyDb, systemId: string): Promise<ApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('system_id', '=', systemId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toToken);
}

/** How stale a token's "last used" may be: it is written at most once a minute, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The actor behind a bearer token, or null when unknown or revoked. A read, plus a write of "last used" only
 * when it is over a minute old (issue 18): updating it on every request made every request of one client queue
 * on the same row lock and leave a dead row behind, the largest per-request cost of a busy integration.
 */
export async function actorForToken(db: AnyDb, value: string): Promise<Actor | null> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', sha256(value))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return null;
  const now = new Date();
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.last_used_at || new Date(row.last_used_at as string | Date) < stale) {
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
      .execute();
  }
  return {
    kind: 'token',
    id: row.id,
    name: `API token: ${row.label}`,
    role: row.role,
    systemId: row.system_id,
    organisationCode: row.organisation_code,
  };
}
