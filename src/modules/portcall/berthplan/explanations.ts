// The berth plan's explanations to people — why a ship has its berth and its wait, why an accepted
// plan no longer holds — as a stable code with parameters, so that the web app says them in the
// reader's language (the code is the i18next key in web/src/locales/*.json), plus an English text
// for API clients that show it as it comes.
//
// One table names every code the server can emit and the parameters it fills in; a test checks
// that both locale files have each code and use no placeholder the server does not fill.

/** A parameter: a number, a name, a UTC ISO 8601 time (the web app shows it in local time), or a list of items. */
export type ExplanationParam = string | number | ExplanationItem[];
/** One item of a list parameter, said with its own code (`EXPLANATION_ITEMS`). */
export type ExplanationItem = Record<string, string | number>;

export interface Explanation {
  code: ExplanationCode;
  params: Record<string, ExplanationParam>;
  /** The same in English. */
  text: string;
}

/** Every explanation code, with the names of its parameters. */
export const EXPLANATIONS = {
  // Why this berth
  'berthPlan.why.pinned': ['berth', 'start'],
  'berthPlan.why.keptAlongside': ['berth', 'hours'],
  'berthPlan.why.onlyBerth': ['loa', 'draught'],
  'berthPlan.why.finishesHere': ['finish', 'cranes', 'alternatives'],
  // Why this wait
  'berthPlan.why.onArrival': [],
  'berthPlan.why.waitPinned': ['minutes'],
  'berthPlan.why.waitFor': ['minutes', 'vessel', 'berth'],
  'berthPlan.why.waitBerthTaken': ['minutes'],
  // Why a call is left out of the plan
  'berthPlan.why.noBerthFits': ['loa', 'draught'],
  // Why an accepted plan no longer holds, for one call
  'berthPlan.staleWhy.infeasible': ['vessel', 'eta', 'planned', 'tolerance'],
  'berthPlan.staleWhy.etaMoved': ['vessel', 'minutes', 'previous', 'next', 'tolerance'],
  'berthPlan.staleWhy.pbpInfeasible': ['vessel', 'eta', 'planned', 'tolerance'],
  'berthPlan.staleWhy.pbpEtaMoved': ['vessel', 'minutes', 'previous', 'next', 'tolerance'],
  'berthPlan.staleWhy.callOmitted': ['vessel'],
  // Stored before explanations had codes: the English text as it was
  'berthPlan.why.untranslated': ['text'],
} as const satisfies Record<string, readonly string[]>;

export type ExplanationCode = keyof typeof EXPLANATIONS;

/** Codes of the items inside list parameters, with their fields, and the list separator's key. */
export const EXPLANATION_ITEMS = {
  'berthPlan.why.alternative': ['berth', 'finish'],
  'berthPlan.why.listSeparator': [],
} as const satisfies Record<string, readonly string[]>;

type ParamsOf<C extends ExplanationCode> = { [K in (typeof EXPLANATIONS)[C][number]]: ExplanationParam };

export function explanation<C extends ExplanationCode>(code: C, params: ParamsOf<C>, text: string): Explanation {
  return { code, params: params as Record<string, ExplanationParam>, text };
}

/** An explanation stored before explanations had codes (plain English), shown as it was. */
export const untranslated = (text: string): Explanation => explanation('berthPlan.why.untranslated', { text }, text);
