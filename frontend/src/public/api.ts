// Anonymous API calls of the public page: JSON, Accept-Language, typed errors.
import { readCookie } from '../api/client';

export class PublicError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields: Record<string, string[]>, readonly details: Record<string, unknown>, readonly retryAfter: number | null) {
    super(message);
  }
}

let lang = 'en';
export const setPublicLanguage = (l: string) => { lang = l; };

declare global {
  interface Window { __formloomPrefetch?: { url: string; response: Promise<Response> } }
}

/** The response public-prefetch.js already asked for, once. */
function prefetched(url: string): Promise<Response> | null {
  const p = window.__formloomPrefetch;
  if (!p || p.url !== url) return null;
  window.__formloomPrefetch = undefined;
  return p.response;
}

export async function call<T>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang };
  const form = body instanceof FormData;
  if (body !== undefined) {
    // A multipart body sets its own Content-Type (with the boundary).
    if (!form) headers['Content-Type'] = 'application/json';
    const csrf = readCookie('formloom_csrf');
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    const early = body === undefined ? prefetched(`/api/v1${path}`) : null;
    res = await (early ?? fetch(`/api/v1${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body), credentials: 'same-origin' }));
  } catch {
    throw new PublicError(0, 'network_error', '', {}, {}, null);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error ?? {};
    const rawFields = (err.details?.fields ?? {}) as Record<string, unknown>;
    const fields: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(rawFields)) fields[k] = (Array.isArray(v) ? v : [v]).map((m) => (typeof m === 'string' ? m : String((m as { message?: string })?.message ?? m)));
    const ra = res.headers.get('Retry-After');
    throw new PublicError(res.status, err.code ?? `http_${res.status}`, err.message ?? '', fields, err.details ?? {}, ra ? Number(ra) : null);
  }
  return parsed as T;
}
