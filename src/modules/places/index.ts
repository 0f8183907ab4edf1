// Places (boroughs): population by the offer's age groups and need indicators, with sources.
//
//   import { loadPlaces, populationForAgeGroups, needOf } from '../places/index.ts';
//
//   const { places } = await loadPlaces('data/ncl/places.json');   // throws PlacesFileError naming file and field
//   const barnet = places.find((p) => p.code === 'E09000003')!;
//   populationForAgeGroups(barnet, ['young-adults', 'working-age-adults', 'older-adults']); // adults, counted once
//   needOf(barnet, 'diabetes-prevalence')?.value;                    // 6.1 (percent, illustrative)

export {
  type FigureSource,
  findPlace,
  isGssCode,
  NEED_DIRECTIONS,
  NEED_UNITS,
  type NeedDirection,
  type NeedIndicator,
  type NeedUnit,
  needOf,
  POPULATION_GROUPS,
  type Place,
  type PlacesDocument,
  type PopulationFigure,
  type PopulationGroup,
  populationForAgeGroups,
  populationOf,
} from './places.ts';
export {
  loadPlaces,
  PlacesFileError,
  type PlacesProblem,
  type PlacesValidation,
  validatePlaces,
} from './places.load.ts';
export { placesMigrations } from './places.migrations.ts';
export { listPlaces, loadPlacesDocument, NCL_PLACES_FILE, seedPlaces } from './places.service.ts';
