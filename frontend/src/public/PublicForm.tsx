// The public fill-in page: the form's public fields with live rules, friendly errors, thank-you state;
// a PUBLIC_LINK() address (?p=) brings signed prefilled answers, shown read-only and sent back as is.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormDefinition, Label } from '../api/types';
import { labelText } from '../common/label';
import { computeLive, initialData, missingRequired, payloadOf, type RecordData } from '../records/entry/liveRules';
import { call, PublicError } from './api';
import type { UploadRef } from './FileInput';
import { PublicWidget } from './widgets';

interface PublicDescription {
  form: { key: string; name: Label; description?: Label | null; fields: FieldDef[] };
  settings: { thank_you?: string | null; redirect?: string | null; honeypot?: string; accepting?: boolean; reason?: string | null; opens_at?: string | null; closes_at?: string | null };
  /** Prefilled answers of public fields (from the signed link), not to be changed. */
  prefill?: Record<string, unknown>;
}

const ctx = { tz: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };

function errorText(err: unknown, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (!(err instanceof PublicError)) return t('generic');
  if (err.status === 0) return t('network');
  if (err.status === 429) return err.retryAfter ? t('rateLimited', { seconds: err.retryAfter }) : t('rateLimitedShort');
  if (err.status === 413) return t('tooLarge');
  if (err.status === 404) return t('notFound');
  if (err.status === 403) return err.message || t('closed');
  if (err.status === 422 && Object.keys(err.fields).length) return t('fixErrors');
  return err.message || t('generic');
}

function prefilledText(f: FieldDef, v: unknown, t: (k: string) => string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (f.type === 'rating' && typeof v === 'number') return '★'.repeat(v);
  if (typeof v === 'boolean') return t(v ? 'yes' : 'no');
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x ? Object.values(x).join(' ') : String(x))).join(', ');
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).filter(Boolean).join(' ');
  return String(v);
}

function clientCheck(f: FieldDef, v: unknown, t: (k: string) => string): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (f.type === 'email' && typeof v === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return t('invalidEmail');
  if (f.type === 'number' && typeof v !== 'number') return t('invalidNumber');
  if (f.type === 'url' && typeof v === 'string' && !/^https?:\/\/\S+$/i.test(v)) return t('invalidUrl');
  return null;
}

export function PublicForm({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const signedPrefill = useMemo(() => new URLSearchParams(window.location.search).get('p'), []);
  const [desc, setDesc] = useState<PublicDescription | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [values, setValues] = useState<RecordData>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState<{ thank_you?: string | null } | null>(null);
  const [trap, setTrap] = useState('');

  const definition: FormDefinition | null = useMemo(() => (desc ? { key: desc.form.key, name: desc.form.name, fields: desc.form.fields } : null), [desc]);

  const fresh = (d: PublicDescription) => {
    setValues({ ...initialData({ key: d.form.key, name: d.form.name, fields: d.form.fields }, ctx), ...d.prefill });
    // Prefilled answers count as given, so default expressions never replace them.
    setTouched(new Set(Object.keys(d.prefill ?? {})));
  };

  useEffect(() => {
    const query = signedPrefill ? `?prefill=${encodeURIComponent(signedPrefill)}` : '';
    call<PublicDescription>(`/public/${token}${query}`).then((d) => {
      setDesc(d);
      fresh(d);
      document.title = labelText(d.form.name, i18n.language, d.form.key);
    }, setLoadError);
  }, [token, signedPrefill, i18n.language]);

  const live = useMemo(() => (definition ? computeLive(definition, values, ctx, touched) : null), [definition, values, touched]);

  if (loadError) return <div className="pf-card pf-message" role="alert">{errorText(loadError, t)}</div>;
  if (!desc || !definition || !live) return <div className="pf-card pf-message" aria-busy="true">{t('loading')}</div>;
  const title = labelText(desc.form.name, i18n.language, desc.form.key);

  if (done) {
    return (
      <div className="pf-card pf-thanks" data-testid="public-thanks">
        <div className="pf-thanks-icon" aria-hidden>✓</div>
        <h1>{title}</h1>
        <p>{done.thank_you || t('thanks')}</p>
        <button type="button" className="pf-button pf-secondary" onClick={() => { setDone(null); fresh(desc); }}>{t('another')}</button>
      </div>
    );
  }
  if (desc.settings.accepting === false) {
    return <div className="pf-card pf-message" role="alert"><h1>{title}</h1><p>{desc.settings.reason || t('closed')}</p></div>;
  }

  const fixed = desc.prefill ?? {};
  const upload = (field: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('field', field);
    return call<UploadRef>(`/public/${token}/files`, form);
  };

  const set = (key: string, v: unknown) => {
    setValues((prev) => ({ ...prev, [key]: v }));
    setTouched((prev) => new Set(prev).add(key));
    setErrors((prev) => { const next = { ...prev }; delete next[key]; return next; });
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const found: Record<string, string[]> = {};
    for (const k of missingRequired(definition, live)) found[k] = [t('required')];
    for (const f of definition.fields) {
      const problem = live.visible[f.key] ? clientCheck(f, live.data[f.key], t) : null;
      if (problem && !found[f.key]) found[f.key] = [problem];
    }
    if (Object.keys(found).length) {
      setErrors(found);
      setBanner(t('fixErrors'));
      document.getElementById(`pf-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const data = payloadOf(definition, live.data);
    for (const f of definition.fields) if (!live.visible[f.key] || f.key in fixed) delete data[f.key];
    if (trap && desc.settings.honeypot) data[desc.settings.honeypot] = trap;
    setSending(true);
    setBanner(null);
    try {
      const body = signedPrefill ? { data, prefill: signedPrefill } : { data };
      const res = await call<{ id: string; thank_you?: string | null; redirect?: string | null }>(`/public/${token}/submit`, body);
      if (res.redirect && /^https?:\/\//i.test(res.redirect)) { window.location.assign(res.redirect); return; }
      setDone({ thank_you: res.thank_you ?? desc.settings.thank_you });
      window.scrollTo(0, 0);
    } catch (err) {
      if (err instanceof PublicError) setErrors(Object.fromEntries(Object.entries(err.fields).map(([k, m]) => [k.split(/[.[]/)[0], m])));
      setBanner(errorText(err, t));
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="pf-card" onSubmit={submit} noValidate data-testid="public-form">
      <h1>{title}</h1>
      {desc.form.description && <p className="pf-desc">{labelText(desc.form.description, i18n.language)}</p>}
      {banner && <div className="pf-banner" role="alert">{banner}</div>}
      {definition.fields.length === 0 && <p className="pf-message">{t('noQuestions')}</p>}
      {desc.settings.honeypot && (
        <div className="pf-trap" aria-hidden>
          <label>Website<input tabIndex={-1} autoComplete="off" name={desc.settings.honeypot} value={trap} onChange={(e) => setTrap(e.target.value)} /></label>
        </div>
      )}
      {definition.fields.map((f) => {
        if (!live.visible[f.key]) return null;
        if (f.type === 'section') {
          return <h2 key={f.key} className="pf-section">{labelText(f.label, i18n.language, f.key)}</h2>;
        }
        const errs = errors[f.key];
        if (f.key in fixed) {
          return (
            <div key={f.key} className="pf-field" data-field={f.key}>
              <span className="pf-label" id={`pf-${f.key}-label`}>{labelText(f.label, i18n.language, f.key)}</span>
              <output id={`pf-${f.key}`} className="pf-computed pf-prefilled" aria-labelledby={`pf-${f.key}-label`} aria-readonly="true">{prefilledText(f, fixed[f.key], t)}</output>
            </div>
          );
        }
        const required = live.required[f.key] && !['formula', 'lookup', 'rollup', 'serial'].includes(f.type);
        return (
          <div key={f.key} className={`pf-field${errs ? ' pf-invalid' : ''}`} data-field={f.key}>
            <label className="pf-label" htmlFor={`pf-${f.key}`}>
              {labelText(f.label, i18n.language, f.key)}{required && <span className="pf-req" aria-label={t('required')}> *</span>}
            </label>
            {f.description && <div className="pf-help">{labelText(f.description, i18n.language)}</div>}
            <PublicWidget field={f} lang={i18n.language} id={`pf-${f.key}`} invalid={!!errs} value={live.data[f.key] ?? null} onChange={(v) => set(f.key, v)} upload={upload} />
            {errs && <div className="pf-error" role="alert">{errs.join(' ')}</div>}
          </div>
        );
      })}
      <button type="submit" className="pf-button" disabled={sending} data-testid="public-submit">{sending ? t('submitting') : t('submit')}</button>
    </form>
  );
}
