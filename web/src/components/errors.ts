import type { TFunction } from 'i18next';
import { ApiError } from '../api';
import { problemText } from './problems';

/**
 * A translated message for a failed call; the server's detail is added where it says what to fix,
 * in the reader's language when the problem names its rule (problems.ts).
 */
export function errorMessage(t: TFunction, error: unknown): { title: string; detail?: string } {
  if (!(error instanceof ApiError)) return { title: t('errors.unknown', { status: '—' }) };
  const first = error.problem?.errors?.[0];
  const detail = first ? problemText(t, first) : error.problem?.detail;
  switch (true) {
    case error.status === 0:
      return { title: t('errors.network') };
    case error.status === 400:
      return { title: t('errors.invalid'), detail };
    case error.status === 401:
      return { title: t('header.sessionExpired') };
    case error.status === 403:
      return { title: t('errors.forbidden'), detail };
    case error.status === 404:
      return { title: t('errors.notFound'), detail };
    case error.status === 429:
      return { title: t('errors.tooMany') };
    case error.status >= 500:
      return { title: t('errors.server') };
    default:
      return { title: t('errors.unknown', { status: error.status }), detail };
  }
}
