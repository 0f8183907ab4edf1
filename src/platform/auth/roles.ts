// Staff roles. Residents use the public pages and need no account.
export const ROLES = [
  'spa',
  'clinician',
  'case_manager',
  'coordinator',
  'commissioner',
  'analyst',
  'provider',
  'admin',
  'bed_manager',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  spa: 'Central point of access',
  clinician: 'Clinician',
  case_manager: 'Case manager',
  coordinator: 'Visit coordinator',
  commissioner: 'Commissioner',
  analyst: 'Analyst',
  provider: 'Provider manager',
  admin: 'Administrator',
  bed_manager: 'Bed manager',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is acting: every service call takes one, so authorisation and audit happen at the data, not the route. */
export type Actor = Readonly<{
  kind: 'user' | 'token' | 'system';
  id: string;
  name: string;
  role: Role | 'system';
  systemId: string;
  organisationCode: string | null;
}>;

/** For trusted internal work (seeding, migrations, scheduled jobs); easy to spot in review. */
export function systemActor(systemId: string): Actor {
  return { kind: 'system', id: 'system', name: 'Core Offer', role: 'system', systemId, organisationCode: null };
}

/** A route's policy: public, or the roles allowed. Every route must declare one (deny by default). */
export type RoutePolicy = 'public' | readonly Role[];

export function allows(policy: RoutePolicy, actor: Actor | null): 'allowed' | 'unauthenticated' | 'forbidden' {
  if (policy === 'public') return 'allowed';
  if (!actor) return 'unauthenticated';
  if (actor.role !== 'system' && policy.includes(actor.role)) return 'allowed';
  return 'forbidden';
}
