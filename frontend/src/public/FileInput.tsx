// File and image questions of the public page: each chosen file is uploaded at once and the
// answer keeps the signed references the server returned (the file is never shown back).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../api/types';
import { PublicError } from './api';

export interface UploadRef { ref: string; name: string; size: number; content_type: string }
export type Uploader = (field: string, file: File) => Promise<UploadRef>;

export interface PublicFileInputProps { field: FieldDef; path: string; value: unknown; onChange: (v: unknown) => void; id: string; invalid: boolean; upload: Uploader }

export function sizeText(bytes: number): string {
  if (bytes >= 1048576) return `${Math.round((bytes / 1048576) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function PublicFileInput(p: PublicFileInputProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const refs = Array.isArray(p.value) ? (p.value as UploadRef[]) : [];
  const image = p.field.type === 'image';
  const most = p.field.max_files ?? 10;
  // The definition keeps a list (`[".pdf", "image/*"]`); the input wants one comma-separated text.
  const rawAccept = p.field.accept as unknown;
  const accept = Array.isArray(rawAccept) ? rawAccept.join(',') : (rawAccept as string | undefined) ?? (image ? 'image/*' : undefined);

  const pick = async (e: React.ChangeEvent<HTMLInputElement>) => {
    const chosen = Array.from(e.target.files ?? []);
    e.target.value = '';
    setProblem(null);
    let next = refs;
    for (const file of chosen) {
      if (next.length >= most) { setProblem(t('tooManyFiles', { max: most })); break; }
      if (p.field.max_size && file.size > p.field.max_size) { setProblem(t('fileTooLarge', { name: file.name, size: sizeText(p.field.max_size) })); continue; }
      setBusy((n) => n + 1);
      try {
        next = [...next, await p.upload(p.path, file)];
        p.onChange(next);
      } catch (err) {
        const server = err instanceof PublicError ? (err.fields.file?.[0] ?? err.fields.field?.[0] ?? err.message) : '';
        setProblem(`${file.name}: ${err instanceof PublicError && err.status === 429 ? t('rateLimitedShort') : server || t('uploadFailed')}`);
      } finally {
        setBusy((n) => n - 1);
      }
    }
  };

  return (
    <div className="pf-files" id={p.id} aria-invalid={p.invalid || undefined}>
      {refs.length > 0 && (
        <ul className="pf-file-list">
          {refs.map((r, i) => (
            <li key={r.ref}>
              <span className="pf-file-name">{r.name}</span>
              <span className="pf-note">{sizeText(r.size)}</span>
              <button type="button" className="pf-link" onClick={() => p.onChange(refs.length > 1 ? refs.filter((_, j) => j !== i) : null)}>{t('removeFile')}</button>
            </li>
          ))}
        </ul>
      )}
      {refs.length < most && (
        <label className={`pf-button pf-secondary pf-file-pick${busy ? ' pf-busy' : ''}`}>
          {busy ? t('uploading') : t(image ? 'addPhoto' : 'addFile')}
          <input type="file" accept={accept} multiple={most - refs.length > 1} disabled={busy > 0} onChange={(e) => { void pick(e); }} data-testid={`pf-file-${p.path}`} />
        </label>
      )}
      {problem && <div className="pf-error" role="alert">{problem}</div>}
    </div>
  );
}
