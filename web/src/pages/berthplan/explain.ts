// The server's explanations (why a ship has its berth and its wait, why a plan went stale) in the
// reader's language: the code is the key in web/src/locales, the parameters fill it in. Times come
// as UTC ISO 8601 and are shown in local time; a list (the other berths and when the ship would
// finish there) is said item by item. A code this build does not know falls back to the server's
// English text.
import type { TFunction } from 'i18next';
import type { Explanation } from '../../api';
import { localIfTime as value } from '../portcalls/model';

export function explain(t: TFunction, e: Explanation): string {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(e.params)) {
    params[k] = Array.isArray(v)
      ? v.map((item) => t('berthPlan.why.alternative', Object.fromEntries(Object.entries(item).map(([ik, iv]) => [ik, value(iv)])))).join(t('berthPlan.why.listSeparator'))
      : value(v);
  }
  return t(e.code, { ...params, defaultValue: e.text });
}
