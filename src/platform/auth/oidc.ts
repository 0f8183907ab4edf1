// Staff sign-in through an OpenID Connect provider (NHS CIS2 Authentication, or any other), with the
// maintained client library openid-client: authorization code flow with PKCE (S256), state and nonce.
//
//   const oidc = createOidc(config.oidc);
//   const { url, state } = await oidc.begin(db, '/staff', now);     // redirect the browser to url; cookie = state
//   const result = await oidc.finish(db, { cookieState, callbackQuery }, now);
//   if (result.ok) startSession(db, result.user, …);                 // as the password form does
//   else show result.message                                         // unknown person, role mismatch, failed check
//
// A verified identity (issuer + subject) is matched to an existing account: by an earlier link, or at the
// first sign-in by the username claim (then linked). Nobody gets an account by signing in. When a role claim
// is configured, the account's role must be among the roles the person's claim values map to.
import * as client from 'openid-client';
import { audit } from '../audit/audit.ts';
import type { OidcConfig } from '../config.ts';
import type { AnyDb } from '../db/database.ts';
import type { StaffUser } from './identity.ts';
import type { Role } from './roles.ts';
import { sha256 } from './secrets.ts';

/** How long a sign-in may take at the provider before it must start again. */
export const SIGN_IN_MINUTES = 10;

export type OidcRefusal = {
  ok: false;
  reason: 'not-started' | 'expired' | 'provider-error' | 'not-verified' | 'unknown-account' | 'role-mismatch';
  message: string;
};
export type OidcResult = { ok: true; user: StaffUser; issuer: string; subject: string } | OidcRefusal;

function isLoopback(issuer: string): boolean {
  const host = new URL(issuer).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/** Claim values as strings: a string, a list of strings, or CIS2-style objects with a role code. */
export function claimValues(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(claimValues);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const key of ['role_code', 'code', 'role']) if (typeof o[key] === 'string') return claimValues(o[key]);
  }
  return [];
}

/** The Core Offer roles a person's claim values map to. National RBAC codes may carry a prefix ("S…:G…:R8000"). */
export function mappedRoles(values: string[], map: Readonly<Record<string, Role>>): Role[] {
  const roles = new Set<Role>();
  for (const v of values) {
    const direct = map[v] ?? map[v.split(':').pop() ?? ''];
    if (direct) roles.add(direct);
  }
  return [...roles];
}

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

export function createOidc(cfg: OidcConfig) {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    discovered ??= client
      .discovery(
        new URL(cfg.issuer),
        cfg.clientId,
        cfg.clientSecret ?? undefined,
        cfg.clientSecret ? client.ClientSecretPost(cfg.clientSecret) : client.None(),
        isLoopback(cfg.issuer) ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((e) => {
        discovered = null;
        throw e;
      });
    return discovered;
  };

  async function refuse(db: AnyDb, r: Omit<OidcRefusal, 'ok'>, detail: Record<string, unknown> = {}) {
    await audit(db, null, {
      action: 'sign-in.refused',
      recordType: 'user',
      outcome: 'refused',
      reason: r.reason,
      detail: { method: 'oidc', issuer: cfg.issuer, ...detail },
    });
    return { ok: false as const, ...r };
  }

  return {
    label: cfg.label,

    /** Starts a sign-in: stores the PKCE verifier and nonce under the state, and gives the provider's URL. */
    async begin(db: AnyDb, next: string, now: Date): Promise<{ url: string; state: string }> {
      const config = await configuration();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      await db.deleteFrom('oidc_sign_ins').where('expires_at', '<', now).execute();
      await db
        .insertInto('oidc_sign_ins')
        .values({
          state_hash: sha256(state),
          code_verifier: verifier,
          nonce,
          next,
          created_at: now,
          expires_at: new Date(now.getTime() + SIGN_IN_MINUTES * 60_000),
        })
        .execute();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: cfg.redirectUri,
        scope: cfg.scopes,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.toString(), state };
    },

    /**
     * Finishes a sign-in at the callback: the state must match this browser's cookie and a sign-in in flight
     * (used once); the library exchanges the code with the PKCE verifier and checks the ID token's issuer,
     * audience, signature, expiry and nonce. Then the identity is matched to an account.
     */
    async finish(
      db: AnyDb,
      input: { cookieState: string | undefined; query: Record<string, string | undefined> },
      now: Date,
    ): Promise<OidcResult & { next?: string }> {
      const state = input.query.state;
      if (!state || !input.cookieState || state !== input.cookieState) {
        return refuse(db, {
          reason: 'not-started',
          message: 'This sign-in did not start in this browser, or it has already been used. Start again.',
        });
      }
      const row = await db
        .deleteFrom('oidc_sign_ins')
        .where('state_hash', '=', sha256(state))
        .returningAll()
        .executeTakeFirst();
      if (!row)
        return refuse(db, { reason: 'not-started', message: 'This sign-in has already been used. Start again.' });
      if (new Date(row.expires_at).getTime() < now.getTime()) {
        return refuse(db, {
          reason: 'expired',
          message: `Sign-in took longer than ${SIGN_IN_MINUTES} minutes. Start again.`,
        });
      }
      if (input.query.error) {
        return refuse(
          db,
          { reason: 'provider-error', message: 'The identity provider did not sign you in. Start again.' },
          { error: input.query.error },
        );
      }
      let claims: client.IDToken;
      try {
        const config = await configuration();
        const current = new URL(cfg.redirectUri);
        for (const [k, v] of Object.entries(input.query)) if (v !== undefined) current.searchParams.set(k, v);
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: row.code_verifier,
          expectedState: state,
          expectedNonce: row.nonce,
          idTokenExpected: true,
        });
        const c = tokens.claims();
        if (!c) throw new Error('no ID token');
        claims = c;
      } catch (e) {
        return refuse(
          db,
          { reason: 'not-verified', message: 'Your identity could not be verified. Start again.' },
          { error: (e as { code?: string }).code ?? (e as Error).message },
        );
      }
      const issuer = claims.iss;
      const subject = claims.sub;
      const linked = await db
        .selectFrom('user_identities')
        .innerJoin('users', 'users.id', 'user_identities.user_id')
        .selectAll('users')
        .where('user_identities.issuer', '=', issuer)
        .where('user_identities.subject', '=', subject)
        .where('users.disabled_at', 'is', null)
        .executeTakeFirst();
      let userRow = linked;
      if (!userRow) {
        const username = claims[cfg.usernameClaim];
        userRow =
          typeof username === 'string' && username.trim()
            ? await db
                .selectFrom('users')
                .selectAll()
                .where('username', '=', username.trim().toLowerCase())
                .where('disabled_at', 'is', null)
                .executeTakeFirst()
            : undefined;
      }
      if (!userRow) {
        return refuse(
          db,
          {
            reason: 'unknown-account',
            message:
              'You have signed in with your identity provider, but there is no Core Offer account for you. Ask your administrator to create one with your username.',
          },
          { subject },
        );
      }
      const user = toUser(userRow);
      if (cfg.roleClaim) {
        const roles = mappedRoles(claimValues(claims[cfg.roleClaim]), cfg.roleMap);
        if (!roles.includes(user.role)) {
          return refuse(
            db,
            {
              reason: 'role-mismatch',
              message:
                'Your roles at your identity provider do not include the role of your Core Offer account. Ask your administrator to check your role.',
            },
            { subject, userId: user.id, accountRole: user.role, mappedRoles: roles },
          );
        }
      }
      await db
        .insertInto('user_identities')
        .values({ issuer, subject, user_id: user.id, linked_at: now, last_sign_in_at: now })
        .onConflict((oc) => oc.columns(['issuer', 'subject']).doUpdateSet({ last_sign_in_at: now }))
        .execute();
      return { ok: true, user, issuer, subject, next: row.next };
    },
  };
}

export type Oidc = ReturnType<typeof createOidc>;
