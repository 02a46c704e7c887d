// Light native inputs for the public page (no component library), one per field type.
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../api/types';
import { labelText } from '../common/label';
import { PublicFileInput, type Uploader } from './FileInput';

/** `path`: the field's key for uploads (`items.photo` inside a subform); `upload` sends a file. */
export interface PublicWidgetProps { field: FieldDef; value: unknown; onChange: (v: unknown) => void; id: string; invalid: boolean; lang: string; path?: string; upload?: Uploader }

const PROVINCES = ['北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市', '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区', '台湾省', '香港特别行政区', '澳门特别行政区'];

function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function PublicWidget(p: PublicWidgetProps) {
  const { t } = useTranslation();
  const f = p.field;
  const common = { id: p.id, 'aria-invalid': p.invalid || undefined, className: 'pf-input' };
  const text = (p.value as string | null) ?? '';
  switch (f.type) {
    case 'textarea': case 'richtext':
      return <textarea {...common} rows={4} maxLength={f.max_length} value={text} onChange={(e) => p.onChange(e.target.value || null)} />;
    case 'number': {
      const percent = f.format === 'percent';
      const shown = typeof p.value === 'number' ? String(percent ? Number((p.value * 100).toPrecision(12)) : p.value) : (p.value as string) ?? '';
      return (
        <div className="pf-affix">
          {f.format === 'currency' && <span>¥</span>}
          <input {...common} type="text" inputMode="decimal" value={shown}
            onChange={(e) => {
              const raw = e.target.value.trim();
              if (raw === '') return p.onChange(null);
              const n = Number(raw);
              p.onChange(Number.isNaN(n) ? raw : percent ? Number((n / 100).toPrecision(12)) : n);
            }} />
          {percent && <span>%</span>}
        </div>
      );
    }
    case 'checkbox':
      return <label className="pf-check"><input id={p.id} type="checkbox" checked={!!p.value} onChange={(e) => p.onChange(e.target.checked)} /> {t('yes')}</label>;
    case 'date':
      return <input {...common} type="date" value={text} min={f.min as string | undefined} max={f.max as string | undefined} onChange={(e) => p.onChange(e.target.value || null)} />;
    case 'datetime':
      return <input {...common} type="datetime-local" value={toLocalInput(p.value)}
        onChange={(e) => p.onChange(e.target.value ? new Date(e.target.value).toISOString().replace(/\.\d{3}Z$/, 'Z') : null)} />;
    case 'select':
      if (f.ui?.widget === 'radio' || (f.options ?? []).length <= 4) {
        return (
          <div className="pf-choices" role="radiogroup" id={p.id} aria-invalid={p.invalid || undefined}>
            {(f.options ?? []).map((o) => (
              <label key={o} className="pf-choice"><input type="radio" name={f.key} checked={p.value === o} onChange={() => p.onChange(o)} /> {o}</label>
            ))}
          </div>
        );
      }
      return (
        <select {...common} value={text} onChange={(e) => p.onChange(e.target.value || null)}>
          <option value="">{t('choose')}</option>
          {(f.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      );
    case 'multiselect': {
      const chosen = Array.isArray(p.value) ? (p.value as string[]) : [];
      return (
        <div className="pf-choices" id={p.id} aria-invalid={p.invalid || undefined}>
          {(f.options ?? []).map((o) => (
            <label key={o} className="pf-choice">
              <input type="checkbox" checked={chosen.includes(o)} onChange={(e) => p.onChange(e.target.checked ? [...chosen, o] : chosen.filter((x) => x !== o))} /> {o}
            </label>
          ))}
        </div>
      );
    }
    case 'rating': {
      const max = Number(f.max ?? 5);
      const v = typeof p.value === 'number' ? p.value : 0;
      return (
        <div className="pf-rating" id={p.id} role="radiogroup">
          {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
            <button key={n} type="button" aria-label={String(n)} aria-pressed={n <= v} className={n <= v ? 'on' : ''} onClick={() => p.onChange(n === v ? null : n)}>★</button>
          ))}
        </div>
      );
    }
    case 'phone':
      return <input {...common} type="tel" inputMode="tel" autoComplete="tel" value={text} onChange={(e) => p.onChange(e.target.value || null)} />;
    case 'email':
      return <input {...common} type="email" inputMode="email" autoComplete="email" value={text} onChange={(e) => p.onChange(e.target.value || null)} />;
    case 'url':
      return <input {...common} type="url" inputMode="url" value={text} onChange={(e) => p.onChange(e.target.value || null)} />;
    case 'address': {
      const a = (p.value && typeof p.value === 'object' ? p.value : {}) as Record<string, string>;
      const set = (k: string, v: string) => { const next = { ...a, [k]: v }; p.onChange(Object.values(next).some(Boolean) ? next : null); };
      return (
        <div className="pf-address" id={p.id}>
          <select className="pf-input" value={a.province ?? ''} onChange={(e) => set('province', e.target.value)} aria-label={t('province')}>
            <option value="">{t('province')}</option>
            {PROVINCES.map((x) => <option key={x} value={x}>{x}</option>)}
          </select>
          <input className="pf-input" placeholder={t('city')} value={a.city ?? ''} onChange={(e) => set('city', e.target.value)} aria-label={t('city')} />
          <input className="pf-input" placeholder={t('district')} value={a.district ?? ''} onChange={(e) => set('district', e.target.value)} aria-label={t('district')} />
          <input className="pf-input pf-wide" placeholder={t('detail')} value={a.detail ?? ''} onChange={(e) => set('detail', e.target.value)} aria-label={t('detail')} />
        </div>
      );
    }
    case 'subform':
      return <PublicSubform {...p} />;
    case 'location': {
      const loc = (p.value && typeof p.value === 'object' ? p.value : {}) as { lat?: number; lng?: number; label?: string };
      const locate = () => navigator.geolocation?.getCurrentPosition((pos) =>
        p.onChange({ ...loc, lat: Number(pos.coords.latitude.toFixed(6)), lng: Number(pos.coords.longitude.toFixed(6)) }));
      return (
        <div className="pf-address" id={p.id}>
          <button type="button" className="pf-button pf-secondary pf-wide" onClick={locate}>{t('locateMe')}</button>
          {loc.lat !== undefined && <output className="pf-computed pf-wide">{loc.lat}, {loc.lng}</output>}
          <input className="pf-input pf-wide" placeholder={t('placeName')} value={loc.label ?? ''} onChange={(e) => p.onChange({ ...loc, label: e.target.value })} />
        </div>
      );
    }
    case 'file': case 'image':
      if (!p.upload) return <p className="pf-note">{t('notSupported')}</p>;
      return <PublicFileInput field={f} path={p.path ?? f.key} value={p.value} onChange={p.onChange} id={p.id} invalid={p.invalid} upload={p.upload} />;
    case 'formula': case 'lookup': case 'rollup': case 'serial':
      return <output id={p.id} className="pf-computed">{p.value === null || p.value === undefined || p.value === '' ? t('computed') : String(p.value)}</output>;
    case 'text':
      return <input {...common} type="text" maxLength={f.max_length} value={text} onChange={(e) => p.onChange(e.target.value || null)} />;
    default:
      return <p className="pf-note">{t('notSupported')}</p>;
  }
}

function PublicSubform(p: PublicWidgetProps) {
  const { t } = useTranslation();
  const rows = Array.isArray(p.value) ? (p.value as Record<string, unknown>[]) : [];
  const cols = (p.field.fields ?? []).filter((c) => !c.hidden);
  return (
    <div className="pf-subform" id={p.id}>
      {rows.map((row, i) => (
        <fieldset key={i} className="pf-row">
          <legend>#{i + 1} <button type="button" className="pf-link" onClick={() => p.onChange(rows.filter((_, j) => j !== i))}>{t('removeRow')}</button></legend>
          {cols.map((c) => (
            <label key={c.key} className="pf-cell">
              <span>{labelText(c.label, p.lang, c.key)}</span>
              <PublicWidget field={c} lang={p.lang} id={`${p.id}-${i}-${c.key}`} invalid={false} value={row[c.key] ?? null}
                path={`${p.path ?? p.field.key}.${c.key}`} upload={p.upload}
                onChange={(v) => p.onChange(rows.map((r, j) => (j === i ? { ...r, [c.key]: v } : r)))} />
            </label>
          ))}
        </fieldset>
      ))}
      {(p.field.max_rows === undefined || rows.length < p.field.max_rows) && (
        <button type="button" className="pf-button pf-secondary" onClick={() => p.onChange([...rows, {}])}>+ {t('addRow')}</button>
      )}
    </div>
  );
}
