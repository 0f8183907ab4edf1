// The core offer on the web: residents browse and search the published offer and read what each service
// promises; commissioners manage versions (draft, edit, compare, publish, import, export); other systems
// use the JSON API.
//
// Who may do what:
//   - The published offer (/offer pages, GET /api/offer, GET /api/offer/components/{code}) is public: it
//     is what residents are promised, and the pages show the same thing.
//   - Version history and drafts (GET /api/offer/versions…) are for any member of staff.
//   - Every change (pages under /offer/manage, POST/PUT/DELETE /api/offer…) is for commissioners only;
//     the offer service checks the role again.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import {
  ACCESS_ROUTES,
  AGE_GROUPS,
  addDraftComponent,
  CATEGORIES,
  type CLOCKS,
  type Component,
  createDraft,
  describeAgeBounds,
  DURATION_HINT,
  describeDuration,
  durationFromWords,
  diffVersions,
  discardDraft,
  exportVersion,
  exportVersionCsv,
  getDraft,
  getPublishedComponent,
  getPublishedOffer,
  getVersion,
  getVersionComponent,
  humaniseDuration,
  importOffer,
  listVersions,
  POINTS_OF_DELIVERY,
  publishDraft,
  putDraftComponent,
  removeDraftComponent,
  readsAsCrisis,
  searchComponents,
  updateDraftDetails,
} from '../../modules/offer/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { ROLES } from '../../platform/auth/roles.ts';
import { DomainError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { sendCsv, sendJsonFile } from '../downloads.ts';
import { type ErrorItem, errorItems, fieldErrors } from '../forms.ts';
import { searchServices } from '../../modules/directory/index.ts';
import type { Navigation } from '../nav.ts';
import {
  ACCESS_ROUTE_TEXT,
  ageGroupLabel,
  categoryName,
  POINT_OF_DELIVERY_TEXT,
  presentComponent,
  URGENCY_TEXT,
} from './present.ts';
import {
  AnyObject,
  ComponentSchema,
  DiffSchema,
  DocumentSchema,
  PublishedOfferSchema,
  ErrorSchema,
  VersionSchema,
  VersionSummarySchema,
} from './schemas.ts';

const COMMISSIONER = ['commissioner'] as const;
const STAFF = ROLES;

const Ref = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'The version’s id, or its number within the system (1, 2, 3 …)',
});
const Code = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100, description: 'The component’s code' });
const VersionRowSchema = Type.Object({
  ...VersionSchema.properties,
  createdBy: Type.Union([Type.String(), Type.Null()]),
});
const FormBody = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: 20000 }), Type.Array(Type.String({ maxLength: 20000 }), { maxItems: 50 })]),
);

const lines = (text: unknown) =>
  String(text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const asArray = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value ? [String(value)] : []);
const str = (value: unknown) => (Array.isArray(value) ? String(value[0] ?? '') : String(value ?? ''));

/** The chosen checkboxes in their stored order, new ones after, so re-saving a form changes nothing by itself. */
function keepOrder(stored: readonly string[], chosen: string[]): string[] {
  return [...stored.filter((x) => chosen.includes(x)), ...chosen.filter((x) => !stored.includes(x))];
}

/** Shows a value from the diff as short text: strings as they are, lists joined, anything else as JSON. */
function showValue(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('; ') || '(empty list)';
  return JSON.stringify(value);
}

/** As showValue, with durations in words ("within 6 weeks") and times as people read them. */
function showChange(path: string, value: unknown): string {
  if (typeof value === 'string' && /\.(firstContact|followUp)$/.test(path)) {
    try {
      // Whole days may be working days: the standard's clock, shown in its own row, says which.
      return `within ${describeDuration(value)}`;
    } catch {
      return value;
    }
  }
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return timeInWords(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return showValue(value);
}

/** A stored duration as the editor shows it: "18 weeks", "2 hours" (the clock radio says working days). */
function inWords(iso: string): string {
  try {
    return describeDuration(iso).replace(/ and /g, ' ');
  } catch {
    return iso;
  }
}

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});
function timeInWords(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : LONDON_TIME.format(d);
}

const FIELD_WORDS: Record<string, string> = {
  name: 'name',
  residentSummary: 'summary for residents',
  description: 'description',
  synonyms: 'other names',
  conditions: 'conditions and needs',
  category: 'category',
  domain: 'domain',
  kind: 'kind',
  provisions: 'age groups',
  responseStandards: 'response standards',
  firstContact: 'first contact',
  followUp: 'follow-up',
  clock: 'clock',
  note: 'note',
  illustrative: 'illustrative figure',
  hours: 'hours',
  twentyFourSeven: 'open 24 hours',
  outOfHours: 'out of hours',
  accessRoutes: 'how people get the service',
  pointsOfDelivery: 'where people are seen',
  eligibility: 'who can use it',
  bestPractice: 'best practice',
  effectiveFrom: 'effective from',
  changeNotes: 'change notes',
  publishedAt: 'published',
  publishedBy: 'published by',
  status: 'status',
  number: 'number',
};

/**
 * A changed field's path as people read it: "provisions[children-young-people].responseStandards[routine]
 * .firstContact" → "Children and young people: routine first contact".
 */
function describePath(path: string): string {
  const scope: string[] = [];
  const words: string[] = [];
  for (const segment of path.split('.')) {
    const m = /^(\w+)(?:\[([^\]]+)\])?$/.exec(segment);
    if (!m) {
      words.push(segment);
      continue;
    }
    const [, field, key] = m;
    if (field === 'provisions' && key) {
      scope.push(AGE_GROUPS.find((g) => g.code === key)?.name ?? key);
    } else if (field === 'responseStandards' && key) {
      words.push(key.replace(/-/g, ' '));
    } else if (key && /^\d+$/.test(key)) {
      words.push(`${FIELD_WORDS[field] ?? field} ${Number(key) + 1}`);
    } else {
      words.push(FIELD_WORDS[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
      if (key) words.push(key.replace(/-/g, ' '));
    }
  }
  const text = words.join(' ');
  const sentence = scope.length ? `${scope.join(', ')}: ${text}` : text;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

// The component edit form ---------------------------------------------------------------------------

/** Form values for a component: the text fields, and per provision and standard the editable parts. */
function formValues(component: Component): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {
    name: component.name,
    residentSummary: component.residentSummary,
    synonyms: component.synonyms.join('\n'),
    conditions: component.conditions.join('\n'),
  };
  component.provisions.forEach((p, i) => {
    p.responseStandards.forEach((rs, j) => {
      values[`p${i}-rs${j}-firstContact`] = inWords(rs.firstContact);
      values[`p${i}-rs${j}-clock`] = rs.clock;
    });
    values[`p${i}-accessRoutes`] = p.accessRoutes;
    values[`p${i}-pointsOfDelivery`] = p.pointsOfDelivery;
  });
  return values;
}

/** The stored component with the form's changes applied; validation happens in the offer service. */
function applyForm(component: Component, body: Record<string, unknown>): Component {
  const next = structuredClone(component);
  next.name = str(body.name);
  next.residentSummary = str(body.residentSummary);
  next.synonyms = lines(body.synonyms);
  next.conditions = lines(body.conditions);
  next.provisions.forEach((p, i) => {
    p.responseStandards.forEach((rs, j) => {
      const typed = str(body[`p${i}-rs${j}-firstContact`]).trim();
      rs.firstContact = durationFromWords(typed) ?? typed;
      rs.clock = str(body[`p${i}-rs${j}-clock`]) as (typeof CLOCKS)[number];
    });
    p.accessRoutes = keepOrder(p.accessRoutes, asArray(body[`p${i}-accessRoutes`])) as typeof p.accessRoutes;
    p.pointsOfDelivery = keepOrder(
      p.pointsOfDelivery,
      asArray(body[`p${i}-pointsOfDelivery`]),
    ) as typeof p.pointsOfDelivery;
  });
  return next;
}

/** The validator's duration messages speak ISO 8601 (for the API); the form takes words. */
function durationMessageInWords(message: string): string {
  if (message === DURATION_HINT)
    return 'Enter the time to first contact as a number and a unit, such as 2 hours, 5 days or 18 weeks';
  if (message.startsWith('Use weeks or days'))
    return 'Use hours, days or weeks, such as 18 weeks: months and years have no exact length';
  if (message.startsWith('On a working-days clock')) return 'On a working-days clock, enter whole days, such as 5 days';
  return message;
}

/** An error summary entry for a field the validator named, pointing at the form control that holds it. */
function formError(component: Component, field: FieldError): ErrorItem {
  const m = /^provisions\[(\d+)\](?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?/.exec(field.field);
  if (m) {
    const i = Number(m[1]);
    const provision = component.provisions[i];
    const group = provision
      ? (AGE_GROUPS.find((g) => g.code === provision.ageGroup)?.name ?? provision.ageGroup)
      : `Age group ${i + 1}`;
    if (m[2] === 'responseStandards' && m[3] !== undefined) {
      const j = Number(m[3]);
      const rs = provision?.responseStandards[j];
      const which = rs ? (URGENCY_TEXT[rs.urgency] ?? rs.urgency).toLowerCase() : `standard ${j + 1}`;
      const part = m[4] === 'clock' ? 'clock' : 'firstContact';
      return { text: `${group}, ${which}: ${durationMessageInWords(field.message)}`, href: `#p${i}-rs${j}-${part}` };
    }
    if (m[2] === 'accessRoutes' || m[2] === 'pointsOfDelivery') {
      return { text: `${group}: ${field.message}`, href: `#p${i}-${m[2]}` };
    }
    return { text: `${group}: ${field.message} (${field.field})`, href: '#name' };
  }
  const top = /^(name|residentSummary|synonyms|conditions)/.exec(field.field)?.[1];
  const labels: Record<string, string> = {
    name: 'Name',
    residentSummary: 'Summary for residents',
    synonyms: 'Other names',
    conditions: 'Conditions and needs',
  };
  return top
    ? { text: `${labels[top]}: ${field.message}`, href: `#${top}` }
    : { text: `${field.field}: ${field.message}`, href: '#name' };
}

/** The edit form's view of each provision: labels and the plain reading of each standard. */
function formProvisions(component: Component) {
  return component.provisions.map((p, i) => ({
    index: i,
    label: ageGroupLabel(p.ageGroup),
    standards: p.responseStandards.map((rs, j) => ({
      index: j,
      label: `${URGENCY_TEXT[rs.urgency] ?? component.urgencyLevels?.find((l) => l.code === rs.urgency)?.name ?? rs.urgency}${rs.note ? ` (${rs.note})` : ''}`,
      reading: (() => {
        try {
          return humaniseDuration(rs.firstContact, rs.clock);
        } catch {
          return '';
        }
      })(),
    })),
  }));
}

const accessRouteItems = ACCESS_ROUTES.map((r) => ({ value: r, text: ACCESS_ROUTE_TEXT[r].short }));
const pointItems = POINTS_OF_DELIVERY.map((p) => ({ value: p, text: POINT_OF_DELIVERY_TEXT[p] }));
const clockItems = [
  { value: 'calendar', text: 'Calendar time (every day counts)' },
  { value: 'working-days', text: 'Working days (Monday to Friday, not bank holidays)' },
];

export default async function offerRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const systemOf = (actor: Actor | null) => actor?.systemId ?? deps.config.defaultSystem;

  navigation.add({ href: '/offer', text: 'Find services', roles: 'public' });
  navigation.add({ href: '/offer/manage', text: 'Core offer', roles: [...COMMISSIONER] });

  // Residents ---------------------------------------------------------------------------------------
  app.get(
    '/offer',
    {
      config: { policy: 'public' },
      schema: {
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          ageGroup: Type.Optional(Type.String({ maxLength: 50 })),
          category: Type.Optional(Type.String({ maxLength: 80 })),
        }),
      },
    },
    async (request, reply) => {
      const offer = await getPublishedOffer(db, systemOf(request.actor));
      const q = request.query.q?.trim() ?? '';
      const ageGroup = AGE_GROUPS.find((g) => g.code === request.query.ageGroup)?.code;
      const category = CATEGORIES.find((c) => c.code === request.query.category)?.code;
      const components = offer?.components ?? [];
      const searching = !!(q || ageGroup || category);
      const results = searching ? searchComponents(components, q, { ageGroup, category }) : [];
      const inAgeGroup = searchComponents(components, '', { ageGroup });
      const categories = CATEGORIES.map((c) => ({
        ...c,
        count: inAgeGroup.filter((r) => r.component.category === c.code).length,
        href: `/offer?${new URLSearchParams({ ...(ageGroup ? { ageGroup } : {}), category: c.code })}`,
      })).filter((c) => c.count > 0);
      return reply.render('offer/index.njk', {
        title: searching
          ? q
            ? `Search results for ${q}`
            : 'Find community and mental health services'
          : 'Find community and mental health services',
        offer,
        q,
        crisis: readsAsCrisis(q),
        ageGroup,
        category: category ? { code: category, name: categoryName(category) } : null,
        searching,
        results: results.map((r) => ({
          code: r.component.code,
          name: r.component.name,
          summary: r.component.residentSummary,
          ages: r.component.provisions.map((p) => ageGroupLabel(p.ageGroup)),
        })),
        categories,
        ageGroups: AGE_GROUPS.map((g) => ({
          value: g.code,
          text: `${g.name} (${describeAgeBounds(g)})`,
          selected: g.code === ageGroup,
          href: `/offer?ageGroup=${g.code}`,
        })),
      });
    },
  );

  app.get(
    '/offer/components/:code',
    { config: { policy: 'public' }, schema: { params: Type.Object({ code: Code }) } },
    async (request, reply) => {
      const found = await getPublishedComponent(db, systemOf(request.actor), request.params.code);
      if (!found) throw new NotFoundError('Service');
      // The central point of access promises contact: give its phone numbers and hours from the directory.
      const contacts =
        found.component.code === 'central-point-of-access'
          ? (
              await searchServices(
                db,
                systemOf(request.actor),
                { component: 'central-point-of-access' },
                { pageSize: 50 },
              )
            ).items
              .map((s) => ({
                name: s.name,
                phone: s.contact.phone ?? null,
                email: s.contact.email ?? null,
                hours: s.hours,
                illustrative: !!(s.illustrative || s.contact.illustrative),
              }))
              .sort((a, b) => a.name.localeCompare(b.name))
          : [];
      return reply.render('offer/component.njk', {
        title: found.component.name,
        c: presentComponent(found.component),
        version: found.version,
        contacts,
      });
    },
  );

  // Commissioners: versions ----------------------------------------------------------------------------
  app.get(
    '/offer/manage',
    {
      config: { policy: COMMISSIONER },
      schema: {
        querystring: Type.Object({
          published: Type.Optional(Type.String({ maxLength: 12 })),
          discarded: Type.Optional(Type.String({ maxLength: 12 })),
        }),
      },
    },
    async (request, reply) => {
      const versions = await listVersions(db, request.actor!);
      return reply.render('offer/manage.njk', {
        title: 'Core offer',
        versions,
        published: versions.find((v) => v.status === 'published') ?? null,
        draft: versions.find((v) => v.status === 'draft') ?? null,
        justPublished: request.query.published ?? null,
        justDiscarded: request.query.discarded ?? null,
        versionItems: versions.map((v) => ({ value: String(v.number), text: `Version ${v.number} (${v.status})` })),
      });
    },
  );

  app.post(
    '/offer/manage/drafts',
    {
      config: { policy: COMMISSIONER },
      schema: {
        body: Type.Object({
          changeNotes: Type.Optional(Type.String({ maxLength: 5000 })),
          _csrf: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const draft = await createDraft(db, request.actor!, { changeNotes: request.body.changeNotes });
      return reply.redirect(`/offer/manage/versions/${draft.number}?started=1`, 303);
    },
  );

  const renderVersion = async (reply: FastifyReply, actor: Actor, ref: string, extra: Record<string, unknown> = {}) => {
    const { version, components } = await getVersion(db, actor, ref);
    return reply.render('offer/version.njk', {
      title: `Core offer version ${version.number}`,
      version,
      components: components.map((c) => ({
        code: c.code,
        name: c.name,
        category: categoryName(c.category),
        kind: c.kind,
        ages: c.provisions.map((p) => AGE_GROUPS.find((g) => g.code === p.ageGroup)?.name ?? p.ageGroup).join(', '),
      })),
      values: { effectiveFrom: version.effectiveFrom, changeNotes: version.changeNotes },
      ...extra,
      fieldErrors: fieldErrors(extra.errors as ErrorItem[] | undefined),
    });
  };

  app.get(
    '/offer/manage/versions/:ref',
    {
      config: { policy: COMMISSIONER },
      schema: {
        params: Type.Object({ ref: Ref }),
        querystring: Type.Object({
          started: Type.Optional(Type.String({ maxLength: 5 })),
          saved: Type.Optional(Type.String({ maxLength: 100 })),
          added: Type.Optional(Type.String({ maxLength: 100 })),
          removed: Type.Optional(Type.String({ maxLength: 100 })),
          imported: Type.Optional(Type.String({ maxLength: 5 })),
          details: Type.Optional(Type.String({ maxLength: 5 })),
        }),
      },
    },
    async (request, reply) => {
      // The notices carry component codes; people read names (a removed one is named from the published offer).
      const { components } = await getVersion(db, request.actor!, request.params.ref);
      const published = await getPublishedOffer(db, request.actor!.systemId);
      const nameOf = (code: string | undefined) =>
        code
          ? (components.find((c) => c.code === code)?.name ??
            published?.components.find((c) => c.code === code)?.name ??
            code)
          : undefined;
      const q = request.query;
      return renderVersion(reply, request.actor!, request.params.ref, {
        notice: { ...q, saved: nameOf(q.saved), added: nameOf(q.added), removed: nameOf(q.removed) },
      });
    },
  );

  app.post(
    '/offer/manage/versions/:ref/details',
    {
      config: { policy: COMMISSIONER },
      schema: {
        params: Type.Object({ ref: Ref }),
        body: Type.Object({
          effectiveFrom: Type.Optional(Type.String({ maxLength: 20 })),
          changeNotes: Type.Optional(Type.String({ maxLength: 5000 })),
          _csrf: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const { effectiveFrom = '', changeNotes = '' } = request.body;
      try {
        const v = await updateDraftDetails(db, request.actor!, request.params.ref, {
          effectiveFrom: effectiveFrom.trim(),
          changeNotes,
        });
        return reply.redirect(`/offer/manage/versions/${v.number}?details=1`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        reply.status(400);
        return renderVersion(reply, request.actor!, request.params.ref, {
          errors: errorItems(error),
          values: { effectiveFrom, changeNotes },
        });
      }
    },
  );

  // Commissioners: components of a version ----------------------------------------------------------
  const renderComponent = async (
    reply: FastifyReply,
    actor: Actor,
    ref: string,
    code: string,
    extra: { values?: Record<string, unknown>; errors?: ErrorItem[] } = {},
  ) => {
    const { version, component } = await getVersionComponent(db, actor, ref, code);
    return reply.render('offer/edit-component.njk', {
      title: version.status === 'draft' ? `Edit ${component.name}` : component.name,
      version,
      component,
      provisions: formProvisions(component),
      values: extra.values ?? formValues(component),
      errors: extra.errors,
      fieldErrors: fieldErrors(extra.errors),
      accessRouteItems,
      pointItems,
      clockItems,
      json: JSON.stringify(component, null, 2),
    });
  };

  app.get(
    '/offer/manage/versions/:ref/components/:code',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref, code: Code }) } },
    async (request, reply) => renderComponent(reply, request.actor!, request.params.ref, request.params.code),
  );

  app.post(
    '/offer/manage/versions/:ref/components/:code',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref, code: Code }), body: FormBody } },
    async (request, reply) => {
      const { ref, code } = request.params;
      const { version, component } = await getVersionComponent(db, request.actor!, ref, code);
      const next = applyForm(component, request.body);
      try {
        await putDraftComponent(db, request.actor!, ref, code, next);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        reply.status(400);
        return renderComponent(reply, request.actor!, ref, code, {
          values: request.body,
          errors: error.fields.map((f) => formError(component, f)),
        });
      }
      return reply.redirect(`/offer/manage/versions/${version.number}?saved=${encodeURIComponent(code)}`, 303);
    },
  );

  app.post(
    '/offer/manage/versions/:ref/components',
    {
      config: { policy: COMMISSIONER },
      schema: {
        params: Type.Object({ ref: Ref }),
        body: Type.Object({
          componentJson: Type.Optional(Type.String({ maxLength: 200000 })),
          _csrf: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const text = request.body.componentJson ?? '';
      let errors: ErrorItem[] = [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        errors = [
          {
            text: text.trim()
              ? `The component is not valid JSON: ${(error as Error).message}`
              : 'Paste the component as JSON',
            href: '#componentJson',
          },
        ];
      }
      if (!errors.length) {
        try {
          const added = await addDraftComponent(db, request.actor!, request.params.ref, parsed);
          const { version } = await getVersionComponent(db, request.actor!, request.params.ref, added.code);
          return reply.redirect(
            `/offer/manage/versions/${version.number}?added=${encodeURIComponent(added.code)}`,
            303,
          );
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          errors = error.fields.map((f) => ({ text: `${f.field}: ${f.message}`, href: '#componentJson' }));
        }
      }
      reply.status(400);
      return renderVersion(reply, request.actor!, request.params.ref, { errors, componentJson: text });
    },
  );

  app.get(
    '/offer/manage/versions/:ref/components/:code/remove',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref, code: Code }) } },
    async (request, reply) => {
      const { version, component } = await getVersionComponent(
        db,
        request.actor!,
        request.params.ref,
        request.params.code,
      );
      return reply.render('offer/confirm.njk', {
        title: `Remove ${component.name} from version ${version.number}?`,
        text: 'It will no longer be part of this draft. Residents will stop seeing it when the draft is published.',
        action: `/offer/manage/versions/${version.number}/components/${component.code}/remove`,
        buttonText: 'Remove component',
        warning: true,
        back: `/offer/manage/versions/${version.number}`,
      });
    },
  );

  app.post(
    '/offer/manage/versions/:ref/components/:code/remove',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref, code: Code }) } },
    async (request, reply) => {
      const { version } = await getVersion(db, request.actor!, request.params.ref);
      await removeDraftComponent(db, request.actor!, request.params.ref, request.params.code);
      return reply.redirect(
        `/offer/manage/versions/${version.number}?removed=${encodeURIComponent(request.params.code)}`,
        303,
      );
    },
  );

  // Commissioners: publish, discard, compare ---------------------------------------------------------
  app.get(
    '/offer/manage/versions/:ref/publish',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      const actor = request.actor!;
      const { version } = await getVersion(db, actor, request.params.ref);
      if (version.status !== 'draft')
        throw new DomainError(
          409,
          'version_not_draft',
          `Version ${version.number} is ${version.status}: only a draft can be published`,
        );
      const published = (await listVersions(db, actor)).find((v) => v.status === 'published');
      const compared = published
        ? await diffVersions(db, actor, String(published.number), String(version.number))
        : null;
      return reply.render('offer/publish.njk', {
        title: `Publish version ${version.number}?`,
        version,
        published,
        diff: compared?.diff ?? null,
      });
    },
  );

  app.post(
    '/offer/manage/versions/:ref/publish',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      try {
        const { published } = await publishDraft(db, request.actor!, request.params.ref);
        return reply.redirect(`/offer/manage?published=${published.number}`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const { version } = await getVersion(db, request.actor!, request.params.ref);
        reply.status(400);
        return reply.render('offer/publish.njk', {
          title: `Publish version ${version.number}?`,
          version,
          errors: error.fields.map((f) => ({ text: `${f.field}: ${f.message}`, href: '#publish' })),
        });
      }
    },
  );

  app.get(
    '/offer/manage/versions/:ref/discard',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      const { version } = await getVersion(db, request.actor!, request.params.ref);
      return reply.render('offer/confirm.njk', {
        title: `Discard draft version ${version.number}?`,
        text: 'Every change made in this draft will be lost. The published offer does not change.',
        action: `/offer/manage/versions/${version.number}/discard`,
        buttonText: 'Discard draft',
        warning: true,
        back: `/offer/manage/versions/${version.number}`,
      });
    },
  );

  app.post(
    '/offer/manage/versions/:ref/discard',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      const { version } = await getVersion(db, request.actor!, request.params.ref);
      await discardDraft(db, request.actor!, request.params.ref);
      return reply.redirect(`/offer/manage?discarded=${version.number}`, 303);
    },
  );

  app.get(
    '/offer/manage/compare',
    {
      config: { policy: COMMISSIONER },
      schema: { querystring: Type.Object({ a: Type.Optional(Ref), b: Type.Optional(Ref) }) },
    },
    async (request, reply) => {
      const actor = request.actor!;
      const versions = await listVersions(db, actor);
      const { a, b } = request.query;
      const errors: ErrorItem[] = [];
      if (!a) errors.push({ text: 'Select the version to compare from', href: '#a' });
      if (!b) errors.push({ text: 'Select the version to compare to', href: '#b' });
      const compared = a && b ? await diffVersions(db, actor, a, b) : null;
      if (errors.length) reply.status(400);
      return reply.render('offer/compare.njk', {
        title: compared
          ? `Changes from version ${compared.before.number} to version ${compared.after.number}`
          : 'Compare versions',
        errors,
        versionItems: versions.map((v) => ({ value: String(v.number), text: `Version ${v.number} (${v.status})` })),
        a,
        b,
        compared: compared && {
          ...compared,
          diff: {
            ...compared.diff,
            version: compared.diff.version
              .filter((c) => !['id', 'createdAt'].includes(c.path))
              .map((c) => ({
                path: describePath(c.path),
                before: showChange(c.path, c.before),
                after: showChange(c.path, c.after),
              })),
            changed: compared.diff.changed.map((c) => ({
              ...c,
              changes: c.changes.map((f) => ({
                path: describePath(f.path),
                before: showChange(f.path, f.before),
                after: showChange(f.path, f.after),
              })),
            })),
          },
        },
      });
    },
  );

  // Commissioners: export and import ---------------------------------------------------------------
  app.get(
    '/offer/manage/versions/:ref/offer.json',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      const document = await exportVersion(db, request.actor!, request.params.ref);
      return sendJsonFile(
        reply,
        `core-offer-version-${document.version.number}.json`,
        JSON.stringify(document, null, 2),
      );
    },
  );

  app.get(
    '/offer/manage/versions/:ref/offer.csv',
    { config: { policy: COMMISSIONER }, schema: { params: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      const { version } = await getVersion(db, request.actor!, request.params.ref);
      return sendCsv(
        reply,
        `core-offer-version-${version.number}.csv`,
        await exportVersionCsv(db, request.actor!, request.params.ref),
      );
    },
  );

  app.get('/offer/manage/import', { config: { policy: COMMISSIONER } }, async (request, reply) =>
    reply.render('offer/import.njk', {
      title: 'Import an offer',
      draft: await getDraft(db, request.actor!),
      values: {},
    }),
  );

  app.post(
    '/offer/manage/import',
    {
      config: { policy: COMMISSIONER },
      bodyLimit: deps.config.importLimitBytes,
      schema: { body: Type.Object({ offerJson: Type.Optional(Type.String()), _csrf: Type.Optional(Type.String()) }) },
    },
    async (request, reply) => {
      const text = request.body.offerJson ?? '';
      let parsed: unknown;
      let errors: ErrorItem[] = [];
      let total = 0;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        errors = [
          {
            text: text.trim() ? `The offer is not valid JSON: ${(error as Error).message}` : 'Paste the offer as JSON',
            href: '#offerJson',
          },
        ];
      }
      if (!errors.length) {
        try {
          const draft = await importOffer(db, request.actor!, parsed);
          return reply.redirect(`/offer/manage/versions/${draft.number}?imported=1`, 303);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          total = error.fields.length;
          errors = error.fields.slice(0, 100).map((f) => ({ text: `${f.field}: ${f.message}`, href: '#offerJson' }));
        }
      }
      reply.status(400);
      return reply.render('offer/import.njk', {
        title: 'Import an offer',
        draft: await getDraft(db, request.actor!),
        errors,
        total,
        values: { offerJson: text },
      });
    },
  );

  // API ------------------------------------------------------------------------------------------------
  const tags = ['offer'];

  app.get(
    '/api/offer',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'The published core offer with all its components',
        description:
          'Public: this is what residents are promised. Staff tokens see their own system’s offer; anyone else sees the default system’s.',
        tags,
        security: [],
        response: { 200: PublishedOfferSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const offer = await getPublishedOffer(db, systemOf(request.actor));
      if (!offer) throw new NotFoundError('Published offer');
      return { ...offer, ageGroups: AGE_GROUPS.map((g) => ({ ...g })) };
    },
  );

  app.get(
    '/api/offer/components/:code',
    {
      config: { policy: 'public' },
      schema: {
        summary: 'One component of the published core offer',
        tags,
        security: [],
        params: Type.Object({ code: Code }),
        response: { 200: Type.Object({ version: VersionSchema, component: ComponentSchema }), 404: ErrorSchema },
      },
    },
    async (request) => {
      const found = await getPublishedComponent(db, systemOf(request.actor), request.params.code);
      if (!found) throw new NotFoundError('Component');
      return found;
    },
  );

  app.get(
    '/api/offer/versions',
    {
      config: { policy: STAFF },
      schema: {
        summary: 'Every version of the core offer, newest first (any staff role)',
        tags,
        response: {
          200: Type.Object({ versions: Type.Array(VersionSummarySchema) }),
          401: ErrorSchema,
          403: ErrorSchema,
        },
      },
    },
    async (request) => ({ versions: await listVersions(db, request.actor!) }),
  );

  app.get(
    '/api/offer/versions/:id',
    {
      config: { policy: STAFF },
      schema: {
        summary: 'One version with all its components (any staff role)',
        description: 'The same document that POST /api/offer/import accepts.',
        tags,
        params: Type.Object({ id: Ref }),
        response: { 200: DocumentSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => exportVersion(db, request.actor!, request.params.id),
  );

  app.get(
    '/api/offer/versions/:a/diff/:b',
    {
      config: { policy: STAFF },
      schema: {
        summary: 'What changed from version a to version b: components added, removed and changed field by field',
        tags,
        params: Type.Object({ a: Ref, b: Ref }),
        response: { 200: DiffSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => diffVersions(db, request.actor!, request.params.a, request.params.b),
  );

  app.post(
    '/api/offer/drafts',
    {
      config: { policy: COMMISSIONER },
      // The body is optional: a bare POST starts a draft with today's date.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        summary: 'Start a draft copied from the published version (commissioners)',
        description: 'Refused with 409 while another draft is open.',
        tags,
        body: Type.Object({
          effectiveFrom: Type.Optional(Type.String({ description: 'YYYY-MM-DD; today when absent' })),
          changeNotes: Type.Optional(Type.String({ maxLength: 5000 })),
        }),
        response: { 201: VersionRowSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const draft = await createDraft(db, request.actor!, request.body);
      return reply.status(201).send(draft);
    },
  );

  app.put(
    '/api/offer/drafts/:id/components/:code',
    {
      config: { policy: COMMISSIONER },
      schema: {
        summary: 'Replace (or add) a component of a draft (commissioners)',
        description: 'The body is a whole component. It is validated whole; a 400 lists every problem by field.',
        tags,
        params: Type.Object({ id: Ref, code: Code }),
        body: AnyObject,
        response: {
          200: ComponentSchema,
          201: ComponentSchema,
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { component, created } = await putDraftComponent(
        db,
        request.actor!,
        request.params.id,
        request.params.code,
        request.body,
        {
          allowCreate: true,
        },
      );
      return reply.status(created ? 201 : 200).send(component);
    },
  );

  app.delete(
    '/api/offer/drafts/:id/components/:code',
    {
      config: { policy: COMMISSIONER },
      // A DELETE carries no body: a stray Content-Type must not turn it into a JSON parse error before the
      // role check has answered.
      onRequest: async (request) => {
        const length = request.headers['content-length'];
        if (request.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
          delete request.headers['content-type'];
        }
      },
      schema: {
        summary: 'Remove a component from a draft (commissioners)',
        tags,
        params: Type.Object({ id: Ref, code: Code }),
        response: { 204: Type.Null(), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      await removeDraftComponent(db, request.actor!, request.params.id, request.params.code);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/offer/drafts/:id/publish',
    {
      config: { policy: COMMISSIONER },
      schema: {
        summary: 'Publish a draft, retiring the published version it replaces (commissioners)',
        description:
          '409 when the version is not a draft; 400 listing every field when the draft is not a valid offer.',
        tags,
        params: Type.Object({ id: Ref }),
        response: {
          200: Type.Object({ published: VersionRowSchema, retired: Type.Union([VersionRowSchema, Type.Null()]) }),
          400: ErrorSchema,
          401: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: ErrorSchema,
        },
      },
    },
    async (request) => publishDraft(db, request.actor!, request.params.id),
  );

  app.post(
    '/api/offer/import',
    {
      config: { policy: COMMISSIONER },
      bodyLimit: deps.config.importLimitBytes,
      schema: {
        summary: 'Import a whole offer document as a new draft (commissioners)',
        description:
          'All or nothing: the document (the shape GET /api/offer/versions/{id} returns) is validated whole, and a 400 lists every problem by field, such as components[3].provisions[0].responseStandards[1].firstContact. 409 while another draft is open.',
        tags,
        body: AnyObject,
        response: { 201: VersionRowSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await importOffer(db, request.actor!, request.body)),
  );
}
