// TypeBox schemas of the offer API: they describe the responses in the OpenAPI document and shape the
// JSON sent. Request bodies for components and imports are accepted as any JSON object and checked by the
// offer module's own validation, which names every field at fault (components[3].provisions[0]…).
import { Type } from 'typebox';
import {
  ACCESS_ROUTES,
  AGE_GROUP_CODES,
  CATEGORY_CODES,
  CLOCKS,
  COMPONENT_KINDS,
  DOMAINS,
  OFFER_STATUSES,
  POINTS_OF_DELIVERY,
} from '../../modules/offer/index.ts';

const SourceSchema = Type.Object({
  title: Type.String(),
  publisher: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  year: Type.Optional(Type.Integer()),
});

const DayHoursSchema = Type.Union([
  Type.Object({
    open: Type.String({ description: 'HH:MM, London time' }),
    close: Type.String({ description: 'HH:MM; 24:00 is midnight' }),
  }),
  Type.Object({ closed: Type.Literal(true) }),
]);

const HoursSchema = Type.Object({
  twentyFourSeven: Type.Boolean(),
  days: Type.Optional(
    Type.Object({
      monday: DayHoursSchema,
      tuesday: DayHoursSchema,
      wednesday: DayHoursSchema,
      thursday: DayHoursSchema,
      friday: DayHoursSchema,
      saturday: DayHoursSchema,
      sunday: DayHoursSchema,
    }),
  ),
  note: Type.Optional(Type.String()),
  source: Type.Optional(SourceSchema),
  illustrative: Type.Optional(Type.Boolean({ description: 'True when not from a public source' })),
});

const ResponseStandardSchema = Type.Object({
  urgency: Type.String({ description: 'emergency, urgent, routine, or one of the component’s urgencyLevels' }),
  firstContact: Type.String({ description: 'ISO 8601 duration from referral to first contact, such as PT2H or P6W' }),
  followUp: Type.Optional(Type.String({ description: 'ISO 8601 duration to the next contact' })),
  clock: Type.Enum([...CLOCKS]),
  target: Type.Optional(Type.Number({ description: 'Share of people seen within firstContact, such as 0.95' })),
  note: Type.Optional(Type.String()),
  source: Type.Optional(SourceSchema),
  illustrative: Type.Optional(Type.Boolean({ description: 'True when not from a public source' })),
});

const ProvisionSchema = Type.Object({
  ageGroup: Type.Enum([...AGE_GROUP_CODES]),
  hours: HoursSchema,
  outOfHours: Type.String(),
  responseStandards: Type.Array(ResponseStandardSchema),
  accessRoutes: Type.Array(Type.Enum([...ACCESS_ROUTES])),
  eligibility: Type.Array(Type.String()),
  pointsOfDelivery: Type.Array(Type.Enum([...POINTS_OF_DELIVERY])),
  bestPractice: Type.Array(Type.Object({ requirement: Type.String(), source: SourceSchema })),
  integration: Type.Array(Type.String()),
  workforce: Type.Array(Type.String()),
  accessibility: Type.Object({
    interpreting: Type.Boolean(),
    bsl: Type.Boolean(),
    dementiaFriendly: Type.Boolean(),
    notDigitalOnly: Type.Boolean(),
    other: Type.Array(Type.String()),
  }),
});

export const ComponentSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable kebab-case identifier' }),
    name: Type.String(),
    residentSummary: Type.String(),
    description: Type.String(),
    domain: Type.Enum([...DOMAINS]),
    category: Type.Enum([...CATEGORY_CODES]),
    kind: Type.Enum([...COMPONENT_KINDS]),
    synonyms: Type.Array(Type.String()),
    conditions: Type.Array(Type.String()),
    urgencyLevels: Type.Optional(
      Type.Array(Type.Object({ code: Type.String(), name: Type.String(), description: Type.Optional(Type.String()) })),
    ),
    provisions: Type.Array(ProvisionSchema),
  },
  { description: 'A service or coordinating function, with one provision per age group it serves' },
);

export const VersionSchema = Type.Object({
  id: Type.String(),
  systemId: Type.String(),
  number: Type.Integer(),
  status: Type.Enum([...OFFER_STATUSES]),
  effectiveFrom: Type.String({ description: 'YYYY-MM-DD' }),
  changeNotes: Type.String(),
  createdAt: Type.String({ description: 'ISO 8601 instant' }),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
});

export const VersionSummarySchema = Type.Object({
  ...VersionSchema.properties,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  componentCount: Type.Integer(),
});

export const DocumentSchema = Type.Object({ version: VersionSchema, components: Type.Array(ComponentSchema) });

/** The age groups provisions name, with the ages each covers, so an API consumer can place a person. */
export const AgeGroupSchema = Type.Object({
  code: Type.String({ description: `One of: ${AGE_GROUP_CODES.join(', ')}` }),
  name: Type.String(),
  minAge: Type.Integer({ description: 'Youngest age in the group, in whole years (inclusive)' }),
  maxAge: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Oldest age in the group, in whole years (inclusive); null means no upper limit',
  }),
});

/** The published offer as the public API answers it: the document and the age groups its provisions use. */
export const PublishedOfferSchema = Type.Object({
  ...DocumentSchema.properties,
  ageGroups: Type.Array(AgeGroupSchema, {
    description:
      'Every age group, in order. They overlap on purpose: young adults (18–25) sit inside working-age adults.',
  }),
});

const FieldChangeSchema = Type.Object({
  path: Type.String({
    description: 'Field inside the component, such as provisions[older-adults].responseStandards[urgent].firstContact',
  }),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
});

const ComponentRefSchema = Type.Object({ code: Type.String(), name: Type.String() });

export const DiffSchema = Type.Object({
  before: VersionSchema,
  after: VersionSchema,
  diff: Type.Object({
    version: Type.Array(FieldChangeSchema),
    added: Type.Array(ComponentRefSchema),
    removed: Type.Array(ComponentRefSchema),
    changed: Type.Array(Type.Object({ ...ComponentRefSchema.properties, changes: Type.Array(FieldChangeSchema) })),
    unchangedCount: Type.Integer(),
  }),
});

/** The API error body, shared by every area. */
export { ErrorBody as ErrorSchema } from '../api-schemas.ts';

/** Any JSON object: the offer module validates it and names each field at fault. */
export const AnyObject = Type.Object({}, { additionalProperties: true });
