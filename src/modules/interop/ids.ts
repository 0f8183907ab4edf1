// Stable identifiers for the standards. Open Referral UK wants UUIDs; Core Offer's records have readable
// codes ("barnet-adhd-assessment", "RKE"). A name-based UUID (RFC 9562 version 5, SHA-1) turns each code into
// the same UUID every time, on every server, so a feed's ids never change between loads.
import { createHash } from 'node:crypto';

/** Core Offer's own namespace for name-based UUIDs (a random UUID chosen once; never change it). */
export const CORE_OFFER_NAMESPACE = '6f1c2f4e-2b0a-4c1e-9a57-3d8e5b7c9f10';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** RFC 9562 §5.5: a version 5 UUID for `name` within `namespace`. */
export function uuidV5(name: string, namespace = CORE_OFFER_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export type RecordKind =
  | 'service'
  | 'organization'
  | 'taxonomy'
  | 'taxonomy_term'
  | 'service_area'
  | 'schedule'
  | 'attribute'
  | 'organization_identifier'
  | 'contact'
  | 'service_at_location'
  | 'location'
  | 'address';

/** The UUID of one of a system's records, e.g. recordUuid('QMJ', 'service', 'barnet-adhd-assessment'). */
export function recordUuid(systemId: string, kind: RecordKind, code: string): string {
  return uuidV5(`${systemId}/${kind}/${code}`);
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
