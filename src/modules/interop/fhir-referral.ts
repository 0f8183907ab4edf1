// A FHIR ServiceRequest (with its Patient contained) as the central point of access's referral body, so a
// referral sent with FHIR goes through exactly the same checks, routing, clock, idempotency and audit as the
// JSON API. Pure: no database. The referral's own field paths map back to FHIRPath for OperationOutcomes.
import type { FieldError } from '../../platform/errors.ts';
import { SYSTEMS } from './fhir.ts';

// biome-ignore lint/suspicious/noExplicitAny: FHIR JSON from outside
type Json = any;

/** Where each referral field comes from in the FHIR resource (for errors the referral checks raise). */
export const FHIR_PATHS: Record<string, string> = {
  person: 'ServiceRequest.subject',
  'person.nhsNumber': `Patient.identifier.where(system='${SYSTEMS.nhsNumber}').value`,
  'person.givenName': 'Patient.name.given',
  'person.familyName': 'Patient.name.family',
  'person.birthDate': 'Patient.birthDate',
  'person.postcode': 'Patient.address.postalCode',
  'person.gpPractice': `Patient.generalPractitioner.identifier.where(system='${SYSTEMS.ods}').value`,
  'person.phone': "Patient.telecom.where(system='phone').value",
  'person.email': "Patient.telecom.where(system='email').value",
  component: `ServiceRequest.code.coding.where(system='${SYSTEMS.component}').code`,
  urgency: 'ServiceRequest.priority',
  reason: 'ServiceRequest.reasonCode.text',
  source: 'ServiceRequest.requester',
  'communication.preferredContact': 'Patient.telecom',
  'communication.language': 'Patient.communication.language',
};

export function fhirPathOf(field: string): string {
  return FHIR_PATHS[field] ?? field;
}

const PRIORITY_URGENCY: Record<string, string> = {
  routine: 'routine',
  urgent: 'urgent',
  asap: 'urgent',
  stat: 'emergency',
};

export type FhirReferral = { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/**
 * The referral body for a ServiceRequest whose subject is a Patient contained in it (`"subject":
 * {"reference": "#p"}`). Core Offer needs the person's name, date of birth and postcode to route and check a
 * referral, so a subject given only by NHS number is refused with that reason.
 */
export function referralFromFhir(resource: Json): FhirReferral {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });
  if (!resource || typeof resource !== 'object' || resource.resourceType !== 'ServiceRequest') {
    return { ok: false, errors: [{ field: 'resourceType', message: 'Send a ServiceRequest resource' }] };
  }
  if (!['active', 'draft'].includes(resource.status)) fail('ServiceRequest.status', 'status must be active');
  if (!['order', 'proposal', 'plan', 'original-order'].includes(resource.intent))
    fail('ServiceRequest.intent', 'intent must be order (or proposal, plan, original-order)');

  const ref: unknown = resource.subject?.reference;
  const patient =
    typeof ref === 'string' && ref.startsWith('#')
      ? (resource.contained ?? []).find((c: Json) => c?.resourceType === 'Patient' && `#${c.id}` === ref)
      : undefined;
  if (!patient) {
    fail(
      'ServiceRequest.subject',
      resource.subject?.identifier
        ? 'Contain the Patient (subject.reference "#id"): an NHS number alone does not give the name, date of birth and postcode a referral needs'
        : 'Contain the Patient in the ServiceRequest and refer to it from subject ("#id")',
    );
  }
  const codes: Json[] = resource.code?.coding ?? [];
  const component = codes.find((c) => c?.system === SYSTEMS.component)?.code;
  if (!component)
    fail(FHIR_PATHS.component!, `Give the core offer component as code.coding with system ${SYSTEMS.component}`);
  const urgency = PRIORITY_URGENCY[resource.priority ?? 'routine'];
  if (!urgency) fail('ServiceRequest.priority', 'priority must be routine, urgent, asap or stat');
  const reason = [
    ...(resource.reasonCode ?? []).map((r: Json) => r?.text ?? r?.coding?.[0]?.display),
    ...(resource.note ?? []).map((n: Json) => n?.text),
  ]
    .filter((t: unknown) => typeof t === 'string' && t.trim())
    .join('. ');
  if (errors.length) return { ok: false, errors };

  const nhs = (patient.identifier ?? []).find((i: Json) => i?.system === SYSTEMS.nhsNumber)?.value;
  const name = (patient.name ?? []).find((n: Json) => n?.use === 'official') ?? patient.name?.[0];
  const telecom: Json[] = patient.telecom ?? [];
  const ranked = [...telecom].sort((a, b) => (a?.rank ?? 99) - (b?.rank ?? 99));
  const phone = telecom.find((t) => t?.system === 'phone' || t?.system === 'sms')?.value;
  const email = telecom.find((t) => t?.system === 'email')?.value;
  const first = ranked.find((t) => ['phone', 'sms', 'email'].includes(t?.system))?.system;
  const gp = (patient.generalPractitioner ?? []).find((g: Json) => g?.identifier?.system === SYSTEMS.ods)?.identifier
    ?.value;
  const requesterIsPatient = typeof resource.requester?.reference === 'string' && resource.requester.reference === ref;
  const language = patient.communication?.[0]?.language;
  const interpreter = patient.extension?.some(
    (e: Json) => e?.url === 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired' && e.valueBoolean,
  );
  return {
    ok: true,
    body: {
      person: {
        nhsNumber: nhs,
        givenName: Array.isArray(name?.given) ? name.given.join(' ') : undefined,
        familyName: name?.family,
        birthDate: patient.birthDate,
        postcode: (patient.address ?? []).find((a: Json) => a?.postalCode)?.postalCode,
        ...(gp ? { gpPractice: gp } : {}),
        ...(phone ? { phone } : {}),
        ...(email ? { email } : {}),
      },
      component,
      urgency,
      reason,
      source: requesterIsPatient ? 'self' : 'professional',
      communication: {
        preferredContact:
          first === 'email' ? 'email' : first === 'sms' ? 'text' : first === 'phone' ? 'phone' : 'letter',
        interpreter: !!interpreter,
        bsl: false,
        ...(interpreter && language ? { language: language.text ?? language.coding?.[0]?.display } : {}),
      },
    },
  };
}
