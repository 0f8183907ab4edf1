// Deprivation quintiles and age bands for the indicators the system computes from referrals. Each referral
// gets the quintile of its postcode district: the districts in data/ncl/deprivation/postcode-districts.json
// (ILLUSTRATIVE scores, see its README) ranked into local quintiles with the Fingertips quantile method, so
// quintile 1 is the most deprived fifth of districts. A deployment replaces the file with LSOA deciles from
// the English Indices of Deprivation via the ONS Postcode Directory.

import districtsFile from '../../../data/ncl/deprivation/postcode-districts.json' with { type: 'json' };
import { assignQuantiles } from '../../stats/index.ts';

export type DeprivationFile = {
  readonly illustrative: boolean;
  readonly quantiles: number;
  readonly districts: readonly { readonly district: string; readonly score: number }[];
};

/** The quintile (1 most deprived … 5) of each district, by phe_quantile's rule. */
export function districtQuintiles(file: DeprivationFile): Map<string, number> {
  const quintiles = assignQuantiles(
    file.districts.map((d) => d.score),
    { quantiles: file.quantiles, invert: true },
  );
  const out = new Map<string, number>();
  file.districts.forEach((d, i) => {
    const q = quintiles[i];
    if (q !== null && q !== undefined) out.set(d.district.toUpperCase(), q);
  });
  return out;
}

const QUINTILES = districtQuintiles(districtsFile as DeprivationFile);

/** Whether the deprivation figures are illustrative (true for the demo file). */
export const DEPRIVATION_ILLUSTRATIVE = (districtsFile as DeprivationFile).illustrative;

/** The deprivation quintile ('1' most deprived … '5') of a postcode district, or null when it has none. */
export function deprivationQuintileOf(postcodeDistrict: string): string | null {
  const q = QUINTILES.get(postcodeDistrict.trim().toUpperCase());
  return q === undefined ? null : String(q);
}

/** The age bands a computed indicator is broken down by, for its age range. */
export const CHILD_AGE_BANDS = ['0-4', '5-9', '10-14', '15-17'] as const;
export const OLDER_AGE_BANDS = ['65-69', '70-74', '75-79', '80-84', '85-89', '90+'] as const;

/** The band of an age among the given bands ("90+" open-ended), or null when none holds it. */
export function ageBandOf(age: number, bands: readonly string[]): string | null {
  for (const band of bands) {
    const open = /^(\d+)\+$/.exec(band);
    if (open && age >= Number(open[1])) return band;
    const range = /^(\d+)-(\d+)$/.exec(band);
    if (range && age >= Number(range[1]) && age <= Number(range[2])) return band;
  }
  return null;
}
