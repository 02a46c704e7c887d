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
