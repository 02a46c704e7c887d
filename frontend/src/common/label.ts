// Labels are a string or {zh, en}: pick the one for the current language.
import type { Label } from '../api/types';

export function labelText(label: Label | undefined | null, lang: string, fallback = ''): string {
  if (label == null) return fallback;
  if (typeof label === 'string') return label;
  const zh = lang.toLowerCase().startsWith('zh');
  return (zh ? label.zh || label.en : label.en || label.zh) || fallback;
}
