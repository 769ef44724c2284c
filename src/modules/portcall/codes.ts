// The code lists of DCSA Port Call 2.0 (port-call-v2.0.0-openapi.yaml) and, per port call service,
// the event types, phases and facilities the standard allows.

export const CLASSIFIER_CODES = ['EST', 'REQ', 'PLN', 'ACT'] as const;
export type ClassifierCode = (typeof CLASSIFIER_CODES)[number];

export const SERVICE_EVENT_TYPE_CODES = ['STRT', 'CMPL', 'ARRI', 'DEPA'] as const;
export type ServiceEventTypeCode = (typeof SERVICE_EVENT_TYPE_CODES)[number];

export const PHASE_TYPE_CODES = ['INBD', 'ALGS', 'SHIF', 'OUTB'] as const;
export type PhaseTypeCode = (typeof PHASE_TYPE_CODES)[number];

export const FACILITY_TYPE_CODES = ['PBPL', 'BRTH', 'ANCH'] as const;
export type FacilityTypeCode = (typeof FACILITY_TYPE_CODES)[number];

/** Services negotiated with the IMO "ERP" pattern (EST/REQ/PLN) plus an actual. */
export const ERP_SERVICES = ['BERTH', 'CARGO_OPERATIONS', 'PILOTAGE', 'TOWAGE', 'MOORING', 'BUNKERING', 'PILOT_BOARDING_PLACE', 'ANCHORAGE', 'SLUDGE'] as const;
/** Services with only an actual (ACT). */
export const ACTUAL_ONLY_SERVICES = [
  'SEA_PASSAGE', 'ALL_FAST', 'GANGWAY_DOWN_AND_SECURE', 'VESSEL_READY_FOR_CARGO_OPERATIONS', 'VESSEL_READY_TO_SAIL',
  'DISCHARGE_CARGO_OPERATIONS', 'LOADING_CARGO_OPERATIONS', 'LASHING', 'SAFETY', 'ANCHORAGE_OPERATIONS', 'SHORE_POWER',
] as const;
export const PORT_CALL_SERVICE_TYPE_CODES = [...ERP_SERVICES, ...ACTUAL_ONLY_SERVICES, 'MOVES'] as const;
export type PortCallServiceTypeCode = (typeof PORT_CALL_SERVICE_TYPE_CODES)[number];

type PerService<T> = Record<PortCallServiceTypeCode, readonly T[]>;

const START_COMPLETE = ['STRT', 'CMPL'] as const;
/** `portCallServiceEventTypeCode` values allowed per service. */
export const EVENT_TYPES_BY_SERVICE: PerService<ServiceEventTypeCode> = {
  BERTH: ['ARRI', 'DEPA'], CARGO_OPERATIONS: START_COMPLETE, PILOTAGE: START_COMPLETE, TOWAGE: START_COMPLETE, MOORING: START_COMPLETE,
  BUNKERING: START_COMPLETE, PILOT_BOARDING_PLACE: ['ARRI'], ANCHORAGE: START_COMPLETE, SLUDGE: START_COMPLETE, SEA_PASSAGE: START_COMPLETE,
  ALL_FAST: ['ARRI'], GANGWAY_DOWN_AND_SECURE: ['ARRI'], VESSEL_READY_FOR_CARGO_OPERATIONS: ['ARRI'], VESSEL_READY_TO_SAIL: ['ARRI'],
  DISCHARGE_CARGO_OPERATIONS: START_COMPLETE, LOADING_CARGO_OPERATIONS: START_COMPLETE, LASHING: START_COMPLETE, SAFETY: ['DEPA'],
  ANCHORAGE_OPERATIONS: START_COMPLETE, SHORE_POWER: START_COMPLETE, MOVES: ['ARRI'],
};

const ALONGSIDE = ['ALGS'] as const;
/** `portCallPhaseTypeCode` values allowed per service (none: the phase does not apply). */
export const PHASES_BY_SERVICE: PerService<PhaseTypeCode> = {
  BERTH: ['INBD', 'ALGS', 'OUTB'], CARGO_OPERATIONS: ALONGSIDE, PILOTAGE: ['INBD', 'SHIF', 'OUTB'], TOWAGE: ['INBD', 'SHIF', 'OUTB'],
  MOORING: ['INBD', 'SHIF', 'OUTB'], BUNKERING: ALONGSIDE, PILOT_BOARDING_PLACE: ['INBD'], ANCHORAGE: [], SLUDGE: [], SEA_PASSAGE: ['INBD', 'OUTB'],
  ALL_FAST: ALONGSIDE, GANGWAY_DOWN_AND_SECURE: ALONGSIDE, VESSEL_READY_FOR_CARGO_OPERATIONS: ALONGSIDE, VESSEL_READY_TO_SAIL: ALONGSIDE,
  DISCHARGE_CARGO_OPERATIONS: ALONGSIDE, LOADING_CARGO_OPERATIONS: ALONGSIDE, LASHING: ALONGSIDE, SAFETY: ALONGSIDE,
  ANCHORAGE_OPERATIONS: [], SHORE_POWER: ALONGSIDE, MOVES: [],
};

const AT_BERTH = ['BRTH'] as const;
/**
 * `facilityTypeCode` values allowed per service: the lists of the specification, plus the
 * anchorage for bunkering and sludge, which DCSA's timestamp definitions use.
 */
export const FACILITIES_BY_SERVICE: PerService<FacilityTypeCode> = {
  BERTH: AT_BERTH, CARGO_OPERATIONS: AT_BERTH, PILOTAGE: ['PBPL', 'BRTH'], TOWAGE: ['PBPL', 'BRTH'], MOORING: AT_BERTH,
  BUNKERING: ['BRTH', 'ANCH'], PILOT_BOARDING_PLACE: ['PBPL'], ANCHORAGE: ['ANCH'], SLUDGE: ['BRTH', 'ANCH'], SEA_PASSAGE: [],
  ALL_FAST: AT_BERTH, GANGWAY_DOWN_AND_SECURE: AT_BERTH, VESSEL_READY_FOR_CARGO_OPERATIONS: AT_BERTH, VESSEL_READY_TO_SAIL: AT_BERTH,
  DISCHARGE_CARGO_OPERATIONS: AT_BERTH, LOADING_CARGO_OPERATIONS: AT_BERTH, LASHING: AT_BERTH, SAFETY: AT_BERTH,
  ANCHORAGE_OPERATIONS: ['BRTH', 'ANCH'], SHORE_POWER: AT_BERTH, MOVES: [],
};

export const VESSEL_TYPE_CODES = ['GCGO', 'CONT', 'RORO', 'CARC', 'PASS', 'FERY', 'BULK', 'TANK', 'LGTK', 'ASSI', 'PILO'] as const;
export const SIZE_UNITS = ['MTR', 'FOT'] as const;
export const LOCATION_FACILITY_TYPE_CODES = ['BORD', 'CLOC', 'COFS', 'OFFD', 'DEPO', 'INTE', 'POTE', 'RAMP', 'WAYP'] as const;
export const FACILITY_CODE_LIST_PROVIDERS = ['SMDG', 'BIC'] as const;
export const CARRIER_CODE_LIST_PROVIDERS = ['SMDG', 'NMFTA'] as const;
/** Universal service reference: "SR", 5 digits, 1 uppercase letter. */
export const UNIVERSAL_SERVICE_REFERENCE = /^SR\d{5}[A-Z]$/;
/** Universal voyage reference: 2 digits of the year, 2 alphanumerics, the direction N/E/W/S/R. */
export const UNIVERSAL_VOYAGE_REFERENCE = /^\d{2}[0-9A-Z]{2}[NEWSR]$/;
