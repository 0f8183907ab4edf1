// Interoperability: the directory and the offer as Open Referral UK 3.0, and Core Offer's records as FHIR R4
// UK Core. Pure mappings beside the services that read other modules through their index.ts.
//
//   import { orukServices, orukServiceById } from '../modules/interop/index.ts';
//
//   const page = await orukServices(db, 'QMJ', { search: 'diabetes', page: 1, perPage: 10 });  // ORUK Page
//   const one = await orukServiceById(db, 'QMJ', page.contents[0].id);                         // nested service

export { CORE_OFFER_NAMESPACE, recordUuid, UUID_PATTERN, uuidV5 } from './ids.ts';
export {
  ORUK_OPENAPI_URL,
  ORUK_PROFILE,
  ORUK_VERSION,
  type OrukContext,
  type OrukPage,
  orukServiceAtLocation,
  orukServiceAtLocationListItem,
  type ServiceLocation,
  serviceLocations,
} from './oruk.ts';
export {
  ORUK_DEFAULT_PER_PAGE,
  ORUK_MAX_PER_PAGE,
  type OrukServiceAtLocationQuery,
  type OrukServiceQuery,
  orukServiceAtLocationById,
  orukServiceAtLocations,
  orukServiceById,
  orukServices,
  orukTaxonomies,
  orukTaxonomyTerms,
} from './oruk.service.ts';
export {
  capabilityStatement,
  type DateFilter,
  FHIR_JSON,
  FHIR_VERSION,
  type FhirResource,
  type FhirResourceType,
  issueCodeFor,
  operationOutcome,
  pageLinks,
  parseDateFilter,
  SYSTEMS,
  UKCORE,
  searchsetBundle,
} from './fhir.ts';
export { FHIR_PATHS, fhirPathOf, referralFromFhir } from './fhir-referral.ts';
export {
  createServiceRequest,
  FHIR_DEFAULT_COUNT,
  FHIR_MAX_COUNT,
  type FhirMatches,
  parseToken,
  readHealthcareService,
  readLocation,
  readOrganization,
  readPatient,
  readServiceRequest,
  searchHealthcareServices,
  searchLocations,
  searchOrganizations,
  searchPatients,
  searchServiceRequests,
} from './fhir.service.ts';
export {
  CARE_STATUSES,
  type CareResourceType,
  readCare,
  readObservation,
  readQuestionnaire,
  readQuestionnaireResponse,
  searchCare,
  searchObservations,
  searchQuestionnaireResponses,
  searchQuestionnaires,
} from './fhir-care.service.ts';
export { checkOrukFeed, orukToAssets } from './oruk-import.ts';
export { fetchOrukFeed, importOrukFeed, type OrukImportInput } from './oruk-import.service.ts';
