// Configuration is read once, validated, and frozen. A wrong value stops start-up with one clear line.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { isRole, type Role } from './auth/roles.ts';

export type Config = Readonly<{
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded database (PGlite) is used. */
  databaseUrl: string | null;
  /**
   * PostgreSQL connection string of the role that owns the tables, used only to run migrations (and load the
   * demo data); the server then runs as DATABASE_URL's role, which may only add to and read the audit log.
   * When absent, DATABASE_URL's role does both (fine for development, not for production).
   */
  migrationDatabaseUrl: string | null;
  /** Folder for the embedded database's files. */
  dataDir: string;
  /** Load the NCL demo data (and, on the embedded database, the demo API tokens) into an empty database. */
  demoData: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Idle minutes before a staff session ends. */
  sessionIdleMinutes: number;
  /** Hours after sign-in when a session ends whatever the activity. */
  sessionMaxHours: number;
  /** Send cookies with Secure and the __Host- prefix. Browsers accept Secure cookies on http://localhost. */
  secureCookies: boolean;
  /** Largest request body accepted, in bytes (imports have their own larger limit). */
  bodyLimitBytes: number;
  importLimitBytes: number;
  /** Sign-in attempts allowed per minute from one address. */
  signInRateLimit: number;
  /** Public form submissions (for example self-referrals) allowed per minute from one address. */
  publicPostRateLimit: number;
  /** Outbox delivery workers in this process (OUTBOX_WORKERS) and messages each claims at once (OUTBOX_BATCH_SIZE). */
  outboxWorkers: number;
  outboxBatchSize: number;
  /** The integrated care system this deployment serves by default. */
  defaultSystem: string;
  /**
   * Key for the HMAC that binds CSRF tokens to the session (CSRF_KEY, at least 32 characters). Without it a
   * random key is made at start-up: fine for one process; set it when several serve the same users.
   */
  csrfKey: string;
  /** Staff sign-in through an OpenID Connect provider (NHS CIS2 Authentication or any other); null when off. */
  oidc: OidcConfig | null;
}>;

export type OidcConfig = Readonly<{
  /** The provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in. */
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** This service's callback, registered with the provider: https://<host>/sign-in/oidc/callback. */
  redirectUri: string;
  scopes: string;
  /** The ID token claim whose value is the Core Offer username of an account (first sign-in links the two). */
  usernameClaim: string;
  /** The claim carrying the person's roles or national RBAC codes; null: the account's role is trusted as is. */
  roleClaim: string | null;
  /** Claim value → Core Offer role, e.g. {"R8000": "clinician"}; the account's role must be among the mapped. */
  roleMap: Readonly<Record<string, Role>>;
  /** The words on the sign-in button. */
  label: string;
}>;

export class ConfigError extends Error {}

function csrfKey(env: Env): string {
  const raw = env.CSRF_KEY?.trim();
  if (!raw) return randomBytes(32).toString('base64url');
  if (raw.length < 32) throw new ConfigError('CSRF_KEY must be at least 32 characters');
  return raw;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false; it is "${raw}"`);
}

function url(env: Env, name: string): string {
  const raw = env[name]?.trim() ?? '';
  try {
    const u = new URL(raw);
    if (u.protocol === 'https:' || u.protocol === 'http:') return raw;
  } catch {}
  throw new ConfigError(`${name} must be an http:// or https:// URL; it is "${raw}"`);
}

/** OIDC_ROLE_MAP: "R8000=clinician,R8003=spa" (claim value = Core Offer role). */
function roleMap(raw: string | undefined): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const pair of (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, role] = pair.split('=').map((p) => p.trim());
    if (!key || !isRole(role)) {
      throw new ConfigError(`OIDC_ROLE_MAP entries must be claim=role with a Core Offer role; "${pair}" is not`);
    }
    map[key] = role;
  }
  return map;
}

function oidcConfig(env: Env): OidcConfig | null {
  if (!env.OIDC_ISSUER?.trim()) return null;
  const clientId = env.OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new ConfigError('OIDC_CLIENT_ID must be set when OIDC_ISSUER is');
  const roleClaim = env.OIDC_ROLE_CLAIM?.trim() || null;
  const map = roleMap(env.OIDC_ROLE_MAP);
  if (roleClaim && Object.keys(map).length === 0) {
    throw new ConfigError('OIDC_ROLE_MAP must map at least one claim value to a role when OIDC_ROLE_CLAIM is set');
  }
  return Object.freeze({
    issuer: url(env, 'OIDC_ISSUER'),
    clientId,
    clientSecret: env.OIDC_CLIENT_SECRET?.trim() || null,
    redirectUri: url(env, 'OIDC_REDIRECT_URI'),
    scopes: env.OIDC_SCOPES?.trim() || 'openid profile email',
    usernameClaim: env.OIDC_USERNAME_CLAIM?.trim() || 'preferred_username',
    roleClaim,
    roleMap: Object.freeze(map),
    label: env.OIDC_LABEL?.trim() || 'Sign in with your NHS Care Identity',
  });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const migrationDatabaseUrl = env.MIGRATION_DATABASE_URL?.trim() || null;
  if (migrationDatabaseUrl && !/^postgres(ql)?:\/\//.test(migrationDatabaseUrl)) {
    throw new ConfigError('MIGRATION_DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (migrationDatabaseUrl && !databaseUrl) {
    throw new ConfigError('MIGRATION_DATABASE_URL needs DATABASE_URL too (the role the server runs as)');
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; it is "${env.LOG_LEVEL}"`);
  }
  return Object.freeze({
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    migrationDatabaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    demoData: boolean(env, 'DEMO_DATA', true),
    logLevel,
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 72),
    secureCookies: boolean(env, 'SECURE_COOKIES', true),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    importLimitBytes: integer(env, 'IMPORT_LIMIT_BYTES', 20 * 1024 * 1024, 1024, 500 * 1024 * 1024),
    signInRateLimit: integer(env, 'SIGN_IN_RATE_LIMIT', 10, 1, 10000),
    publicPostRateLimit: integer(env, 'PUBLIC_POST_RATE_LIMIT', 20, 1, 10000),
    outboxWorkers: integer(env, 'OUTBOX_WORKERS', 4, 1, 64),
    outboxBatchSize: integer(env, 'OUTBOX_BATCH_SIZE', 50, 1, 1000),
    defaultSystem: env.DEFAULT_SYSTEM?.trim() || 'QMJ',
    oidc: oidcConfig(env),
    csrfKey: csrfKey(env),
  });
}
