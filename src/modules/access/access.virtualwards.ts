// What the virtual wards module needs of the central point of access for a step-up admission: that the
// referral it names exists, was accepted for a virtual-ward service of the admitting organisation and is for
// the same person; and, once the person is admitted, first contact recorded on the referral (through the
// referral's own lifecycle, audited there). Called inside the admission's transaction.
import type { Actor } from '../../platform/auth/roles.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import * as repo from './access.repository.ts';
import { actOnReferral, routingContext } from './access.service.ts';

/** Components a virtual ward delivers (adults' and children's hospital at home). */
export const VIRTUAL_WARD_COMPONENTS: readonly string[] = ['virtual-wards', 'childrens-hospital-at-home'];

export type StepUpReferral = {
  id: string;
  reference: string;
  personId: string;
  status: string;
  serviceId: string;
  serviceName: string;
};

/**
 * Checks a referral reference for a step-up admission by `actor` (a clinician of the ward's provider).
 * The same message answers a reference that does not exist, is another organisation's or is another
 * person's, so a reference reveals nothing about referrals the clinician may not see.
 */
export async function verifyStepUpReferral(
  db: AnyDb,
  actor: Actor,
  query: { reference: string; nhsNumber: string },
): Promise<{ ok: true; referral: StepUpReferral } | { ok: false; message: string }> {
  const reference = query.reference.trim().toUpperCase();
  const unknown = {
    ok: false as const,
    message: `No referral ${reference} accepted by your organisation for this NHS number was found: check the reference`,
  };
  const id = await repo.findReferralIdByReference(db, repo.wholeSystem(actor.systemId), reference);
  const r = id ? await repo.findReferral(db, repo.wholeSystem(actor.systemId), id) : null;
  if (!r || r.person.nhsNumber !== query.nhsNumber) return unknown;
  const ctx = await routingContext(db, actor.systemId);
  const service = ctx.services.find((s) => s.id === r.serviceId);
  if (!service || service.organisationCode !== actor.organisationCode) return unknown;
  if (!VIRTUAL_WARD_COMPONENTS.includes(r.component))
    return { ok: false, message: `Referral ${reference} is not for a virtual ward: it was made for ${r.component}` };
  if (r.status !== 'accepted' && r.status !== 'first-contact-made')
    return {
      ok: false,
      message: `Referral ${reference} has not been accepted for a virtual ward service (it is ${r.status.replace(/-/g, ' ')})`,
    };
  return {
    ok: true,
    referral: {
      id: r.id,
      reference: r.reference,
      personId: r.personId,
      status: r.status,
      serviceId: service.id,
      serviceName: service.name,
    },
  };
}

/** Records first contact on an accepted step-up referral (nothing when it already has one). */
export async function recordStepUpFirstContact(
  db: AnyDb,
  actor: Actor,
  referral: StepUpReferral,
  note: string,
  now: Date,
): Promise<boolean> {
  if (referral.status !== 'accepted') return false;
  await actOnReferral(db, actor, referral.id, { type: 'first-contact', note }, { now });
  return true;
}
