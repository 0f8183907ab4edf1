// JSON shapes of the outcomes API, for validation and the OpenAPI description.
import { Type } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) =>
  Type.Union([t, Type.Null()]);

/** The API error body, shared by every area. */
export { ErrorBody as ErrorSchema } from '../api-schemas.ts';

const DisclosureSchema = Type.Object({
  minimumCount: Type.Integer(),
  suppressComplement: Type.Boolean(),
  secondarySuppression: Type.Boolean(),
  minimumDenominator: Type.Optional(Type.Number()),
});

export const IndicatorSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable code, e.g. LW3.1 (Live well, outcome 3, indicator 1)' }),
    title: Type.String(),
    rationale: Type.String(),
    kind: Type.String({ description: 'process or outcome' }),
    numerator: Type.String(),
    denominator: Type.String(),
    type: Type.String({ description: 'proportion, rate, standardised-rate, mean or median-time' }),
    unit: Type.String(),
    multiplier: Type.Number(),
    polarity: Type.String({ description: 'higher-is-better, lower-is-better or neither' }),
    source: Type.Object({ collection: Type.String(), name: Type.String(), url: Type.Optional(Type.String()) }),
    frequency: Type.String(),
    disaggregations: Type.Array(Type.String()),
    disclosure: DisclosureSchema,
    computedFrom: Type.Optional(Type.Object({ source: Type.String(), measure: Type.String() })),
    target: Type.Optional(Type.Object({ value: Type.Number(), source: Type.String() })),
    ageRange: Type.Optional(Type.String()),
    services: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'An indicator definition' },
);

export const IndicatorDetailSchema = Type.Object({
  indicator: IndicatorSchema,
  domain: Type.Object({ code: Type.String(), title: Type.String() }),
  outcome: Type.Object({ code: Type.String(), title: Type.String() }),
});

export const FrameworkSchema = Type.Object({
  id: Type.String(),
  system: Type.String(),
  title: Type.String(),
  version: Type.String(),
  status: Type.String(),
  source: Type.String(),
  notes: Type.Array(Type.String()),
  defaultDisclosure: DisclosureSchema,
  providers: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      services: Type.Array(Type.String()),
      boroughs: Type.Array(Type.String()),
      note: Type.Optional(Type.String()),
    }),
  ),
  domains: Type.Array(
    Type.Object({
      code: Type.String(),
      title: Type.String(),
      outcomes: Type.Array(
        Type.Object({
          code: Type.String(),
          title: Type.String(),
          aims: Type.Array(Type.String()),
          indicators: Type.Array(IndicatorSchema),
        }),
      ),
    }),
  ),
});

const ValueSchema = Type.Object({
  period: Type.String(),
  area: Type.String({ description: "Borough GSS code, or 'QMJ' for North Central London" }),
  areaName: Type.String(),
  breakdown: Type.String({ description: "'total', or the breakdown such as deprivation-quintile" }),
  breakdownValue: Type.String(),
  numerator: Nullable(Type.Number()),
  denominator: Nullable(Type.Number()),
  value: Nullable(Type.Number({ description: "In the indicator's unit (a percentage for proportions)" })),
  lower95: Nullable(Type.Number()),
  upper95: Nullable(Type.Number()),
  lower998: Nullable(Type.Number()),
  upper998: Nullable(Type.Number()),
  method: Nullable(Type.String()),
  suppressed: Type.Union([Type.Object({ reason: Type.String(), message: Type.String() }), Type.Null()]),
  intervalNote: Nullable(Type.String()),
  comparison: Type.Union([
    Type.Object({
      benchmarkArea: Type.String(),
      benchmarkValue: Nullable(Type.Number()),
      at95: Type.String(),
      at998: Type.String(),
    }),
    Type.Null(),
  ]),
});

export const ValuesSchema = Type.Object({
  indicator: Type.String(),
  unit: Type.String(),
  multiplier: Type.Number(),
  values: Type.Array(ValueSchema),
});

export const ReturnSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  providerCode: Type.String(),
  period: Type.String(),
  submittedBy: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  channel: Type.String({ description: 'upload, api or seed' }),
  fileName: Nullable(Type.String()),
  rowCount: Type.Integer(),
  warningCount: Type.Integer(),
  status: Type.String({ description: 'accepted (current) or superseded by a later submission' }),
  supersedes: Nullable(Type.String()),
});

const ProblemSchema = Type.Object({
  row: Type.Integer({ description: 'Row number (the first row is 1 in JSON, 2 in a file under its header)' }),
  column: Type.String(),
  value: Type.String(),
  message: Type.String(),
});

const ReturnRowInput = Type.Object(
  {
    indicator_code: Type.Optional(Type.String()),
    period: Type.Optional(Type.String()),
    borough: Type.Optional(Type.String()),
    breakdown: Type.Optional(Type.String()),
    breakdown_value: Type.Optional(Type.String()),
    numerator: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    denominator: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    notes: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: "One row, with the template's columns" },
);

export const SubmitReturnBody = Type.Object({
  period: Type.String({ maxLength: 20, description: 'The period the return is for, e.g. 2024/25 Q2' }),
  provider: Type.Optional(
    Type.String({ maxLength: 10, description: "Your ODS code; if given it must be your token's organisation" }),
  ),
  rows: Type.Array(ReturnRowInput, { maxItems: 20000 }),
});

export const RejectedSchema = Type.Object({
  error: Type.Object({
    status: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
    fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  }),
  problems: Type.Optional(Type.Array(ProblemSchema)),
  requestId: Type.String(),
});
