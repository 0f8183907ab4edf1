// Pure parts of the interop module: name-based UUIDs, ORUK paging and ages, FHIR paging links, statuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageBounds, orukPage } from './oruk.ts';
import { dateMatches, dateRange, pageLinks, parseDateFilter, requestStatus, STATUS_SEARCH } from './fhir.ts';
import { parseToken } from './fhir.service.ts';
import { recordUuid, UUID_PATTERN, uuidV5 } from './ids.ts';
import { AGE_GROUPS } from '../offer/index.ts';

test('uuidV5 gives RFC 9562’s own example for the DNS namespace', () => {
  assert.equal(
    uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
    '2ed6657d-e927-568b-95e1-2665a8aea6a2',
  );
});

test('record UUIDs are stable, version 5, and differ by system, kind and code', () => {
  const a = recordUuid('QMJ', 'service', 'x');
  assert.equal(a, recordUuid('QMJ', 'service', 'x'));
  assert.match(a, UUID_PATTERN);
  assert.equal(a[14], '5');
  assert.notEqual(a, recordUuid('QMJ', 'organization', 'x'));
  assert.notEqual(a, recordUuid('QWE', 'service', 'x'));
});

test('an ORUK page counts pages and flags the first, last and empty ones', () => {
  assert.deepEqual(orukPage([1, 2], 12, 1, 2), {
    total_items: 12,
    total_pages: 6,
    page_number: 1,
    size: 2,
    first_page: true,
    last_page: false,
    empty: false,
    contents: [1, 2],
  });
  const last = orukPage([1], 11, 6, 2);
  assert.equal(last.last_page, true);
  assert.equal(last.size, 1);
  const none = orukPage([], 0, 1, 50);
  assert.equal(none.total_pages, 1);
  assert.equal(none.empty, true);
  assert.equal(none.last_page, true);
});

test('ORUK ages span the service’s age groups; older adults mean no upper age', () => {
  const ctx = { ageGroups: AGE_GROUPS } as unknown as Parameters<typeof ageBounds>[0];
  const service = (ageGroups: string[]) => ({ ageGroups }) as unknown as Parameters<typeof ageBounds>[1];
  assert.deepEqual(ageBounds(ctx, service(['young-adults', 'working-age-adults'])), {
    minimum_age: 18,
    maximum_age: 64,
  });
  assert.deepEqual(ageBounds(ctx, service(['children-young-people'])), { minimum_age: 0, maximum_age: 17 });
  assert.deepEqual(ageBounds(ctx, service(['working-age-adults', 'older-adults'])), { minimum_age: 18 });
  assert.deepEqual(ageBounds(ctx, service([])), {});
});

test('FHIR paging links: next and previous only where there is a page, last on a page boundary', () => {
  const p = new URLSearchParams({ name: 'x' });
  const first = pageLinks('http://h/fhir', 'Location', p, 0, 10, 25);
  assert.equal(first.previous, undefined);
  assert.equal(first.next, 'http://h/fhir/Location?name=x&_count=10&_offset=10');
  assert.equal(first.last, 'http://h/fhir/Location?name=x&_count=10&_offset=20');
  const last = pageLinks('http://h/fhir', 'Location', p, 20, 10, 25);
  assert.equal(last.next, undefined);
  assert.equal(last.previous, 'http://h/fhir/Location?name=x&_count=10&_offset=10');
  assert.equal(
    pageLinks('http://h/fhir', 'Location', p, 0, 10, 0).last,
    'http://h/fhir/Location?name=x&_count=10&_offset=0',
  );
});

test('tokens and request statuses', () => {
  assert.deepEqual(parseToken('https://fhir.nhs.uk/Id/nhs-number|9000000009'), {
    system: 'https://fhir.nhs.uk/Id/nhs-number',
    code: '9000000009',
  });
  assert.deepEqual(parseToken('|X'), { system: '', code: 'X' });
  assert.deepEqual(parseToken('X'), { code: 'X' });
  assert.equal(requestStatus('triaged', null), 'active');
  assert.equal(requestStatus('closed', 'completed'), 'completed');
  assert.equal(requestStatus('closed', 'withdrawn'), 'revoked');
  assert.deepEqual(STATUS_SEARCH.revoked, { status: ['closed'], outcomeIn: ['withdrawn'] });
});

test('_lastUpdated values: prefixes, precision as an interval, zones required with a time', () => {
  const day = parseDateFilter('2026-03-10')!;
  assert.deepEqual(day, { prefix: 'eq', from: Date.UTC(2026, 2, 10), before: Date.UTC(2026, 2, 11) });
  assert.equal(parseDateFilter('ge2026-03')!.before, Date.UTC(2026, 3, 1));
  assert.equal(parseDateFilter('lt2026')!.before, Date.UTC(2027, 0, 1));
  const minute = parseDateFilter('gt2026-03-10T10:15+01:00')!;
  assert.equal(minute.from, Date.parse('2026-03-10T09:15:00Z'));
  assert.equal(minute.before - minute.from, 60_000);
  assert.equal(parseDateFilter('2026-03-10T10:15:00'), null, 'a time needs its zone');
  assert.equal(parseDateFilter('ne2026-03-10'), null, 'ne is not supported');
  assert.equal(parseDateFilter('2026-13-01'), null);
  assert.equal(parseDateFilter('yesterday'), null);
  const at = '2026-03-10T23:59:59.999Z';
  assert.ok(dateMatches(at, [day]));
  assert.ok(!dateMatches('2026-03-11T00:00:00.000Z', [day]));
  assert.ok(dateMatches('2026-03-11T00:00:00.000Z', [parseDateFilter('gt2026-03-10')!]));
  assert.ok(!dateMatches(at, [parseDateFilter('gt2026-03-10')!]));
  assert.ok(dateMatches(at, [parseDateFilter('le2026-03-10')!]));
  assert.ok(!dateMatches(at, [parseDateFilter('lt2026-03-10')!]));
  assert.ok(dateMatches(at, [parseDateFilter('ge2026-03-01')!, parseDateFilter('lt2026-04-01')!]), 'a range');
  assert.ok(!dateMatches(undefined, [day]), 'no lastUpdated meets no filter');
  assert.deepEqual(dateRange(parseDateFilter('gt2026-03-10')!), { from: new Date(Date.UTC(2026, 2, 11)) });
  assert.deepEqual(dateRange(parseDateFilter('lt2026-03-10')!), { before: new Date(Date.UTC(2026, 2, 10)) });
});
