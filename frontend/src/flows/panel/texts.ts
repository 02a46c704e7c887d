// Texts of a flow that may be one string or one per language ({"zh": ..., "en": ...}): message
// bodies and subjects, node and flow names. Pure helpers, so the editors never reshape a text
// the user did not touch.
import type { Label } from '../../api/types';

export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];
export type PerLanguage = { zh?: string; en?: string };

export function langOf(uiLanguage: string): Lang {
  return uiLanguage.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function isPerLanguage(value: unknown): value is PerLanguage {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** One language's variant of a text (a plain string is every language's). */
export function variant(value: Label | undefined, lang: Lang): string {
  if (value == null) return '';
  return typeof value === 'string' ? value : value[lang] ?? '';
}

/** The variant changed; languages left empty are dropped (the server then falls back). */
export function withVariant(value: PerLanguage, lang: Lang, text: string): PerLanguage {
  const out: PerLanguage = {};
  for (const l of LANGS) {
    const v = l === lang ? text : value[l];
    if (v) out[l] = v;
  }
  return out;
}

/** Turning "one text for every language" into per-language texts keeps it as `lang`'s. */
export function splitText(value: Label | undefined, lang: Lang): PerLanguage {
  if (isPerLanguage(value)) return value;
  return value ? { [lang]: value } : {};
}

/** Turning per-language texts back into one: `lang`'s, else the other language's. */
export function joinText(value: Label | undefined, lang: Lang): string {
  if (!isPerLanguage(value)) return value ?? '';
  return value[lang] || LANGS.map((l) => value[l]).find(Boolean) || '';
}

/** What to store: per-language texts with at least one variant, else `empty`. */
export function storedText(value: PerLanguage, empty: '' | undefined): Label | undefined {
  return Object.keys(value).length ? value : empty;
}

/** The header's name field edits the current language's variant of a per-language name. */
export function withLabelText(label: Label | undefined, lang: Lang, text: string): Label {
  if (!isPerLanguage(label)) return text;
  const next = withVariant(label, lang, text);
  return Object.keys(next).length ? next : '';
}

export function hasText(label: Label | undefined): boolean {
  return isPerLanguage(label) ? LANGS.some((l) => !!label[l]) : !!label;
}
