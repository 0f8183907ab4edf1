// 2013 European Standard Population (Eurostat, 2013; used by ONS and Fingertips for DSRs since 2014),
// in 5-year age bands 0–4 … 85–89 and 90+. Sums to 100,000.

export const ESP2013_BANDS = [
  '0-4',
  '5-9',
  '10-14',
  '15-19',
  '20-24',
  '25-29',
  '30-34',
  '35-39',
  '40-44',
  '45-49',
  '50-54',
  '55-59',
  '60-64',
  '65-69',
  '70-74',
  '75-79',
  '80-84',
  '85-89',
  '90+',
] as const;
export type Esp2013Band = (typeof ESP2013_BANDS)[number];

export const ESP2013_WEIGHTS = [
  5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
] as const;

/** The weights keyed by band, e.g. ESP2013['90+'] === 1000. */
export const ESP2013: Readonly<Record<Esp2013Band, number>> = Object.freeze(
  Object.fromEntries(ESP2013_BANDS.map((band, i) => [band, ESP2013_WEIGHTS[i]])) as Record<Esp2013Band, number>,
);
