// The pure parts of OpenID Connect sign-in: reading role claims, mapping them, and the OIDC_* settings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../config.ts';
import { claimValues, mappedRoles } from './oidc.ts';

test('role claims are read as strings, lists or CIS2-style objects', () => {
  assert.deepEqual(claimValues('R8000 R8003'), ['R8000', 'R8003']);
  assert.deepEqual(claimValues(['R8000', { role_code: 'S1:G2:R8003' }, 7]), ['R8000', 'S1:G2:R8003']);
  assert.deepEqual(claimValues(undefined), []);
});

test('claim values map to Core Offer roles, national RBAC codes with or without their prefix', () => {
  const map = { R8000: 'clinician', R8003: 'spa' } as const;
  assert.deepEqual(mappedRoles(['S1:G2:R8000', 'R8003', 'R9999'], map).sort(), ['clinician', 'spa']);
  assert.deepEqual(mappedRoles(['R9999'], map), []);
});

test('the OIDC settings are all-or-nothing and checked at start-up', () => {
  assert.equal(loadConfig({}).oidc, null);
  const ok = loadConfig({
    OIDC_ISSUER: 'https://auth.example.org',
    OIDC_CLIENT_ID: 'core-offer',
    OIDC_REDIRECT_URI: 'https://core-offer.example.org/sign-in/oidc/callback',
    OIDC_ROLE_CLAIM: 'nhsid_nrbac_roles',
    OIDC_ROLE_MAP: 'R8000=clinician, R8003=spa',
  }).oidc;
  assert.equal(ok?.usernameClaim, 'preferred_username');
  assert.deepEqual(ok?.roleMap, { R8000: 'clinician', R8003: 'spa' });
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://auth.example.org' }), ConfigError);
  assert.throws(
    () => loadConfig({ OIDC_ISSUER: 'https://a.example', OIDC_CLIENT_ID: 'c', OIDC_REDIRECT_URI: 'nope' }),
    /OIDC_REDIRECT_URI must be an http/,
  );
  assert.throws(
    () =>
      loadConfig({
        OIDC_ISSUER: 'https://a.example',
        OIDC_CLIENT_ID: 'c',
        OIDC_REDIRECT_URI: 'https://b.example/cb',
        OIDC_ROLE_MAP: 'R8000=wizard',
      }),
    /OIDC_ROLE_MAP/,
  );
  assert.throws(
    () =>
      loadConfig({
        OIDC_ISSUER: 'https://a.example',
        OIDC_CLIENT_ID: 'c',
        OIDC_REDIRECT_URI: 'https://b.example/cb',
        OIDC_ROLE_CLAIM: 'roles',
      }),
    /OIDC_ROLE_MAP must map/,
  );
});
