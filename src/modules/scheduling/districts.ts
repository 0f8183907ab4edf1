// Approximate centres of the postcode districts of North Central London, for placing a visit when only its
// district is known. Illustrative: rounded from general knowledge of the area, not from a public source; a
// deployment geocodes the full postcode instead (the board never needs more than the district).

export type District = { district: string; borough: string; place: string; lat: number; lon: number };

const RAW: [string, string, string, number, number][] = [
  ['N1', 'Islington', 'Islington', 51.538, -0.099],
  ['N1C', 'Camden', "King's Cross Central", 51.536, -0.126],
  ['N2', 'Barnet', 'East Finchley', 51.59, -0.168],
  ['N3', 'Barnet', 'Finchley Central', 51.6, -0.193],
  ['N4', 'Islington', 'Finsbury Park', 51.57, -0.105],
  ['N5', 'Islington', 'Highbury', 51.553, -0.097],
  ['N6', 'Haringey', 'Highgate', 51.571, -0.146],
  ['N7', 'Islington', 'Holloway', 51.553, -0.117],
  ['N8', 'Haringey', 'Hornsey', 51.584, -0.116],
  ['N9', 'Enfield', 'Lower Edmonton', 51.627, -0.06],
  ['N10', 'Haringey', 'Muswell Hill', 51.592, -0.144],
  ['N11', 'Barnet', 'Friern Barnet', 51.614, -0.14],
  ['N12', 'Barnet', 'North Finchley', 51.614, -0.176],
  ['N13', 'Enfield', 'Palmers Green', 51.619, -0.105],
  ['N14', 'Enfield', 'Southgate', 51.634, -0.13],
  ['N15', 'Haringey', 'South Tottenham', 51.582, -0.082],
  ['N17', 'Haringey', 'Tottenham', 51.597, -0.069],
  ['N18', 'Enfield', 'Upper Edmonton', 51.614, -0.068],
  ['N19', 'Islington', 'Upper Holloway', 51.565, -0.13],
  ['N20', 'Barnet', 'Whetstone', 51.631, -0.172],
  ['N21', 'Enfield', 'Winchmore Hill', 51.634, -0.101],
  ['N22', 'Haringey', 'Wood Green', 51.597, -0.111],
  ['NW1', 'Camden', 'Camden Town', 51.535, -0.142],
  ['NW3', 'Camden', 'Hampstead', 51.552, -0.172],
  ['NW4', 'Barnet', 'Hendon', 51.589, -0.227],
  ['NW5', 'Camden', 'Kentish Town', 51.553, -0.141],
  ['NW6', 'Camden', 'West Hampstead', 51.543, -0.194],
  ['NW7', 'Barnet', 'Mill Hill', 51.615, -0.234],
  ['NW9', 'Barnet', 'Colindale', 51.589, -0.255],
  ['NW11', 'Barnet', 'Golders Green', 51.577, -0.2],
  ['HA8', 'Barnet', 'Edgware', 51.612, -0.272],
  ['EN1', 'Enfield', 'Enfield Town', 51.656, -0.072],
  ['EN2', 'Enfield', 'Enfield Chase', 51.661, -0.098],
  ['EN3', 'Enfield', 'Ponders End', 51.658, -0.04],
  ['EN4', 'Barnet', 'East Barnet', 51.644, -0.164],
  ['EN5', 'Barnet', 'High Barnet', 51.652, -0.2],
  ['WC1H', 'Camden', 'St Pancras', 51.526, -0.128],
  ['WC1N', 'Camden', 'Queen Square', 51.522, -0.121],
  ['WC1X', 'Camden', "King's Cross Road", 51.527, -0.115],
  ['EC1V', 'Islington', 'Finsbury', 51.528, -0.097],
];

export const NCL_DISTRICTS: readonly District[] = RAW.map(([district, borough, place, lat, lon]) => ({
  district,
  borough,
  place,
  lat,
  lon,
}));

const BY_CODE = new Map(NCL_DISTRICTS.map((d) => [d.district, d]));

/** "n19 5hx", "N19" → the district N19, or undefined when it is not one of these. */
export function findDistrict(text: string): District | undefined {
  const clean = text.trim().toUpperCase();
  const outward = clean.split(/\s+/)[0] ?? '';
  // A full postcode written without its space ("N226XX"): the inward code is always the last three characters.
  return BY_CODE.get(outward) ?? (/^[A-Z0-9]{5,7}$/.test(clean) ? BY_CODE.get(clean.slice(0, -3)) : undefined);
}
