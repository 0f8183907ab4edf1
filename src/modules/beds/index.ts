// NCL mental health bed management: one board for every ward, fair allocation with one winner per bed,
// admissions, leave, delayed discharge, out-of-area placements and bringing people home. The web layer and
// other modules (finance's "reduce out of area placements" saving, monitoring) use only what this exports.
//
//   const board = await beds.getBoard(db, actor, { type: 'adult-acute' }, { now });
//   const req = await beds.requestBed(db, actor, { nhsNumber, …, wardType: 'adult-acute', sex: 'female' }, { now });
//   (await beds.getRequest(db, actor, req.id, { now })).proposals;     // same borough, then NCL
//   await beds.allocateBed(db, actor, req.id, { bedId }, { now });      // 409 to the second of two
//   const { rows } = await beds.oapFigures(db, actor, { fromMonth: '2026-06' }, { now }); // days and £ by month, borough

export * from './beds.ts';
export { bedsMigrations } from './beds.migrations.ts';
export type {
  BedRow,
  PatientRow,
  PlacementRow,
  RequestRow,
  RequestStatus,
  StayRow,
  WardRow,
} from './beds.repository.ts';
export { seedBeds } from './beds.seed.ts';
export {
  admit,
  openRequestCount,
  allocateBed,
  BED_MANAGERS,
  BED_REQUESTERS,
  type BoardView,
  BOARD_READERS,
  bringHome,
  cancelRequest,
  type Counts,
  createPlacement,
  discharge,
  endLeave,
  endPlacement,
  FIGURE_READERS,
  type Figures,
  figures,
  getBoard,
  getPlacement,
  getRequest,
  getStay,
  listPlacements,
  listRequests,
  listStays,
  type OapMonthBorough,
  OPEN_STATUSES,
  oapFigures,
  oapReturn,
  occupancyHistory,
  type PlacementInput,
  type PlacementView,
  type RepatriationMatch,
  type RequestDetail,
  type RequestInput,
  type RequestView,
  recordDelay,
  requestBed,
  type StayView,
  setBedClosed,
  startLeave,
} from './beds.service.ts';
