// Turns any thrown value into a message for the user, in their language.
import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

export function errorMessage(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'network_error':
        return t('errors.network');
      case 'rate_limited':
        return err.retryAfter
          ? t('errors.rateLimited', { seconds: err.retryAfter })
          : t('errors.rateLimitedShort');
      default:
        break;
    }
    if (err.message && !err.message.startsWith('http_')) return err.message;
    switch (err.status) {
      case 401:
        return t('errors.unauthenticated');
      case 403:
        return t('errors.forbidden');
      case 404:
        return t('errors.notFound');
      case 409:
        return t('errors.conflict');
      case 413:
        return t('errors.tooLarge');
      case 422:
        return t('errors.validation');
      case 503:
        return t('errors.unavailable');
      default:
        return t('errors.generic');
    }
  }
  return t('errors.generic');
}

/** Field errors from an ApiError as antd Form `setFields` entries. */
export function antdFieldErrors<T = unknown>(
  err: unknown,
  known: string[],
): Parameters<FormInstance<T>['setFields']>[0] {
  if (!(err instanceof ApiError)) return [];
  return Object.entries(err.fields)
    .filter(([path]) => known.includes(path.split(/[.[]/)[0]))
    .map(([path, errors]) => ({ name: fieldPathToName(path), errors })) as Parameters<FormInstance<T>['setFields']>[0];
}

/** `items[2].qty` -> ['items', 2, 'qty']; `/fields/3/options` -> ['fields', 3, 'options']. */
export function fieldPathToName(path: string): (string | number)[] {
  const parts = path.startsWith('/') ? path.slice(1).split('/') : path.split(/\.|\[|\]/);
  return parts.filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Shows an ApiError's field messages on an antd form; false when none matched. */
export function applyFieldErrors<T>(form: FormInstance<T>, err: unknown, known: string[]): boolean {
  const fields = antdFieldErrors<T>(err, known);
  if (fields.length) form.setFields(fields);
  return fields.length > 0;
}
