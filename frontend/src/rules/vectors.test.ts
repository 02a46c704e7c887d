// Runs the shared rule vectors (tests/rule_vectors/*.json) and our own against the TS evaluator.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleError } from './errors';
import { evaluateValue, type Schema } from './index';
import { ErrorValue, toPlain, type Plain } from './values';

interface Vector {
  expression: string;
  data?: Record<string, unknown>;
  expected?: unknown;
  error?: string;
  schema?: unknown;
  now?: string;
  tz?: string;
  current_user?: string;
  record_id?: string;
  tags?: string[];
  row?: Record<string, unknown>;
  name?: string;
  note?: string;
  skip_ts?: boolean;
}

const SHARED = resolve(import.meta.dirname, '../../../tests/rule_vectors');
const LOCAL = resolve(import.meta.dirname, 'vectors');

function load(dir: string): [string, Vector[]][] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Vector[] | { vectors: Vector[] };
      return [f, Array.isArray(raw) ? raw : raw.vectors] as [string, Vector[]];
    });
}

/** Accepts {"key": "type"}, {"key": {"type": ...}} or {"fields": [field definitions]}. */
function toSchema(raw: unknown): Schema | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const fields = (raw as { fields?: unknown }).fields;
  if (Array.isArray(fields)) {
    const out: Schema = {};
    for (const f of fields as { key: string; type: string; fields?: unknown }[]) {
      out[f.key] = f.type === 'subform' ? { type: 'subform', fields: toSchema({ fields: f.fields }) } : f.type;
    }
    return out;
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (v && typeof v === 'object') {
      const spec = v as { type: string; fields?: unknown };
      out[k] = spec.type === 'subform' ? { type: 'subform', fields: toSchema(spec.fields) } : spec.type;
    }
  }
  return out;
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

function run(v: Vector): { value?: Plain; errorValue?: string; ruleError?: RuleError } {
  try {
    const value = evaluateValue(v.expression, v.data ?? {}, {
      schema: toSchema(v.schema),
      row: v.row,
      env: {
        tz: v.tz ?? 'UTC',
        now: v.now ? Date.parse(v.now) : Date.parse('2025-03-01T09:00:00Z'),
        currentUser: v.current_user ?? null,
        recordId: v.record_id ?? null,
        tags: v.tags ?? null,
      },
    });
    if (value instanceof ErrorValue) return { errorValue: value.code };
    return { value: toPlain(value) };
  } catch (e) {
    if (e instanceof RuleError) return { ruleError: e };
    throw e;
  }
}

const files = [...load(LOCAL).map(([f, vs]) => [`local/${f}`, vs] as [string, Vector[]]), ...load(SHARED)];

describe('rule vectors', () => {
  it('found vector files', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const [file, vectors] of files) {
    describe(file, () => {
      vectors.forEach((v, i) => {
        const title = `#${i} ${v.name ?? v.expression}`.slice(0, 120);
        (v.skip_ts ? it.skip : it)(title, () => {
          const got = run(v);
          const where = `${file}#${i}: ${v.expression} -> ${JSON.stringify(got.value ?? got.errorValue ?? got.ruleError?.code)}`;
          if (v.error !== undefined) {
            if (v.error.startsWith('#')) {
              expect(got.errorValue ?? got.value, where).toBe(v.error);
            } else {
              expect(got.ruleError, where).toBeDefined();
              expect([got.ruleError!.kind, got.ruleError!.code], where).toContain(v.error);
            }
            return;
          }
          if (got.ruleError) throw new Error(`${where}: ${got.ruleError.message}`);
          const actual = got.errorValue ?? got.value;
          expect(close(actual, v.expected), `${where}; expected ${JSON.stringify(v.expected)}`).toBe(true);
        });
      });
    });
  }
});
