// NCL demonstration silver triage. ILLUSTRATIVE: the rota follows the published NCL service's hours (09:00 to
// 17:00 on weekdays, from the seed documents), the clinicians are invented, and the week of calls is generated
// so that about 80% avoid a trip to hospital (the seed documents' figure). Demo calls carry no referral
// outcome, so they do not add referrals to the central point of access demo data.
import { type Actor, systemActor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { fromLondon, londonDateTime } from '../../platform/london-time.ts';
import * as repo from './silvertriage.repository.ts';
import { logCall } from './silvertriage.service.ts';

const CLINICIANS = ['Dr Amara Osei', 'Dr Tom Whitfield', 'Dr Priya Raman', 'Dr Lena Novak', 'Dr Sam Adeyemi'];
const DISTRICTS = ['N19', 'NW5', 'N17', 'N9', 'N12', 'NW1', 'EN1', 'N1', 'N15', 'N7', 'NW3', 'N14'];
const OUTCOMES = ['managed-at-home', 'managed-at-home', 'referred-gp', 'managed-at-home', 'other'];

export async function seedSilverTriage(
  db: AnyDb,
  systemId: string,
  { now = new Date() }: { now?: Date } = {},
): Promise<{ slots: number; calls: number }> {
  const clinician: Actor = {
    ...systemActor(systemId),
    kind: 'user',
    id: 'seed-silver-triage',
    name: 'Silver triage consultant',
    role: 'clinician',
    organisationCode: 'RKE',
  };
  const today = londonDateTime(now);
  let slots = 0;
  let calls = 0;
  // This week and last: a slot each weekday, 09:00 to 17:00 London time.
  for (let offset = -7; offset <= 7; offset++) {
    const noon = fromLondon({ ...today, hour: 12, minute: 0, second: 0, millisecond: 0 });
    const day = londonDateTime(new Date(noon.getTime() + offset * 86_400_000));
    const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const at = (hour: number, minute = 0) => fromLondon({ ...day, hour, minute, second: 0, millisecond: 0 });
    await repo.insertSlot(db, systemId, {
      startsAt: at(9),
      endsAt: at(17),
      clinicianName: CLINICIANS[(offset + 7) % CLINICIANS.length] as string,
      speciality: 'Geriatric emergency medicine',
    });
    slots++;
    if (offset >= 0) continue;
    // Six calls a weekday in the past week, one after hours (unanswered: outside the rota).
    for (let k = 0; k < 6; k++) {
      const afterHours = k === 5;
      const calledAt = at(afterHours ? 19 : 9 + k, (k * 17) % 60);
      if (calledAt > now) continue;
      const n = (offset + 7) * 6 + k;
      const conveyed = n % 5 === 4;
      await logCall(
        db,
        clinician,
        {
          crew: `LAS crew ${100 + (n % 40)}`,
          callSign: `K${(n * 7) % 90}`,
          incidentNumber: `LAS-${20261100 + n}`,
          age: 72 + (n % 20),
          postcode: DISTRICTS[n % DISTRICTS.length],
          calledAt: calledAt.toISOString(),
          answeredAt: afterHours ? '' : new Date(calledAt.getTime() + (40 + (n % 5) * 35) * 1000).toISOString(),
          outcome: afterHours ? '' : conveyed ? 'conveyed-ed' : OUTCOMES[n % OUTCOMES.length],
          advice: afterHours ? '' : conveyed ? 'Needs hospital assessment' : 'Safe to manage at home with follow-up',
        },
        new Date(calledAt.getTime() + 15 * 60_000),
      );
      calls++;
    }
  }
  return { slots, calls };
}
