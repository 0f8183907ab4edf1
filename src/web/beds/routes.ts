// Mental health beds on the web: the NCL-wide board (filters by type, sex and trust; states in words beside
// colour; occupancy over time as a chart and a table), the requests worklist, asking for a bed, the proposed
// beds and allocating one, admission, leave, delayed discharge and discharge, out-of-area placements with the
// people who could come home first (CSV export), figures for commissioners without personal data (with the
// monthly OAP return as CSV), and the JSON API under /api/beds.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../../app.ts';
import * as beds from '../../modules/beds/index.ts';
import type { Actor } from '../../platform/auth/roles.ts';
import { toCsv } from '../../platform/csv.ts';
import { DomainError, ValidationError } from '../../platform/errors.ts';
import { ErrorBody } from '../api-schemas.ts';
import { lineChart } from '../charts.ts';
import { sendCsv } from '../downloads.ts';
import { errorItems, fieldErrors, pageLinks } from '../forms.ts';
import type { Navigation } from '../nav.ts';

const S = () => Type.String();
const N = () => Type.Union([Type.String(), Type.Null()]);
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });
const CountsOut = Type.Object({
  available: Type.Integer(),
  reserved: Type.Integer(),
  occupied: Type.Integer(),
  leave: Type.Integer({ description: 'Beds kept for a patient on leave' }),
  closed: Type.Integer(),
  total: Type.Integer(),
  delayed: Type.Integer({ description: 'Beds held by someone ready for discharge but delayed' }),
});
const BedOut = Type.Object({
  id: S(),
  label: S(),
  bay: N(),
  state: Type.String({ description: beds.BED_STATES.join(', ') }),
  stateText: S(),
  closedReason: N(),
  delayed: Type.Boolean(),
  delayedDays: Type.Integer(),
});
const WardOut = Type.Object({
  id: S(),
  name: S(),
  trustCode: S(),
  trustName: S(),
  site: S(),
  borough: S(),
  type: Type.String({ description: beds.WARD_TYPES.join(', ') }),
  sex: Type.String({ description: beds.WARD_SEXES.join(', ') }),
  source: Type.String({ description: 'Where the ward facts come from (illustrative unless sourced)' }),
  counts: CountsOut,
  beds: Type.Array(BedOut),
});
const BoardOut = Type.Object({
  totals: CountsOut,
  byTrust: Type.Array(Type.Object({ key: S(), label: S(), counts: CountsOut })),
  byType: Type.Array(Type.Object({ key: S(), counts: CountsOut })),
  bySex: Type.Array(Type.Object({ key: S(), counts: CountsOut })),
  wards: Type.Array(WardOut),
});
const PersonOut = Type.Object({
  id: S(),
  nhsNumber: S(),
  givenName: S(),
  familyName: S(),
  birthDate: S(),
  homePostcode: S(),
  homeBorough: N(),
});
const ProposalOut = Type.Object({
  bedId: S(),
  bedLabel: S(),
  wardId: S(),
  wardName: S(),
  site: S(),
  borough: S(),
  tier: Type.String({ description: 'same-borough, then ncl' }),
  distanceKm: Type.Union([Type.Number(), Type.Null()]),
});
const RequestOut = Type.Object({
  id: S(),
  reference: S(),
  status: Type.String({ description: 'waiting, allocated, admitted, placed-out-of-area, cancelled' }),
  source: S(),
  wardType: S(),
  sex: S(),
  urgency: S(),
  homeBorough: N(),
  requestedAt: S(),
  waitMinutes: Type.Integer({ description: 'Minutes from the request to now (or to when it closed)' }),
  bedId: N(),
  allocatedAt: N(),
  person: PersonOut,
});
const RequestDetailOut = Type.Intersect([
  RequestOut,
  Type.Object({
    proposals: Type.Array(ProposalOut, { description: 'Suitable free beds in the order proposed; empty: out of area' }),
    stayId: N(),
  }),
]);
const StayOut = Type.Object({
  id: S(),
  requestId: N(),
  bedId: S(),
  wardId: S(),
  wardName: S(),
  admittedAt: S(),
  onLeave: Type.Boolean(),
  readySince: N(),
  delayReason: N(),
  delayedDays: Type.Integer(),
  dischargedAt: N(),
  dischargeDestination: N(),
  person: PersonOut,
});
const PlacementOut = Type.Object({
  id: S(),
  requestId: N(),
  wardType: S(),
  sex: S(),
  homeBorough: N(),
  providerName: S(),
  providerCode: N(),
  locationDistrict: S(),
  locationPlace: N(),
  distanceKm: Type.Union([Type.Number(), Type.Null()], { description: 'Straight line between district centres' }),
  startDate: S(),
  endDate: N(),
  reason: Type.String({ description: beds.OAP_REASONS.join(', ') }),
  appropriate: Type.Boolean(),
  costPerDay: Type.Number({ description: 'Pounds' }),
  daysOut: Type.Integer({ description: 'Nights away up to today (or the end date)' }),
  costToDate: Type.Number({ description: 'Pounds' }),
  person: PersonOut,
  repatriationBeds: Type.Array(ProposalOut),
});
const OapRow = Type.Object({
  month: S(),
  borough: S(),
  placements: Type.Integer(),
  days: Type.Integer(),
  cost: Type.Number({ description: 'Pounds' }),
  inappropriateDays: Type.Integer(),
});
const FiguresOut = Type.Object({
  asOf: S(),
  beds: CountsOut,
  byType: Type.Array(Type.Object({ key: S(), counts: CountsOut })),
  requestsWaiting: Type.Integer(),
  longestWaitMinutes: Type.Integer(),
  delayedDischarges: Type.Integer(),
  delayedDays: Type.Integer(),
  oap: Type.Object({
    months: Type.Array(S()),
    active: Type.Integer(),
    activeInappropriate: Type.Integer(),
    rows: Type.Array(OapRow),
  }),
});
const RequestBody = Type.Object(
  {
    nhsNumber: Type.Optional(Type.String({ maxLength: 20 })),
    givenName: Type.Optional(Type.String({ maxLength: 100 })),
    familyName: Type.Optional(Type.String({ maxLength: 100 })),
    birthDate: Type.Optional(Type.String({ maxLength: 20, description: 'YYYY-MM-DD' })),
    homePostcode: Type.Optional(Type.String({ maxLength: 20 })),
    homeBorough: Type.Optional(Type.String({ maxLength: 50, description: 'Default: from the postcode' })),
    wardType: Type.Optional(Type.String({ maxLength: 50, description: beds.WARD_TYPES.join(', ') })),
    sex: Type.Optional(Type.String({ maxLength: 20, description: 'male or female accommodation' })),
    urgency: Type.Optional(Type.String({ maxLength: 20, description: beds.URGENCIES.join(', ') })),
    source: Type.Optional(Type.String({ maxLength: 50, description: beds.REQUEST_SOURCES.join(', ') })),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { description: 'A request for a bed. Fields are checked all at once; each problem names its field.' },
);
const PlacementBody = Type.Object({
  requestId: Type.Optional(Type.String({ maxLength: 100 })),
  providerName: Type.Optional(Type.String({ maxLength: 200 })),
  providerCode: Type.Optional(Type.String({ maxLength: 20 })),
  locationPostcode: Type.Optional(Type.String({ maxLength: 20 })),
  startDate: Type.Optional(Type.String({ maxLength: 20 })),
  endDate: Type.Optional(Type.String({ maxLength: 20 })),
  reason: Type.Optional(Type.String({ maxLength: 20, description: beds.OAP_REASONS.join(', ') })),
  appropriate: Type.Optional(Type.Union([Type.Boolean(), Type.String({ maxLength: 10 })])),
  costPerDay: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 20 })])),
});

const pounds = (pence: number) => Math.round(pence) / 100;
function personOut(p: beds.PatientRow) {
  return {
    id: p.id,
    nhsNumber: p.nhsNumber,
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate,
    homePostcode: p.homePostcode,
    homeBorough: p.homeBorough,
  };
}
function proposalOut(p: beds.RequestDetail['proposals'][number]) {
  return {
    bedId: p.bed.id,
    bedLabel: p.bed.label,
    wardId: p.ward.id,
    wardName: p.ward.name,
    site: p.ward.site,
    borough: p.ward.borough,
    tier: p.tier,
    distanceKm: p.distanceKm,
  };
}
function requestOut(r: beds.RequestView) {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    source: r.source,
    wardType: r.wardType,
    sex: r.sex,
    urgency: r.urgency,
    homeBorough: r.homeBorough,
    requestedAt: r.requestedAt,
    waitMinutes: r.waitMinutes,
    bedId: r.bedId,
    allocatedAt: r.allocatedAt,
    person: personOut(r.patient),
  };
}
function stayOut(s: beds.StayView) {
  return {
    id: s.id,
    requestId: s.requestId,
    bedId: s.bedId,
    wardId: s.wardId,
    wardName: s.ward.name,
    admittedAt: s.admittedAt,
    onLeave: s.onLeave,
    readySince: s.readySince,
    delayReason: s.delayReason,
    delayedDays: s.delayedDays,
    dischargedAt: s.dischargedAt,
    dischargeDestination: s.dischargeDestination,
    person: personOut(s.patient),
  };
}
function placementOut(m: beds.RepatriationMatch) {
  const p = m.placement;
  return {
    id: p.id,
    requestId: p.requestId,
    wardType: p.wardType,
    sex: p.sex,
    homeBorough: p.homeBorough,
    providerName: p.providerName,
    providerCode: p.providerCode,
    locationDistrict: p.locationDistrict,
    locationPlace: p.locationPlace,
    distanceKm: p.distanceKm,
    startDate: p.startDate,
    endDate: p.endDate,
    reason: p.reason,
    appropriate: p.appropriate,
    costPerDay: pounds(p.costPerDayPence),
    daysOut: p.daysOut,
    costToDate: pounds(p.costToDatePence),
    person: personOut(p.patient),
    repatriationBeds: m.beds.map(proposalOut),
  };
}
function boardOut(b: beds.BoardView) {
  return {
    totals: b.totals,
    byTrust: b.byTrust,
    byType: b.byType,
    bySex: b.bySex,
    wards: b.wards.map((w) => ({
      id: w.id,
      name: w.name,
      trustCode: w.trustCode,
      trustName: w.trustName,
      site: w.site,
      borough: w.borough,
      type: w.type,
      sex: w.sex,
      source: w.source,
      counts: w.counts,
      beds: w.beds.map((bed) => ({
        id: bed.id,
        label: bed.label,
        bay: bed.bay,
        state: bed.state,
        stateText: beds.BED_STATE_LABELS[bed.state],
        closedReason: bed.closedReason,
        delayed: bed.delayed,
        delayedDays: bed.delayedDays,
      })),
    })),
  };
}
function figuresOut(f: beds.Figures) {
  return {
    asOf: f.asOf,
    beds: f.beds,
    byType: f.byType,
    requestsWaiting: f.requestsWaiting,
    longestWaitMinutes: f.longestWaitMinutes,
    delayedDischarges: f.delayedDischarges,
    delayedDays: f.delayedDays,
    oap: {
      months: f.oap.months,
      active: f.oap.active,
      activeInappropriate: f.oap.activeInappropriate,
      rows: f.oap.rows.map((r) => ({ ...r, cost: pounds(r.costPence), costPence: undefined })),
    },
  };
}

// Form fields → error summary anchors (radios link to their first option).
const FIELD_IDS: Record<string, string> = {
  wardType: 'wardType',
  sex: 'sex',
  urgency: 'urgency',
  source: 'source',
  bedId: 'bedId',
  destination: 'destination',
  reason: 'reason',
};
const toErrors = (e: ValidationError) => errorItems(e, (f) => FIELD_IDS[f] ?? f);

const labelItems = (labels: Record<string, string>, selected?: string, blank?: string) => [
  ...(blank ? [{ value: '', text: blank }] : []),
  ...Object.entries(labels).map(([value, text]) => ({ value, text, selected: value === selected })),
];
const radioItems = (labels: Record<string, string>) => Object.entries(labels).map(([value, text]) => ({ value, text }));

const FormStrings = (keys: string[]) =>
  Type.Object(
    Object.fromEntries([
      ['_csrf', Type.Optional(S())],
      ...keys.map((k) => [k, Type.Optional(Type.String({ maxLength: 2000 }))]),
    ]),
  );

export default async function bedsRoutes(
  appBase: FastifyInstance,
  { deps, navigation }: { deps: AppDeps; navigation: Navigation },
) {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = deps.database;
  const MANAGERS = [...beds.BED_MANAGERS];
  const REQUESTERS = [...beds.BED_REQUESTERS];
  const READERS = [...beds.BOARD_READERS];
  const FIGURES = [...beds.FIGURE_READERS];
  const ctx = (request: FastifyRequest) => ({ now: deps.clock.now(), requestId: request.id });
  const actorOf = (request: FastifyRequest) => request.actor as Actor;

  navigation.add({ href: '/beds', text: 'Mental health beds', roles: READERS });
  navigation.addTasks(beds.BED_MANAGERS, async (actor) => [
    {
      count: await beds.openRequestCount(db, actor, { now: deps.clock.now() }),
      one: 'open bed request',
      many: 'open bed requests',
      href: '/beds/requests',
    },
  ]);

  const common = {
    wardTypeLabels: beds.WARD_TYPE_LABELS,
    wardSexLabels: beds.WARD_SEX_LABELS,
    bayLabels: beds.BAY_LABELS,
    stateLabels: beds.BED_STATE_LABELS,
    stateShort: beds.BED_STATE_SHORT,
    stateTags: beds.BED_STATE_TAGS,
    urgencyLabels: beds.URGENCY_LABELS,
    sourceLabels: { ...beds.REQUEST_SOURCE_LABELS, repatriation: 'Coming home from an out-of-area placement' },
    tierLabels: beds.TIER_LABELS,
    delayLabels: beds.DELAY_REASON_LABELS,
    destinationLabels: beds.DISCHARGE_DESTINATION_LABELS,
    oapReasonLabels: beds.OAP_REASON_LABELS,
    closureLabels: beds.CLOSURE_REASON_LABELS,
    waitText: beds.waitText,
    statusLabels: {
      waiting: 'Waiting for a bed',
      allocated: 'Bed allocated',
      admitted: 'Admitted',
      'placed-out-of-area': 'Placed out of area',
      cancelled: 'Cancelled',
    },
  };

  // The board -------------------------------------------------------------------------------------------
  const BoardQuery = Type.Object({
    type: Type.Optional(Type.String({ maxLength: 50 })),
    sex: Type.Optional(Type.String({ maxLength: 20 })),
    trust: Type.Optional(Type.String({ maxLength: 20 })),
  });

  async function renderBoard(
    request: FastifyRequest,
    reply: FastifyReply,
    query: { type?: string; sex?: string; trust?: string },
    extra: { errors?: ReturnType<typeof toErrors>; values?: Record<string, unknown>; notice?: string | null } = {},
  ) {
    const actor = actorOf(request);
    const c = ctx(request);
    const board = await beds.getBoard(db, actor, query, c);
    const history = await beds.occupancyHistory(db, actor, { days: 28 }, c);
    const pct = (held: number, total: number) => (total ? Math.round((held / total) * 1000) / 10 : 0);
    const shortDate = (d: string) =>
      new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
        new Date(`${d}T12:00:00Z`),
      );
    const every = (i: number) => i % 4 === history.dates.length % 4 || i === history.dates.length - 1;
    // Occupancy near 95% is a flat line on a 0–100 scale; the beds not held each midnight show the slack.
    const all = history.series.find((s) => s.type === 'all');
    const svg = all
      ? lineChart({
          id: 'occupancy',
          title: 'Beds not held at midnight, all NCL mental health beds, last 28 days',
          description:
            'Open beds neither occupied nor kept for a patient on leave at each midnight (free or reserved; closed beds are not counted), every fourth day; the table below gives every day, the beds open and the share held.',
          series: [
            {
              label: 'Not held',
              points: history.dates
                .map((d, i) => ({ x: shortDate(d), y: all.open[i] - all.held[i], i }))
                .filter((p) => every(p.i)),
            },
          ],
        })
      : '';
    return reply.render('beds/board.njk', {
      title: 'Mental health beds in North Central London',
      board,
      history: {
        dates: history.dates.map((d) => ({ date: d, text: shortDate(d) })),
        series: history.series.map((s) => ({
          ...s,
          label: s.type === 'all' ? 'All beds' : beds.WARD_TYPE_LABELS[s.type],
          pct: s.held.map((h, i) => pct(h, s.open[i])),
        })),
      },
      svg,
      isManager: actor.role === 'bed_manager',
      canRequest: REQUESTERS.includes(actor.role as never),
      typeItems: labelItems(beds.WARD_TYPE_LABELS, board.filters.type ?? '', 'All types'),
      sexItems: labelItems(beds.WARD_SEX_LABELS, board.filters.sex ?? '', 'Any'),
      trustItems: [
        { value: '', text: 'All trusts' },
        ...board.trusts.map((t) => ({ value: t.code, text: t.name, selected: t.code === board.filters.trust })),
      ],
      // For bed managers: close a free bed or open a closed one (one form each, the bed chosen from a list).
      closableItems: [
        { value: '', text: 'Select a free bed' },
        ...board.wards.flatMap((w) =>
          w.beds
            .filter((b) => b.state === 'available')
            .map((b) => ({ value: b.id, text: `${w.name}, ${b.label}`, selected: b.id === extra.values?.bedId })),
        ),
      ],
      openableItems: [
        { value: '', text: 'Select a closed bed' },
        ...board.wards.flatMap((w) =>
          w.beds.filter((b) => b.state === 'closed').map((b) => ({ value: b.id, text: `${w.name}, ${b.label}` })),
        ),
      ],
      closureItems: labelItems(beds.CLOSURE_REASON_LABELS, (extra.values?.reason as string) ?? '', 'Select a reason'),
      errors: extra.errors ?? [],
      fieldErrors: fieldErrors(extra.errors ?? []),
      notice: extra.notice ?? null,
      ...common,
    });
  }

  app.get(
    '/beds',
    {
      config: { policy: READERS },
      schema: {
        querystring: Type.Object({ ...BoardQuery.properties, changed: Type.Optional(Type.String({ maxLength: 10 })) }),
      },
    },
    async (request, reply) =>
      renderBoard(request, reply, request.query, {
        notice:
          request.query.changed === 'closed'
            ? 'The bed is closed: it is not offered to anyone until it is opened.'
            : request.query.changed === 'opened'
              ? 'The bed is open and offered again.'
              : null,
      }),
  );

  const bedChange = (path: 'close' | 'open') =>
    app.post(
      `/beds/beds/${path}`,
      { config: { policy: MANAGERS }, schema: { body: FormStrings(['bedId', 'reason']) } },
      async (request, reply) => {
        const b = request.body as { bedId?: string; reason?: string };
        const field = path === 'close' ? 'bedId' : 'openBedId';
        try {
          if (!b.bedId) throw new ValidationError([{ field, message: 'Select a bed' }]);
          await beds.setBedClosed(
            db,
            actorOf(request),
            b.bedId,
            { closed: path === 'close', reason: b.reason },
            ctx(request),
          );
          return reply.redirect(`/beds?changed=${path === 'close' ? 'closed' : 'opened'}#bed-changes`, 303);
        } catch (e) {
          if (!(e instanceof DomainError) || (e.status !== 400 && e.status !== 409 && e.status !== 404)) throw e;
          reply.status(e.status === 404 ? 400 : e.status);
          const errors =
            e instanceof ValidationError
              ? errorItems(e, (f) => (f === 'reason' ? 'closeReason' : f === 'bedId' ? field : f))
              : [{ text: e.status === 404 ? 'Select a bed from the list' : e.message, href: `#${field}` }];
          return renderBoard(request, reply, {}, { errors, values: b });
        }
      },
    );
  bedChange('close');
  bedChange('open');

  // Requests --------------------------------------------------------------------------------------------
  const ListQuery = Type.Object({
    status: Type.Optional(Type.String({ maxLength: 30 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  });
  const STATUS_VIEWS: Record<string, beds.RequestStatus[]> = {
    open: ['waiting', 'allocated'],
    admitted: ['admitted'],
    'placed-out-of-area': ['placed-out-of-area'],
    cancelled: ['cancelled'],
  };

  app.get(
    '/beds/requests',
    { config: { policy: REQUESTERS }, schema: { querystring: ListQuery } },
    async (request, reply) => {
      const view = request.query.status && STATUS_VIEWS[request.query.status] ? request.query.status : 'open';
      const list = await beds.listRequests(
        db,
        actorOf(request),
        { statuses: STATUS_VIEWS[view], page: request.query.page },
        ctx(request),
      );
      const links = pageLinks(list, (p) => `/beds/requests?${new URLSearchParams({ status: view, page: String(p) })}`);
      return reply.render('beds/requests.njk', {
        title: 'Bed requests',
        list,
        ...links,
        view,
        views: [
          { key: 'open', label: 'Waiting or allocated' },
          { key: 'admitted', label: 'Admitted' },
          { key: 'placed-out-of-area', label: 'Placed out of area' },
          { key: 'cancelled', label: 'Cancelled' },
        ].map((v) => ({ ...v, href: `/beds/requests?status=${v.key}`, current: v.key === view })),
        ...common,
      });
    },
  );

  function renderNewRequest(
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors: ReturnType<typeof toErrors> = [],
  ) {
    return reply.render('beds/request-new.njk', {
      title: 'Ask for a mental health bed',
      values,
      errors,
      fieldErrors: fieldErrors(errors),
      wardTypeItems: radioItems(beds.WARD_TYPE_LABELS),
      sexItems: [
        { value: 'male', text: 'Male accommodation' },
        { value: 'female', text: 'Female accommodation' },
      ],
      urgencyItems: radioItems(beds.URGENCY_LABELS),
      sourceItems: labelItems(beds.REQUEST_SOURCE_LABELS, values.source as string, 'Select who is asking'),
      boroughItems: [
        { value: '', text: 'From the postcode' },
        ...beds.NCL_BOROUGHS.map((b) => ({ value: b, text: b, selected: b === values.homeBorough })),
      ],
      ...common,
    });
  }

  app.get('/beds/requests/new', { config: { policy: REQUESTERS } }, async (_request, reply) =>
    renderNewRequest(reply, {}),
  );

  const RequestForm = FormStrings([
    'nhsNumber',
    'givenName',
    'familyName',
    'birthDate',
    'homePostcode',
    'homeBorough',
    'wardType',
    'sex',
    'urgency',
    'source',
    'notes',
  ]);
  app.post(
    '/beds/requests',
    { config: { policy: REQUESTERS }, schema: { body: RequestForm } },
    async (request, reply) => {
      const b = request.body as Record<string, string | undefined>;
      try {
        const r = await beds.requestBed(db, actorOf(request), b, ctx(request));
        return reply.redirect(`/beds/requests/${r.id}?created=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        return renderNewRequest(reply, b, toErrors(e));
      }
    },
  );

  async function renderRequest(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: {
      errors?: ReturnType<typeof toErrors>;
      notice?: { title: string; text: string; success?: boolean } | null;
    } = {},
  ) {
    const actor = actorOf(request);
    const r = await beds.getRequest(db, actor, id, ctx(request));
    const errors = extra.errors ?? [];
    return reply.render('beds/request.njk', {
      title: `Bed request ${r.reference}`,
      r,
      isManager: actor.role === 'bed_manager',
      bedItems: r.proposals.map((p, i) => ({
        value: p.bed.id,
        text: `${p.ward.name}, ${p.bed.label}${p.bed.bay ? ` (${beds.BAY_LABELS[p.bed.bay]})` : ''}`,
        hint: {
          text: `${beds.TIER_LABELS[p.tier]}: ${p.ward.site}, ${p.ward.borough}${p.distanceKm !== null ? `, about ${p.distanceKm} km from home` : ''}${i === 0 ? '. Proposed first' : ''}`,
        },
        checked: i === 0,
      })),
      destinationItems: radioItems(beds.DISCHARGE_DESTINATION_LABELS),
      errors,
      fieldErrors: fieldErrors(errors),
      notice: extra.notice ?? null,
      ...common,
    });
  }

  const DetailQuery = Type.Object({
    created: Type.Optional(Type.String({ maxLength: 5 })),
    allocated: Type.Optional(Type.String({ maxLength: 5 })),
  });
  app.get(
    '/beds/requests/:id',
    { config: { policy: REQUESTERS }, schema: { params: Id, querystring: DetailQuery } },
    async (request, reply) => {
      const q = request.query;
      const notice = q.created
        ? { title: 'Request sent', text: 'Bed managers across NCL can see this request now.', success: true }
        : q.allocated
          ? {
              title: 'Bed allocated',
              text: 'The bed is reserved for this person. Admit them when they arrive.',
              success: true,
            }
          : null;
      return renderRequest(request, reply, request.params.id, { notice });
    },
  );

  app.post(
    '/beds/requests/:id/allocate',
    { config: { policy: MANAGERS }, schema: { params: Id, body: FormStrings(['bedId']) } },
    async (request, reply) => {
      const { bedId } = request.body as { bedId?: string };
      try {
        await beds.allocateBed(db, actorOf(request), request.params.id, { bedId }, ctx(request));
        return reply.redirect(`/beds/requests/${request.params.id}?allocated=1`, 303);
      } catch (e) {
        if (e instanceof ValidationError) {
          reply.status(400);
          return renderRequest(request, reply, request.params.id, { errors: toErrors(e) });
        }
        if (e instanceof DomainError && e.status === 409) {
          reply.status(409);
          return renderRequest(request, reply, request.params.id, { errors: [{ text: e.message, href: '#bedId' }] });
        }
        throw e;
      }
    },
  );

  app.post(
    '/beds/requests/:id/admit',
    { config: { policy: MANAGERS }, schema: { params: Id, body: FormStrings(['admittedAt']) } },
    async (request, reply) => {
      const { admittedAt } = request.body as { admittedAt?: string };
      try {
        const stay = await beds.admit(db, actorOf(request), request.params.id, { admittedAt }, ctx(request));
        return reply.redirect(`/beds/stays/${stay.id}?admitted=1`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        return renderRequest(request, reply, request.params.id, { errors: toErrors(e) });
      }
    },
  );

  app.post(
    '/beds/requests/:id/cancel',
    { config: { policy: MANAGERS }, schema: { params: Id, body: FormStrings([]) } },
    async (request, reply) => {
      await beds.cancelRequest(db, actorOf(request), request.params.id, ctx(request));
      return reply.redirect(`/beds/requests/${request.params.id}`, 303);
    },
  );

  // Placing out of area -------------------------------------------------------------------------------------
  async function renderPlaceOut(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Record<string, unknown>,
    errors: ReturnType<typeof toErrors> = [],
  ) {
    const r = await beds.getRequest(db, actorOf(request), id, ctx(request));
    return reply.render('beds/place-out.njk', {
      title: `Place out of area: ${r.reference}`,
      r,
      values,
      errors,
      fieldErrors: fieldErrors(errors),
      reasonItems: labelItems(beds.OAP_REASON_LABELS, values.reason as string, 'Select a reason'),
      districts: beds.OUT_OF_AREA_DISTRICTS,
      ...common,
    });
  }
  app.get(
    '/beds/requests/:id/place-out',
    { config: { policy: MANAGERS }, schema: { params: Id } },
    async (request, reply) =>
      renderPlaceOut(request, reply, request.params.id, {
        startDate: new Date(deps.clock.now()).toISOString().slice(0, 10),
      }),
  );
  app.post(
    '/beds/requests/:id/place-out',
    {
      config: { policy: MANAGERS },
      schema: {
        params: Id,
        body: FormStrings([
          'providerName',
          'providerCode',
          'locationPostcode',
          'startDate',
          'reason',
          'appropriate',
          'costPerDay',
        ]),
      },
    },
    async (request, reply) => {
      const b = request.body as Record<string, string | undefined>;
      try {
        await beds.createPlacement(db, actorOf(request), { ...b, requestId: request.params.id }, ctx(request));
        return reply.redirect('/beds/placements?created=1', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        return renderPlaceOut(request, reply, request.params.id, b, toErrors(e));
      }
    },
  );

  // Admissions ------------------------------------------------------------------------------------------------
  app.get('/beds/stays', { config: { policy: MANAGERS } }, async (request, reply) => {
    const stays = await beds.listStays(db, actorOf(request), ctx(request));
    return reply.render('beds/stays.njk', {
      title: 'People in NCL mental health beds',
      stays,
      delayed: stays.filter((s) => s.readySince),
      ...common,
    });
  });

  async function renderStay(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: {
      errors?: ReturnType<typeof toErrors>;
      values?: Record<string, unknown>;
      notice?: { title: string; text: string } | null;
    } = {},
  ) {
    const s = await beds.getStay(db, actorOf(request), id, ctx(request));
    const errors = extra.errors ?? [];
    return reply.render('beds/stay.njk', {
      title: `${s.patient.givenName} ${s.patient.familyName}: ${s.ward.name}`,
      s,
      values: extra.values ?? {},
      errors,
      fieldErrors: fieldErrors(errors),
      notice: extra.notice ?? null,
      destinationItems: radioItems(beds.DISCHARGE_DESTINATION_LABELS),
      delayItems: labelItems(
        beds.DELAY_REASON_LABELS,
        (extra.values?.reason as string) ?? s.delayReason ?? '',
        'Select a reason',
      ),
      ...common,
    });
  }
  app.get(
    '/beds/stays/:id',
    {
      config: { policy: MANAGERS },
      schema: {
        params: Id,
        querystring: Type.Object({
          admitted: Type.Optional(Type.String({ maxLength: 5 })),
          done: Type.Optional(Type.String({ maxLength: 30 })),
        }),
      },
    },
    async (request, reply) =>
      renderStay(request, reply, request.params.id, {
        notice: request.query.admitted
          ? { title: 'Admitted', text: 'The bed now shows as occupied on the board.' }
          : request.query.done
            ? {
                title: 'Saved',
                text:
                  (
                    {
                      leave: 'Leave started: the bed is kept.',
                      return: 'Back from leave.',
                      delay: 'Delayed discharge recorded.',
                      discharged: 'Discharged: the bed is free.',
                    } as Record<string, string>
                  )[request.query.done] ?? 'Saved.',
              }
            : null,
      }),
  );
  const stayAction = (
    path: string,
    keys: string[],
    run: (
      actor: Actor,
      id: string,
      body: Record<string, string | undefined>,
      c: ReturnType<typeof ctx>,
    ) => Promise<unknown>,
    done: string,
  ) =>
    app.post(
      `/beds/stays/:id/${path}`,
      { config: { policy: MANAGERS }, schema: { params: Id, body: FormStrings(keys) } },
      async (request, reply) => {
        const body = request.body as Record<string, string | undefined>;
        try {
          await run(actorOf(request), request.params.id, body, ctx(request));
          return reply.redirect(`/beds/stays/${request.params.id}?done=${done}`, 303);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          reply.status(400);
          return renderStay(request, reply, request.params.id, { errors: toErrors(e), values: body });
        }
      },
    );
  stayAction('leave', ['expectedBack'], (a, id, b, c) => beds.startLeave(db, a, id, b, c), 'leave');
  stayAction('return', [], (a, id, _b, c) => beds.endLeave(db, a, id, c), 'return');
  stayAction(
    'delay',
    ['readySince', 'reason', 'clear'],
    (a, id, b, c) => beds.recordDelay(db, a, id, { ...b, clear: b.clear === 'yes' }, c),
    'delay',
  );
  stayAction(
    'discharge',
    ['destination', 'dischargedAt'],
    (a, id, b, c) => beds.discharge(db, a, id, b, c),
    'discharged',
  );

  // Out-of-area placements ------------------------------------------------------------------------------------
  async function renderPlacements(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      notice?: { title: string; text: string } | null;
      errors?: ReturnType<typeof toErrors>;
      values?: Record<string, unknown>;
    } = {},
  ) {
    const list = await beds.listPlacements(db, actorOf(request), { activeOnly: true }, ctx(request));
    return reply.render('beds/placements.njk', {
      title: 'Out-of-area placements',
      list,
      notice: extra.notice ?? null,
      errors: extra.errors ?? [],
      fieldErrors: fieldErrors(extra.errors ?? []),
      values: extra.values ?? {},
      endItems: [
        { value: '', text: 'Select a placement' },
        ...list.items.map(({ placement: p }) => ({
          value: p.id,
          text: `${p.patient.givenName} ${p.patient.familyName}, ${p.providerName}, since ${p.startDate}`,
          selected: p.id === extra.values?.placementId,
        })),
      ],
      totalDays: list.items.reduce((s, i) => s + i.placement.daysOut, 0),
      totalCost: list.items.reduce((s, i) => s + i.placement.costToDatePence, 0),
      ...common,
    });
  }
  app.get(
    '/beds/placements',
    {
      config: { policy: MANAGERS },
      schema: {
        querystring: Type.Object({
          created: Type.Optional(Type.String({ maxLength: 5 })),
          ended: Type.Optional(Type.String({ maxLength: 5 })),
        }),
      },
    },
    async (request, reply) =>
      renderPlacements(request, reply, {
        notice: request.query.created
          ? { title: 'Placement recorded', text: 'It is counted in the out-of-area figures from its start date.' }
          : request.query.ended
            ? { title: 'Placement ended', text: 'Its days are counted up to the end date.' }
            : null,
      }),
  );

  app.post(
    '/beds/placements/end',
    { config: { policy: MANAGERS }, schema: { body: FormStrings(['placementId', 'endDate']) } },
    async (request, reply) => {
      const b = request.body as { placementId?: string; endDate?: string };
      try {
        if (!b.placementId)
          throw new ValidationError([{ field: 'placementId', message: 'Select the placement that ended' }]);
        await beds.endPlacement(db, actorOf(request), b.placementId, { endDate: b.endDate }, ctx(request));
        return reply.redirect('/beds/placements?ended=1', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        reply.status(400);
        return renderPlacements(request, reply, { errors: toErrors(e), values: b });
      }
    },
  );

  app.get('/beds/placements.csv', { config: { policy: MANAGERS } }, async (request, reply) => {
    const list = await beds.listPlacements(db, actorOf(request), { activeOnly: true }, ctx(request));
    const rows = [
      [
        'NHS number',
        'Name',
        'Home borough',
        'Bed type',
        'Receiving provider',
        'Location',
        'Distance from home (km)',
        'Start date',
        'Days out',
        'Reason',
        'Appropriate',
        'Cost per day (GBP)',
        'Cost to date (GBP)',
        'Suitable NCL beds free now',
      ],
      ...list.items.map(({ placement: p, beds: free }) => [
        p.patient.nhsNumber,
        `${p.patient.givenName} ${p.patient.familyName}`,
        p.homeBorough ?? '',
        beds.WARD_TYPE_LABELS[p.wardType],
        p.providerName,
        `${p.locationDistrict}${p.locationPlace ? ` (${p.locationPlace})` : ''}`,
        p.distanceKm === null ? '' : p.distanceKm.toFixed(1),
        p.startDate,
        String(p.daysOut),
        beds.OAP_REASON_LABELS[p.reason as beds.OapReason] ?? p.reason,
        p.appropriate ? 'Yes' : 'No',
        (p.costPerDayPence / 100).toFixed(2),
        (p.costToDatePence / 100).toFixed(2),
        String(free.length),
      ]),
    ];
    return sendCsv(reply, `out-of-area-placements-${ctx(request).now.toISOString().slice(0, 10)}.csv`, toCsv(rows));
  });

  app.post(
    '/beds/placements/:id/bring-home',
    { config: { policy: MANAGERS }, schema: { params: Id, body: FormStrings(['bedId']) } },
    async (request, reply) => {
      const r = await beds.bringHome(
        db,
        actorOf(request),
        request.params.id,
        request.body as { bedId?: string },
        ctx(request),
      );
      return reply.redirect(`/beds/requests/${r.id}?allocated=1`, 303);
    },
  );

  // Figures for commissioners ------------------------------------------------------------------------------
  const MonthQuery = Type.Object({
    fromMonth: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM' })),
    toMonth: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM' })),
  });
  app.get(
    '/beds/figures',
    { config: { policy: FIGURES }, schema: { querystring: MonthQuery } },
    async (request, reply) => {
      const f = await beds.figures(db, actorOf(request), request.query, ctx(request));
      const boroughs = [...new Set(f.oap.rows.map((r) => r.borough))].sort();
      const cell = (month: string, borough: string) =>
        f.oap.rows.find((r) => r.month === month && r.borough === borough);
      return reply.render('beds/figures.njk', {
        title: 'Mental health beds: figures',
        f,
        boroughs,
        grid: f.oap.months.map((m) => ({
          month: m,
          cells: boroughs.map((b) => cell(m, b) ?? null),
          days: f.oap.rows.filter((r) => r.month === m).reduce((s, r) => s + r.days, 0),
          cost: f.oap.rows.filter((r) => r.month === m).reduce((s, r) => s + r.costPence, 0),
        })),
        lastMonth: f.oap.months[f.oap.months.length - 1],
        ...common,
      });
    },
  );
  app.get(
    '/beds/figures/oap-return.csv',
    {
      config: { policy: FIGURES },
      schema: { querystring: Type.Object({ month: Type.Optional(Type.String({ maxLength: 7 })) }) },
    },
    async (request, reply) => {
      const rows = await beds.oapReturn(db, actorOf(request), request.query, ctx(request));
      const month = rows.length > 1 ? rows[1][0] : (request.query.month ?? ctx(request).now.toISOString().slice(0, 7));
      return sendCsv(reply, `oap-return-${month}.csv`, toCsv(rows));
    },
  );

  // JSON API -------------------------------------------------------------------------------------------------
  const tags = ['beds'];
  app.get(
    '/api/beds/board',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary:
          'Every NCL mental health ward and bed with its state, and counts by trust, type and sex (no personal data)',
        querystring: BoardQuery,
        response: { 200: BoardOut, 400: ErrorBody },
      },
    },
    async (request) => boardOut(await beds.getBoard(db, actorOf(request), request.query, ctx(request))),
  );

  app.get(
    '/api/beds/occupancy',
    {
      config: { policy: READERS },
      schema: {
        tags,
        summary: 'Beds held (occupied or on leave) and beds open at each London midnight, by ward type',
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 2, maximum: 90 })) }),
        response: {
          200: Type.Object({
            dates: Type.Array(S()),
            series: Type.Array(
              Type.Object({
                type: S(),
                beds: Type.Integer({ description: 'Beds on the board now' }),
                open: Type.Array(Type.Integer(), { description: 'Beds open (not closed) at each midnight' }),
                held: Type.Array(Type.Integer(), { description: 'Beds occupied or kept for leave at each midnight' }),
              }),
            ),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => beds.occupancyHistory(db, actorOf(request), request.query, ctx(request)),
  );

  app.get(
    '/api/beds/requests',
    {
      config: { policy: REQUESTERS },
      schema: {
        tags,
        summary: 'Bed requests of the people you have a relationship with (default: waiting or allocated)',
        querystring: Type.Object({
          status: Type.Optional(
            Type.String({ maxLength: 30, description: 'open, admitted, placed-out-of-area, cancelled' }),
          ),
          page: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(RequestOut),
            total: Type.Integer(),
            page: Type.Integer(),
            pageSize: Type.Integer(),
          }),
          400: ErrorBody,
        },
      },
    },
    async (request) => {
      const statuses = STATUS_VIEWS[request.query.status ?? 'open'] ?? STATUS_VIEWS.open;
      const list = await beds.listRequests(db, actorOf(request), { statuses, page: request.query.page }, ctx(request));
      return { ...list, items: list.items.map(requestOut) };
    },
  );

  app.post(
    '/api/beds/requests',
    {
      config: { policy: REQUESTERS },
      schema: {
        tags,
        summary: 'Ask for a bed: the person, bed type, sex of accommodation, urgency and home borough',
        body: RequestBody,
        response: { 201: RequestOut, 400: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(201).send(requestOut(await beds.requestBed(db, actorOf(request), request.body, ctx(request)))),
  );

  const detailOut = (r: beds.RequestDetail) => ({
    ...requestOut(r),
    proposals: r.proposals.map(proposalOut),
    stayId: r.stayId,
  });
  app.get(
    '/api/beds/requests/:id',
    {
      config: { policy: REQUESTERS },
      schema: {
        tags,
        summary: 'One request (reading it is audited) with the suitable free beds in the order proposed',
        params: Id,
        response: { 200: RequestDetailOut, 404: ErrorBody },
      },
    },
    async (request) => detailOut(await beds.getRequest(db, actorOf(request), request.params.id, ctx(request))),
  );

  app.post(
    '/api/beds/requests/:id/allocate',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Allocate a bed to a waiting request',
        description:
          'Refused with 409 when the bed is occupied, reserved, closed or kept for someone on leave, or was just ' +
          'allocated by someone else (of two at the same moment exactly one succeeds); 400 naming `bedId` when the ' +
          'bed does not suit the request (ward type, sex rules).',
        params: Id,
        body: Type.Object({ bedId: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: RequestDetailOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) =>
      detailOut(await beds.allocateBed(db, actorOf(request), request.params.id, request.body, ctx(request))),
  );

  app.post(
    '/api/beds/requests/:id/admit',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Admit the person to the bed allocated to their request',
        params: Id,
        body: Type.Object({ admittedAt: Type.Optional(Type.String({ maxLength: 40, description: 'Default: now' })) }),
        response: { 201: StayOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(stayOut(await beds.admit(db, actorOf(request), request.params.id, request.body, ctx(request)))),
  );

  app.post(
    '/api/beds/requests/:id/cancel',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Cancel a waiting or allocated request (frees a reserved bed)',
        params: Id,
        response: { 200: RequestOut, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => requestOut(await beds.cancelRequest(db, actorOf(request), request.params.id, ctx(request))),
  );

  app.get(
    '/api/beds/admissions',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'People in NCL beds now whom you have a relationship with',
        response: { 200: Type.Array(StayOut) },
      },
    },
    async (request) => (await beds.listStays(db, actorOf(request), ctx(request))).map(stayOut),
  );

  const admissionAction = (
    path: string,
    summary: string,
    body: ReturnType<typeof Type.Object>,
    run: (actor: Actor, id: string, b: Record<string, unknown>, c: ReturnType<typeof ctx>) => Promise<beds.StayView>,
  ) =>
    app.post(
      `/api/beds/admissions/:id/${path}`,
      {
        config: { policy: MANAGERS },
        schema: {
          tags,
          summary,
          params: Id,
          body,
          response: { 200: StayOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (request) =>
        stayOut(
          await run(actorOf(request), request.params.id, (request.body ?? {}) as Record<string, unknown>, ctx(request)),
        ),
    );
  admissionAction(
    'leave',
    'Start leave that keeps the bed',
    Type.Object({ expectedBack: Type.Optional(Type.String({ maxLength: 20 })) }),
    (a, id, b, c) => beds.startLeave(db, a, id, b as { expectedBack?: string }, c),
  );
  admissionAction('return', 'Back from leave', Type.Object({}), (a, id, _b, c) => beds.endLeave(db, a, id, c));
  admissionAction(
    'delay',
    'Record a delayed discharge (ready since, reason), or clear it',
    Type.Object({
      readySince: Type.Optional(Type.String({ maxLength: 20 })),
      reason: Type.Optional(Type.String({ maxLength: 40, description: beds.DELAY_REASONS.join(', ') })),
      clear: Type.Optional(Type.Boolean()),
    }),
    (a, id, b, c) => beds.recordDelay(db, a, id, b as { readySince?: string; reason?: string; clear?: boolean }, c),
  );
  admissionAction(
    'discharge',
    'Discharge with destination (400 naming dischargedAt when it is before the admission)',
    Type.Object({
      destination: Type.Optional(Type.String({ maxLength: 40, description: beds.DISCHARGE_DESTINATIONS.join(', ') })),
      dischargedAt: Type.Optional(Type.String({ maxLength: 40, description: 'Default: now' })),
    }),
    (a, id, b, c) => beds.discharge(db, a, id, b as { destination?: string; dischargedAt?: string }, c),
  );

  app.post(
    '/api/beds/beds/:id/close',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Close an available bed, with a reason',
        params: Id,
        body: Type.Object({
          reason: Type.Optional(Type.String({ maxLength: 40, description: beds.CLOSURE_REASONS.join(', ') })),
        }),
        response: {
          200: Type.Object({ id: S(), state: S(), closedReason: N() }),
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request) => {
      const b = await beds.setBedClosed(
        db,
        actorOf(request),
        request.params.id,
        { closed: true, reason: request.body.reason },
        ctx(request),
      );
      return { id: b.id, state: b.state, closedReason: b.closedReason };
    },
  );
  app.post(
    '/api/beds/beds/:id/open',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Open a closed bed',
        params: Id,
        response: { 200: Type.Object({ id: S(), state: S(), closedReason: N() }), 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => {
      const b = await beds.setBedClosed(db, actorOf(request), request.params.id, { closed: false }, ctx(request));
      return { id: b.id, state: b.state, closedReason: b.closedReason };
    },
  );

  app.get(
    '/api/beds/placements',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Active out-of-area placements, those who could come home to a free NCL bed first',
        response: { 200: Type.Object({ items: Type.Array(PlacementOut) }) },
      },
    },
    async (request) => ({
      items: (await beds.listPlacements(db, actorOf(request), { activeOnly: true }, ctx(request))).items.map(
        placementOut,
      ),
    }),
  );

  app.post(
    '/api/beds/placements',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Record an out-of-area placement for a waiting request',
        description:
          'Distance from home is computed from the postcode districts; 400 naming `endDate` when it is before `startDate`.',
        body: PlacementBody,
        response: { 201: PlacementOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const p = await beds.createPlacement(db, actorOf(request), request.body, ctx(request));
      return reply.status(201).send(placementOut({ placement: p, beds: [] }));
    },
  );

  app.post(
    '/api/beds/placements/:id/bring-home',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'Allocate an NCL bed to bring someone home; admitting them ends the placement',
        params: Id,
        body: Type.Object({ bedId: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: RequestDetailOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) =>
      detailOut(await beds.bringHome(db, actorOf(request), request.params.id, request.body, ctx(request))),
  );

  app.post(
    '/api/beds/placements/:id/end',
    {
      config: { policy: MANAGERS },
      schema: {
        tags,
        summary: 'End a placement on a date (not by coming home to NCL)',
        params: Id,
        body: Type.Object({ endDate: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: { 200: PlacementOut, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) =>
      placementOut({
        placement: await beds.endPlacement(db, actorOf(request), request.params.id, request.body, ctx(request)),
        beds: [],
      }),
  );

  app.get(
    '/api/beds/figures',
    {
      config: { policy: FIGURES },
      schema: {
        tags,
        summary:
          'Counts without personal data: beds by state, waits, delayed discharges, OAP days and cost by month and borough',
        querystring: MonthQuery,
        response: { 200: FiguresOut, 400: ErrorBody },
      },
    },
    async (request) => figuresOut(await beds.figures(db, actorOf(request), request.query, ctx(request))),
  );
}
