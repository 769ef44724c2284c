// The server's refusals in the reader's language. A field error of an RFC 7807 problem carries a
// stable `rule` and, where its message needs them, `params` (src/modules/portcall/problems.ts):
// `problems.<rule>` in web/src/locales is the message, the params fill it in, and `field` (the
// last segment of the error's JSON pointer) is added for the generic rules (`required`, `type`, …).
// `params.context` picks a variant of the message (i18next context). A rule this build does not
// know falls back to the server's English detail.
import type { TFunction } from 'i18next';
import type { FieldError, Problem, ProblemItem } from '../api';
import { localIfTime as value } from '../pages/portcalls/model';

/** Parameters that name sides of a call (carrier, terminal): said as the roles. */
const SIDES = new Set(['side', 'sides']);

/** One field error as a sentence in the reader's language. */
export function problemText(t: TFunction, e: FieldError): string {
  const options: Record<string, unknown> = { field: e.pointer.split('/').filter(Boolean).at(-1) ?? e.pointer };
  for (const [k, v] of Object.entries(e.params ?? {})) {
    options[k] = Array.isArray(v)
      ? v.map((item) => problemItemText(t, item as ProblemItem)).join(t('problems.berthPlan.violation.listSeparator'))
      : SIDES.has(k) ? String(v).split(', ').map((side) => t(`roles.${side}`, { defaultValue: side })).join(t('problems.sidesSeparator'))
        : value(v);
  }
  return t(`problems.${e.rule}`, { ...options, defaultValue: e.detail });
}

/** Every field error of a problem in the reader's language; the problem's own detail when it has none. */
export function problemTexts(t: TFunction, p: Problem | null | undefined): string[] {
  if (!p) return [];
  if (p.errors?.length) return p.errors.map((e) => problemText(t, e));
  return p.detail ? [p.detail] : [];
}

/** A message given as a code and its parameters (a berth plan's violations) in the reader's language. */
export function problemItemText(t: TFunction, item: ProblemItem): string {
  const options = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, value(v)]));
  return t(`problems.${item.code}`, { ...options, defaultValue: String(item.text ?? item.code) });
}
