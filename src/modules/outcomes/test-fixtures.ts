// A small valid framework for tests: one domain, one outcome, indicators of each type.

import type { IndicatorCount } from './compute.ts';
import type { Framework, IndicatorDefinition } from './framework.ts';
import { validateFramework } from './framework.validate.ts';

const base = {
  rationale: 'Because.',
  kind: 'process',
  numerator: 'Some people',
  denominator: 'All the people',
  polarity: 'higher-is-better',
  frequency: 'quarterly',
  disaggregations: ['borough', 'provider', 'deprivation-quintile'],
};

export function frameworkJson(): Record<string, unknown> {
  return {
    id: 'test',
    system: 'QMJ',
    title: 'Test framework',
    version: '1',
    status: 'draft',
    source: 'tests',
    defaultDisclosure: { minimumCount: 5, suppressComplement: true, secondarySuppression: true },
    providers: [
      { code: 'RRP', name: 'BEH', services: ['mental-health'], boroughs: ['E09000003', 'E09000010', 'E09000014'] },
      { code: 'TAF', name: 'C&I', services: ['mental-health'], boroughs: ['E09000007', 'E09000019'] },
      { code: 'RKE', name: 'Whittington', services: ['community'], boroughs: ['E09000014', 'E09000019'] },
    ],
    domains: [
      {
        code: 'live-well',
        title: 'Live well',
        outcomes: [
          {
            code: 'LW1',
            title: 'An outcome',
            aims: ['An aim'],
            indicators: [
              {
                ...base,
                code: 'LW1.1',
                title: 'A proportion',
                type: 'proportion',
                unit: '%',
                multiplier: 100,
                source: { collection: 'provider-return', name: 'Return' },
                services: ['mental-health'],
              },
              {
                ...base,
                code: 'LW1.2',
                title: 'A rate',
                type: 'rate',
                unit: 'per 100,000',
                multiplier: 100000,
                polarity: 'lower-is-better',
                frequency: 'annual',
                source: { collection: 'national', name: 'Fingertips' },
              },
              {
                ...base,
                code: 'LW1.3',
                title: 'A standardised rate',
                type: 'standardised-rate',
                unit: 'per 100,000',
                multiplier: 100000,
                frequency: 'annual',
                disaggregations: ['borough', 'age-band'],
                source: { collection: 'provider-return', name: 'Return' },
                services: ['mental-health'],
              },
              {
                ...base,
                code: 'LW1.4',
                title: 'A median time',
                type: 'median-time',
                unit: 'days',
                multiplier: 1,
                polarity: 'lower-is-better',
                source: { collection: 'system', name: 'Central point of access' },
                computedFrom: { source: 'central-point-of-access', measure: 'time-to-first-contact' },
              },
            ],
          },
        ],
      },
    ],
  };
}

export function testFramework(): Framework {
  const r = validateFramework(frameworkJson(), 'test.json');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

export function indicator(code: string): IndicatorDefinition {
  const found = testFramework().domains[0].outcomes[0].indicators.find((i) => i.code === code);
  if (!found) throw new Error(code);
  return found;
}

export const BARNET = 'E09000003';
export const CAMDEN = 'E09000007';
export const ENFIELD = 'E09000010';
export const HARINGEY = 'E09000014';
export const ISLINGTON = 'E09000019';
export const FIVE = [BARNET, CAMDEN, ENFIELD, HARINGEY, ISLINGTON] as const;

export function count(
  area: IndicatorCount['area'],
  numerator: number,
  denominator: number,
  extra: Partial<IndicatorCount> = {},
): IndicatorCount {
  return {
    indicatorCode: 'LW1.1',
    period: '2023/24 Q1',
    area,
    breakdown: 'total',
    breakdownValue: '',
    numerator,
    denominator,
    ...extra,
  };
}
