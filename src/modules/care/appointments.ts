// Appointments a care coordinator books, changes or cancels for a person (health and care appointments they
// help the person and their family or carers to navigate). Pure rules: checking the input and deciding how the
// person is told about each change, by their recorded contact preference and in an accessible format.
export const APPOINTMENT_EVENTS = ['booked', 'changed', 'cancelled'] as const;
export type AppointmentEvent = (typeof APPOINTMENT_EVENTS)[number];

/** Channels the outbox delivers to a person; anything else recorded falls back to a letter. */
export const NOTIFY_CHANNELS = ['phone', 'text', 'email', 'letter'] as const;

export interface NotifyNeeds {
  preferredContact: string | null;
  language: string | null;
  interpreter: boolean;
  bsl: boolean;
  needs: string | null;
}

/**
 * How the person hears about a change: their recorded contact preference (a letter when none is recorded or it
 * is one the outbox cannot use), in an accessible format when their recorded needs ask for one, and with the
 * language, interpreter and BSL needs carried so the message and the appointment itself can be arranged.
 */
export function notificationFor(n: NotifyNeeds): {
  channel: string;
  format: 'standard' | 'easy-read' | 'large-print' | 'braille' | 'audio';
  language: string | null;
  interpreter: boolean;
  bsl: boolean;
} {
  const preferred = n.preferredContact ?? '';
  const channel = (NOTIFY_CHANNELS as readonly string[]).includes(preferred) ? preferred : 'letter';
  const needs = (n.needs ?? '').toLowerCase();
  const format = /braille/.test(needs)
    ? 'braille'
    : /large print|partially sighted|sight loss/.test(needs)
      ? 'large-print'
      : /easy read|learning disab/.test(needs)
        ? 'easy-read'
        : /audio/.test(needs)
          ? 'audio'
          : 'standard';
  return { channel, format, language: n.language, interpreter: n.interpreter, bsl: n.bsl };
}

export interface AppointmentInput {
  service?: unknown;
  date?: unknown;
  time?: unknown;
  place?: unknown;
  reason?: unknown;
}

export type FieldProblem = { field: string; message: string };

/** Checks the when and where of an appointment; `at` is the London wall-clock date and time as given. */
export function checkAppointment(
  input: AppointmentInput,
  today: string,
  { needReason }: { needReason: boolean },
): { errors: FieldProblem[]; service: string; date: string; time: string; place: string; reason: string } {
  const errors: FieldProblem[] = [];
  const s = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const service = s(input.service);
  const date = s(input.date);
  const time = s(input.time);
  const place = s(input.place);
  const reason = s(input.reason);
  if (!service) errors.push({ field: 'service', message: 'Enter the service or clinic the appointment is with' });
  else if (service.length > 200) errors.push({ field: 'service', message: 'Service must be 200 characters or fewer' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    errors.push({ field: 'date', message: 'Enter the date of the appointment, for example 2027-01-15' });
  else if (date < today) errors.push({ field: 'date', message: 'The date of the appointment must be today or later' });
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time))
    errors.push({ field: 'time', message: 'Enter the time of the appointment, for example 14:30' });
  if (!place)
    errors.push({ field: 'place', message: 'Enter where the appointment is, or say it is by phone or video' });
  else if (place.length > 200) errors.push({ field: 'place', message: 'Place must be 200 characters or fewer' });
  if (needReason && !reason) errors.push({ field: 'reason', message: 'Enter why the appointment is changing' });
  return { errors, service, date, time, place, reason: reason.slice(0, 500) };
}

const plainDateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' });

/** A calendar date ('YYYY-MM-DD') as the rest of the UI shows dates: '22 January 2030'. */
export function plainDate(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? date : plainDateFormat.format(d);
}

/** The sentence on an appointment's timeline: 'Leg ulcer clinic, 22 January 2030 at 14:00, Kentish Town'. */
export function describeAppointment(a: { service: string; date: string; time: string; place: string }): string {
  return `${a.service}, ${plainDate(a.date)} at ${a.time}, ${a.place}`;
}

/**
 * Timeline sentences written before dates were plain held ISO dates ('2030-01-22 at 14:00'); they read the same
 * as new ones when shown.
 */
export function plainSummary(summary: string): string {
  return summary.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (_m, d: string) => plainDate(d));
}

const plainDateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

/** An instant as a London date and time, the way the UI shows them: '22 January 2030 at 14:00'. */
export function plainDateTime(instant: string | Date): string {
  const d = instant instanceof Date ? instant : new Date(instant);
  return Number.isNaN(d.getTime()) ? String(instant) : plainDateTimeFormat.format(d);
}
