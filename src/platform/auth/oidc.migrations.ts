// Tables for staff sign-in through OpenID Connect: sign-ins in flight (state → PKCE verifier, nonce and
// where to go after) and the link from a provider's identity (issuer + subject) to a Core Offer account.
import { type Kysely, sql } from 'kysely';
import type { Migrations } from '../db/migrate.ts';

export const oidcMigrations: Migrations = {
  '0020_oidc_sign_in': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against no fixed schema
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('oidc_sign_ins')
        // Only the SHA-256 of the state is kept; the state itself travels in the redirect and a cookie.
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('next', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('user_identities')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
        .addColumn('linked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('last_sign_in_at', 'timestamptz')
        .addPrimaryKeyConstraint('user_identities_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();
    },
  },
};
