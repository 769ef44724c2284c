// The rules by which the port call module refuses a request, with the parameters each refusal
// carries, so that the web app says the refusal in the reader's language: `problems.<rule>` is the
// i18next key (web/src/locales/*.json), `params` fill it in. The English `detail` stays for API
// clients that show it as it comes.
//
// core/errors.ts shapes a field error as {pointer, rule, detail} and passes the objects of
// `errors` through untouched, so a coded error is that object plus `params` (an extension of the
// problem document; clients that do not know it ignore it).
//
// One table names every rule the module can raise; a test checks that both locale files have
// each one and use no placeholder the server does not fill (the web app adds `field`, the last
// segment of the pointer, to every message, which is all the generic rules need).
import { ProblemError, type FieldError, type ProblemKind } from '../../core/errors.js';

/**
 * A parameter: a number, a name, a UTC ISO 8601 time (shown in local time), or a list of items.
 * `side` and `sides` hold the sides of a call (`carrier`, `terminal`; a list separated by ", "),
 * which the web app says as the roles they are.
 */
export type ProblemParam = string | number | ProblemItem[];
/** One item of a list parameter; `code` names its key (`PROBLEM_ITEMS`). */
export type ProblemItem = { code: ProblemItemCode } & Record<string, string | number>;

/** Every rule the module can raise, with the names of its parameters. */
export const PROBLEMS = {
  // Generic rules of the request's shape (also Ajv's, from the route schemas): the field is the pointer's last segment.
  required: [], type: [], enum: [], format: [], additionalProperties: [], minLength: [], maxLength: [], length: [],
  pattern: [], minimum: [], exclusiveMinimum: [], maximum: [], minItems: [], maxItems: [], range: [], json: [],
  unsupported: [], cursor: [], after: [], window: ['days'], berths: ['terminal'],
  // src/standards
  'imo.format': [], 'imo.checkDigit': [], 'mmsi.format': [], 'mmsi.prefix': [], 'unlocode.format': [], 'unlocode.country': [],
  'datetime.format': [], 'datetime.invalidDate': [], 'datetime.invalidTime': [], 'datetime.offsetRequired': [], 'datetime.offsetRange': [],
  // Port calls and their timestamps
  actualNotInFuture: ['skewMinutes'],
  'portcall.timestampDefinition': ['timestamp'],
  'portcall.serviceEventType': ['service', 'allowed', 'given'],
  'portcall.phase': ['service', 'allowed'],
  'portcall.facility': ['service', 'allowed'],
  'portcall.notAllowed': [],
  'portcall.completionBeforeStart': ['service', 'start', 'end'],
  'portcall.departureBeforeArrival': ['arrival', 'departure'],
  'portcall.callMismatch': ['value'],
  'portcall.replyToUnknown': [],
  'portcall.unknownCall': [],
  'portcall.senderRole': ['timestamp', 'sides'],
  // `context: "party"`: the sender is neither a carrier nor a terminal.
  'portcall.senderRole_party': [],
  'portcall.eventIdConflict': ['eventID'],
  'portcall.ambiguousReference': [],
  'portcall.unknownParty': ['party'],
  'portcall.operatorRole': [],
  'portcall.unknownTerminal': ['terminal'],
  'portcall.unknownVessel': ['imo'],
  'portcall.carrierParty': [],
  'portcall.referenceTaken': ['reference'],
  'portcall.fieldOwner': ['side'],
  'portcall.cranes': ['berth', 'cranes'],
  'portcall.unknownBerth': ['terminal', 'berth'],
  'portcall.berthMaxLoa': ['vessel', 'berth', 'loaM', 'maxLoaM'],
  'portcall.berthDepth': ['vessel', 'berth', 'draughtM', 'depthM', 'underKeelM'],
  'portcall.berthLength': [],
  // Berth plans: pins (400 on a proposal)
  'berthPlan.pinUnknownCall': ['portCallID'],
  'berthPlan.duplicatePin': ['portCallID'],
  'berthPlan.unknownBerth': ['berth'],
  'berthPlan.berthFit': ['vessel', 'loaM', 'draughtM', 'berth', 'lengthM', 'depthM', 'underKeelM'],
  'berthPlan.alongside': ['vessel', 'berth'],
  'berthPlan.beforeWindow': ['windowStart'],
  'berthPlan.beforeArrival': ['vessel', 'eta'],
  'berthPlan.pinOverlap': ['vessel', 'otherVessel', 'berth'],
  // With `context: "pins"` (i18next's context: key `problems.berthPlan.infeasible_pins`): the checker refuses the plan the pins force.
  'berthPlan.infeasible_pins': ['violations'],
  'berthPlan.unknownPlan': ['planId'],
  // Berth plans: accepting (409, one error per call of the plan, `/calls/{i}`)
  'berthPlan.notProposed': ['status'],
  'berthPlan.callDeparted': ['vessel', 'berth', 'departure'],
  'berthPlan.callOmitted': ['vessel'],
  'berthPlan.callAlongside': ['vessel', 'berth', 'plannedBerth'],
  'berthPlan.infeasible': ['vessel', 'eta', 'planned', 'tolerance'],
  'berthPlan.etaMoved': ['vessel', 'minutes', 'previous', 'next', 'tolerance'],
  'berthPlan.pbpInfeasible': ['vessel', 'eta', 'planned', 'tolerance'],
  'berthPlan.pbpEtaMoved': ['vessel', 'minutes', 'previous', 'next', 'tolerance'],
  // Refusals without a field of the request (403, 404, 409)
  'berthPlan.notOperator': ['terminal'],
  'berthPlan.notFound': ['planId'],
  'berthPlan.noCurrentPlan': ['terminal'],
  'berthPlan.notDiscardable': ['status'],
  'portcall.terminalNotFound': ['terminal'],
  'portcall.callNotFound': ['portCallID'],
} as const satisfies Record<string, readonly string[]>;

/** The items of list parameters (the checker's violations of a plan the pins force), and the list separator. */
export const PROBLEM_ITEMS = {
  'berthPlan.violation.beforeArrival': ['vessel', 'start', 'eta'],
  'berthPlan.violation.overlap': ['vessel', 'berth', 'start', 'end'],
  'berthPlan.violation.pin': ['vessel', 'start', 'pinned'],
  'berthPlan.violation.missing': ['vessel'],
  'berthPlan.violation.other': ['vessel', 'text'],
  'berthPlan.violation.listSeparator': [],
} as const satisfies Record<string, readonly string[]>;

export type ProblemRule = keyof typeof PROBLEMS;
export type ProblemItemCode = Exclude<keyof typeof PROBLEM_ITEMS, 'berthPlan.violation.listSeparator'>;

/** A field error with the parameters of its message. */
export interface CodedFieldError extends FieldError {
  params: Record<string, ProblemParam>;
}

type Base<R extends string> = R extends `${infer B}_${string}` ? B : R;
type ParamsOf<R extends ProblemRule> = { [K in (typeof PROBLEMS)[R][number]]: ProblemParam };

/**
 * A field error of rule `rule` (a variant `rule_context` is sent as the rule with
 * `params.context`, i18next's way of choosing among a key's variants).
 */
export function coded<R extends ProblemRule>(pointer: string, rule: R, params: ParamsOf<R>, detail: string): CodedFieldError {
  const cut = rule.indexOf('_');
  const base = (cut < 0 ? rule : rule.slice(0, cut)) as Base<R>;
  return { pointer, rule: base, detail, params: cut < 0 ? params : { ...params, context: rule.slice(cut + 1) } };
}

/** A refusal of `kind` with one coded error; the problem's own detail is as core's helpers say it. */
export function refuse<R extends ProblemRule>(kind: ProblemKind, pointer: string, rule: R, params: ParamsOf<R>, detail: string, problemDetail?: string): ProblemError {
  return new ProblemError(kind, problemDetail ?? `${pointer}: ${detail}`, [coded(pointer, rule, params, detail)]);
}

/** core's `invalid`, with the message's parameters. */
export const invalidCoded = <R extends ProblemRule>(pointer: string, rule: R, params: ParamsOf<R>, detail: string) =>
  refuse('validation', pointer, rule, params, detail);
