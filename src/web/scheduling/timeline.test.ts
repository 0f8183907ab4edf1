import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoardRoute } from '../../modules/scheduling/index.ts';
import { timelineSvg } from './timeline.ts';

const route = (name: string, items: BoardRoute['items']): BoardRoute => ({
  clinician: {
    id: 'c1',
    teamId: 't',
    name,
    skills: ['nurse'],
    baseName: 'N19',
    baseLat: 51.5,
    baseLon: -0.1,
    userId: null,
  },
  shift: { clinicianId: 'c1', day: '2026-11-23', startMinute: 480, endMinute: 960 },
  departure: 480,
  returnAt: 600,
  returnTravelFrom: 590,
  travelMinutes: 20,
  items,
});
const visit = {
  id: 'v1',
  teamId: 't',
  day: '2026-11-23',
  patientRef: 'UCR-1',
  postcodeDistrict: 'N7',
  lat: 51.55,
  lon: -0.11,
  windowStart: 540,
  windowEnd: 560,
  duration: 50,
  skills: ['nurse'],
  priority: 'urgent-2h' as const,
  status: 'open' as const,
  lockedClinicianId: null,
  source: 'coordinator',
  referralId: null,
  createdAt: '2026-11-23T08:00:00Z',
};

test('the timeline has a title and a description naming every visit, and marks late risk in words', () => {
  const svg = timelineSvg(
    [
      route('Ann <Lee> & co', [
        {
          sequence: 1,
          visit,
          travelFrom: 530,
          arrival: 540,
          start: 550,
          end: 600,
          wait: 10,
          slack: 10,
          lateRisk: true,
        },
      ]),
    ],
    { id: 'tl', title: 'Visits', now: 555 },
  );
  assert.match(svg, /role="img" aria-labelledby="tl-title tl-desc"/);
  assert.match(svg, /<title id="tl-title">Visits<\/title>/);
  assert.match(svg, /Ann &lt;Lee&gt; &amp; co: 1\. UCR-1 at 09:10 \(at risk of being late\)/);
  assert.match(svg, /At risk of being late/);
  assert.match(svg, />Now 09:15</);
  assert.doesNotMatch(svg, /<Lee>/);
});

test('a clinician with no visits is described as such, and no "now" line is drawn outside the day', () => {
  const svg = timelineSvg([route('Ben', [])], { id: 'tl', title: 'Visits', now: 23 * 60 });
  assert.match(svg, /Ben: no visits/);
  assert.doesNotMatch(svg, /Now /);
});
