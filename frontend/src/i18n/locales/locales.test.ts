import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureNamespaces } from './index';

function keys(value: unknown, prefix = ''): string[] {
  if (!value || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k)).sort();
}

describe('feature catalogues', () => {
  for (const ns of Object.keys(featureNamespaces.en) as (keyof typeof featureNamespaces.en)[]) {
    it(`${ns}: zh-CN has exactly the English keys`, () => {
      expect(keys(featureNamespaces['zh-CN'][ns])).toEqual(keys(featureNamespaces.en[ns]));
    });
  }
});

describe('feature keys in use', () => {
  const src = resolve(import.meta.dirname, '../..');
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
  const lookup = (cat: unknown, key: string) =>
    key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), cat);
  for (const ns of ['flows', 'dashboards', 'inbox'] as const) {
    it(`${ns}: every literal key exists`, () => {
      const used = new Set<string>();
      for (const f of files(join(src, ns))) {
        const text = readFileSync(f, 'utf8');
        if (!text.includes(`useTranslation('${ns}')`)) continue;
        for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(m[1]);
      }
      expect([...used].filter((k) => typeof lookup(featureNamespaces.en[ns], k) !== 'string')).toEqual([]);
    });
  }
});
