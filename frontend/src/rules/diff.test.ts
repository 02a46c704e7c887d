// Differential check against the Python engine (see scripts/rule_diff.py); included only when RULE_DIFF_FILE is set.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RuleError } from './errors';
import { evaluateValue, type Schema } from './index';
import { ErrorValue, toPlain } from './values';

interface DiffVector { expression: string; expected?: unknown; error?: string; code?: string; data: Record<string, unknown>; schema: Schema; tz: string; now: string }

const file = process.env.RULE_DIFF_FILE;

describe('rule engines agree', () => {
  it('on every generated expression', () => {
    const vectors = JSON.parse(readFileSync(file!, 'utf8')) as DiffVector[];
    const same = (a: unknown, b: unknown) =>
      typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) : JSON.stringify(a) === JSON.stringify(b);
    const mismatches: string[] = [];
    for (const v of vectors) {
      let got: string;
      let ok: boolean;
      try {
        const r = evaluateValue(v.expression, v.data, { schema: v.schema, env: { tz: v.tz, now: Date.parse(v.now) } });
        if (r instanceof ErrorValue) { got = r.code; ok = v.error === r.code; } else {
          const plain = toPlain(r);
          got = JSON.stringify(plain);
          ok = v.error === undefined && same(plain, v.expected);
        }
      } catch (e) {
        if (!(e instanceof RuleError)) throw e;
        got = `${e.kind}/${e.code}`;
        ok = v.error === e.kind || v.code === e.code;
      }
      if (!ok) mismatches.push(`${v.expression}  python=${JSON.stringify(v.expected ?? v.error)}  ts=${got}`);
    }
    expect(mismatches.slice(0, 50)).toEqual([]);
  });
});
