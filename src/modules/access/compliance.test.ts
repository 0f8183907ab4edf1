import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeCompliance, median, percentile, type ReferralFact, standardOutcome } from './compliance.ts';

const CAMDEN = 'E09000007';
const ENFIELD = 'E09000010';
const H = 3_600_000;

describe('percentile (linear interpolation between closest ranks, type 7)', () => {
  it('interpolates: the 90th percentile of 1, 2, 3, 4 is 3.7 (nearest rank would say 4)', () => {
    assert.equal(percentile([1, 2, 3, 4], 0.9), 3.7);
    assert.equal(percentile([4, 3, 2, 1], 0.9), 3.7, 'order does not matter');
  });

  it('gives the usual median: the middle value, or the mean of the middle two', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([1, 2, 3, 10]), 2.5);
    assert.equal(median([7]), 7);
    assert.equal(median([]), null);
  });

  it('matches worked values (as R quantile(type = 7), NumPy and Excel PERCENTILE.INC give)', () => {
    const x = [15, 20, 35, 40, 50];
    assert.equal(percentile(x, 0), 15);
    assert.equal(percentile(x, 0.4), 29); // h = 1.6: 20 + 0.6 × 15
    assert.equal(percentile(x, 0.9), 46); // h = 3.6: 40 + 0.6 × 10
    assert.equal(percentile(x, 1), 50);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.ok(Math.abs(percentile(ten, 0.9)! - 9.1) < 1e-12); // h = 8.1
  });

  it('stays between the neighbouring observed values and rises with p (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, p) => {
          const v = percentile(xs, p)!;
          const sorted = [...xs].sort((a, b) => a - b);
          const h = (xs.length - 1) * p;
          return (
            v >= sorted[Math.floor(h)] - 1e-9 &&
            v <= sorted[Math.ceil(h)] + 1e-9 &&
            percentile(xs, Math.min(1, p + 0.1))! >= v - 1e-9
          );
        },
      ),
    );
  });

  it('refuses a p outside 0 to 1', () => {
    assert.throws(() => percentile([1], 90), RangeError);
    assert.throws(() => percentile([Number.NaN], 0.5), RangeError);
  });
});

describe('standard outcome of one referral', () => {
  const due = '2025-01-10T12:00:00Z';
  const fact = (f: Partial<ReferralFact>): ReferralFact => ({
    component: 'podiatry',
    borough: CAMDEN,
    receivedAt: '2025-01-06T09:00:00Z',
    redirectCount: 0,
    firstContactAt: null,
    firstContactDue: due,
    ...f,
  });
  const asOf = '2025-01-09T00:00:00Z';

  it('met at or before the due time, breached after', () => {
    assert.equal(standardOutcome(fact({ firstContactAt: due }), asOf), 'met');
    assert.equal(standardOutcome(fact({ firstContactAt: '2025-01-10T12:00:01Z' }), asOf), 'breached');
  });

  it('pending while open and not yet due, breached once due has passed', () => {
    assert.equal(standardOutcome(fact({}), asOf), 'pending');
    assert.equal(standardOutcome(fact({}), '2025-01-10T12:00:01Z'), 'breached');
  });

  it('not applicable without a due time, or closed without contact before it was due', () => {
    assert.equal(standardOutcome(fact({ firstContactDue: null }), asOf), 'notApplicable');
    assert.equal(standardOutcome(fact({ closedAt: '2025-01-08T00:00:00Z' }), asOf), 'notApplicable');
    assert.equal(standardOutcome(fact({ closedAt: '2025-01-11T00:00:00Z' }), asOf), 'breached');
  });
});

describe('compliance per component, borough and month', () => {
  const received = '2025-03-03T09:00:00Z';
  const at = (hours: number) => new Date(Date.parse(received) + hours * H).toISOString();
  const due = at(48);
  const facts: ReferralFact[] = [
    // Camden podiatry, March: first contacts after 10, 20, 30, 40 and 60 hours; one still waiting; one redirected.
    ...[10, 20, 30, 40, 60].map((h, i) => ({
      component: 'podiatry',
      borough: CAMDEN,
      receivedAt: received,
      redirectCount: i === 4 ? 1 : 0,
      firstContactAt: at(h),
      firstContactDue: due,
    })),
    {
      component: 'podiatry',
      borough: CAMDEN,
      receivedAt: received,
      redirectCount: 0,
      firstContactAt: null,
      firstContactDue: due,
    },
    // Signposted, never accepted.
    {
      component: 'podiatry',
      borough: CAMDEN,
      receivedAt: received,
      redirectCount: 2,
      firstContactAt: null,
      firstContactDue: null,
    },
    // 23:30 UTC on 31 March is 00:30 BST on 1 April: April in London.
    {
      component: 'podiatry',
      borough: CAMDEN,
      receivedAt: '2025-03-31T23:30:00Z',
      redirectCount: 0,
      firstContactAt: null,
      firstContactDue: null,
    },
    {
      component: 'podiatry',
      borough: ENFIELD,
      receivedAt: received,
      redirectCount: 0,
      firstContactAt: at(5),
      firstContactDue: due,
    },
    {
      component: 'district-nursing',
      borough: CAMDEN,
      receivedAt: received,
      redirectCount: 0,
      firstContactAt: at(1),
      firstContactDue: due,
    },
  ];

  it('groups by component, borough and London month, in a fixed order', () => {
    const rows = computeCompliance(facts, { asOf: at(24) });
    assert.deepEqual(
      rows.map((r) => [r.component, r.borough, r.month, r.referrals]),
      [
        ['district-nursing', CAMDEN, '2025-03', 1],
        ['podiatry', CAMDEN, '2025-03', 7],
        ['podiatry', CAMDEN, '2025-04', 1],
        ['podiatry', ENFIELD, '2025-03', 1],
      ],
    );
    assert.deepEqual(computeCompliance([...facts].reverse(), { asOf: at(24) }), rows);
  });

  it('counts routed first time, times to first contact, and the share that met the standard', () => {
    const [, camden] = computeCompliance(facts, { asOf: at(24) });
    assert.equal(camden.routedFirstTime, 5);
    assert.equal(camden.routedFirstTimeShare, 5 / 7);
    assert.equal(camden.firstContacts, 5);
    assert.equal(camden.medianHoursToFirstContact, 30);
    // 10, 20, 30, 40, 60: h = 4 × 0.9 = 3.6 → 40 + 0.6 × 20 = 52.
    assert.ok(Math.abs(camden.p90HoursToFirstContact! - 52) < 1e-9);
    // Met: 10, 20, 30, 40 (due at 48). Breached: 60. Pending: the one waiting (24 hours in). N/A: signposted.
    assert.deepEqual(camden.standard, { met: 4, breached: 1, pending: 1, notApplicable: 1, share: 0.8 });
  });

  it('counts a referral still waiting after its due time as breached', () => {
    const [, camden] = computeCompliance(facts, { asOf: at(49) });
    assert.deepEqual(camden.standard, { met: 4, breached: 2, pending: 0, notApplicable: 1, share: 4 / 6 });
  });

  it('leaves times and share empty when there is nothing to measure', () => {
    const april = computeCompliance(facts, { asOf: at(24) })[2];
    assert.equal(april.medianHoursToFirstContact, null);
    assert.equal(april.p90HoursToFirstContact, null);
    assert.equal(april.standard.share, null);
    assert.deepEqual(computeCompliance([], { asOf: at(0) }), []);
  });
});
