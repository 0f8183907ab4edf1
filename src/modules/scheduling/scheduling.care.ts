// What the care module may read of scheduling: the visits planned for a person's referrals, so the care
// record can show one list of what happens next. No authorisation or audit here: the care module calls it
// only after its own legitimate-relationship check and audits the read itself.
import type { AnyDb } from '../../platform/db/database.ts';

export interface CareVisit {
  id: string;
  referralId: string;
  day: string;
  windowStart: number;
  windowEnd: number;
  status: string;
  teamName: string;
  priority: string;
}

/** Open visits for these referrals from `fromDay` on, soonest first. */
export async function visitsForCare(
  db: AnyDb,
  systemId: string,
  referralIds: readonly string[],
  fromDay: string,
): Promise<CareVisit[]> {
  if (referralIds.length === 0) return [];
  const rows = await db
    .selectFrom('scheduling_visits as v')
    .innerJoin('scheduling_teams as t', 't.id', 'v.team_id')
    .select(['v.id', 'v.referral_id', 'v.day', 'v.window_start', 'v.window_end', 'v.status', 'v.priority', 't.name'])
    .where('v.system_id', '=', systemId)
    .where('v.referral_id', 'in', [...referralIds])
    .where('v.day', '>=', fromDay)
    .where('v.status', '=', 'open')
    .orderBy('v.day')
    .orderBy('v.window_start')
    .execute();
  return rows.map((r) => ({
    id: r.id as string,
    referralId: r.referral_id as string,
    day: r.day as string,
    windowStart: r.window_start as number,
    windowEnd: r.window_end as number,
    status: r.status as string,
    teamName: r.name as string,
    priority: r.priority as string,
  }));
}
