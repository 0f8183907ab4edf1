// The directory of organisations, sites, services (mapped to core offer components) and local assets.
//
//   import { loadDirectory, searchDirectory } from '../directory/index.ts';
//
//   const directory = await loadDirectory('data/ncl/directory.json');   // throws DirectoryFileError naming file and field
//   const hits = searchDirectory(directory, { need: 'diabetes', borough: 'E09000010', age: 70 }, { components });
//   hits[0].kind;                                                         // 'service' | 'asset'

export {
  ASSET_KINDS,
  type AssetKind,
  type Contact,
  type Directory,
  isDramaNumber,
  type LocalAsset,
  ORGANISATION_KINDS,
  type Organisation,
  type OrganisationKind,
  type RoutableService,
  type Service,
  type Site,
} from './directory.ts';
export {
  DirectoryFileError,
  type DirectoryProblem,
  type DirectoryValidation,
  type DirectoryValidationOptions,
  loadDirectory,
  validateDirectory,
} from './directory.load.ts';
export { type ComponentTerms, type DirectoryHit, type DirectoryQuery, searchDirectory } from './directory.search.ts';
export { directoryMigrations } from './directory.migrations.ts';
export {
  componentTerms,
  type DirectorySearch,
  directoryLoadedAt,
  getDirectory,
  importLocalAssets,
  listRoutableServices,
  loadDirectoryDocument,
  NCL_DIRECTORY_FILE,
  type Paged,
  searchAssets,
  searchServices,
  searchStoredDirectory,
  seedDirectory,
} from './directory.service.ts';
