// Silver triage: ambulance crews call a senior clinician in geriatric emergency medicine before conveying an
// older person. The rota, the calls (a referral outcome creates the central point of access referral in the
// same transaction) and the figures. The web layer and other modules use only what this file exports.
export type { CallRow, RotaSlot } from './silvertriage.repository.ts';
export { silverTriageMigrations } from './silvertriage.migrations.ts';
export {
  addRotaSlot,
  correctCall,
  FIGURE_READERS,
  figures,
  getCall,
  type LiveCapacity,
  listCalls,
  liveCapacity,
  logCall,
  type RotaView,
  rotaWeek,
  TRIAGE_CLINICIANS,
} from './silvertriage.service.ts';
export { seedSilverTriage } from './silvertriage.seed.ts';
export { CALL_OUTCOMES, type CallOutcome, type FigureRow, REFERRAL_OUTCOMES } from './silvertriage.ts';
