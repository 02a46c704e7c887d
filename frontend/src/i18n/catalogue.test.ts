// Every literal t('section.key') used in the code exists in both catalogues of the default namespace.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts') && !name.endsWith('.test.tsx') ? [p] : [];
  });
}

function lookup(cat: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), cat);
}

describe('i18n catalogues', () => {
  const src = resolve(import.meta.dirname, '..');
  const used = new Set<string>();
  for (const f of files(src)) {
    const text = readFileSync(f, 'utf8');
    if (/useTranslation\(\s*['"[]/.test(text)) continue; // files of a feature namespace check their own catalogue
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z]+\.[a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
  }

  it('has every used key in English and Chinese', () => {
    const missing = [...used].filter((k) => typeof lookup(en, k) !== 'string' || typeof lookup(zhCN, k) !== 'string');
    expect(missing).toEqual([]);
  });
});
