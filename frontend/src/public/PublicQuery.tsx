// The public look-up page: find one's own submission by the link's unique field.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Label } from '../api/types';
import { labelText } from '../common/label';
import { call, PublicError } from './api';

interface QueryDescription {
  form: { key: string; name: Label };
  settings: { lookup_field: { key: string; label?: Label; type: string }; fields: { key: string; label?: Label; type: string }[]; needs_password: boolean };
}

function show(v: unknown, yes: string, no: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? yes : no;
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? (x as { name?: string }).name ?? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).filter(Boolean).join(' ');
  return String(v);
}

export function PublicQuery({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const [desc, setDesc] = useState<QueryDescription | null>(null);
  const [loadError, setLoadError] = useState(false);
  const [value, setValue] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<{ found: boolean; record: Record<string, unknown> | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    call<QueryDescription>(`/public/query/${token}`).then(setDesc, () => setLoadError(true));
  }, [token]);

  if (loadError) return <div className="pf-card pf-message" role="alert">{t('notFound')}</div>;
  if (!desc) return <div className="pf-card pf-message" aria-busy="true">{t('loading')}</div>;
  const s = desc.settings;

  const lookup = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    setBusy(true); setError(null); setResult(null);
    try {
      setResult(await call(`/public/query/${token}`, { value: value.trim(), password: s.needs_password ? password : null }));
    } catch (err) {
      if (err instanceof PublicError && err.status === 403) setError(t('wrongPassword'));
      else if (err instanceof PublicError && err.status === 429) setError(err.retryAfter ? t('rateLimited', { seconds: err.retryAfter }) : t('rateLimitedShort'));
      else if (err instanceof PublicError && err.status === 0) setError(t('network'));
      else setError(t('generic'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="pf-card" data-testid="public-query">
      <h1>{labelText(desc.form.name, i18n.language, desc.form.key)}</h1>
      <p className="pf-desc">{t('lookupTitle')}</p>
      <form onSubmit={lookup} noValidate>
        <div className="pf-field">
          <label className="pf-label" htmlFor="pq-value">{labelText(s.lookup_field.label, i18n.language, s.lookup_field.key)}</label>
          <input id="pq-value" className="pf-input" value={value} onChange={(e) => setValue(e.target.value)} inputMode={s.lookup_field.type === 'phone' ? 'tel' : undefined} />
        </div>
        {s.needs_password && (
          <div className="pf-field">
            <label className="pf-label" htmlFor="pq-password">{t('password')}</label>
            <input id="pq-password" className="pf-input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
        )}
        <button className="pf-button" type="submit" disabled={busy}>{t('lookupButton')}</button>
      </form>
      {error && <div className="pf-banner" role="alert">{error}</div>}
      {result && !result.found && <p className="pf-message">{t('notFoundRecord')}</p>}
      {result?.found && result.record && (
        <dl className="pf-result" data-testid="public-query-result">
          {s.fields.map((f) => (
            <div key={f.key}><dt>{labelText(f.label, i18n.language, f.key)}</dt><dd>{show(result.record![f.key], t('yes'), t('no'))}</dd></div>
          ))}
        </dl>
      )}
    </div>
  );
}
