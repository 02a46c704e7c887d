// The rule language in the browser: parse once, evaluate live while a user fills a form.
import { RuleError } from './errors';
import { Evaluator, fromJson } from './evaluate';
import { parse, type Node } from './syntax';
import { ErrorValue, setCurrentEnv, toBool, toPlain, type EvalEnv, type Plain, type Value } from './values';

export { RuleError } from './errors';
export { FUNCTIONS } from './functions';
export { parse } from './syntax';
export { ErrorValue, toPlain } from './values';
export type { Plain, Value } from './values';

/** Field key -> field type (or {type, fields} for subforms), used to read dates as dates. */
export type Schema = Record<string, string | { type: string; fields?: Schema }>;

export interface EvaluateOptions {
  env?: Partial<EvalEnv>;
  schema?: Schema;
  /** A subform row: its columns are read before the record's fields. */
  row?: Record<string, unknown> | null;
  rowSchema?: Schema;
}

function typeOf(schema: Schema | undefined, key: string): string | undefined {
  const s = schema?.[key];
  return typeof s === 'string' ? s : s?.type;
}

function readField(data: Record<string, unknown>, key: string, schema?: Schema): Value | undefined {
  if (!Object.prototype.hasOwnProperty.call(data, key)) return undefined;
  const raw = data[key];
  const spec = schema?.[key];
  if (spec && typeof spec === 'object' && spec.type === 'subform' && Array.isArray(raw)) {
    return raw.map((row) => {
      if (!row || typeof row !== 'object') return fromJson(row);
      const out: Record<string, Value> = {};
      for (const [k, x] of Object.entries(row as Record<string, unknown>)) out[k] = fromJson(x, typeOf(spec.fields, k));
      return out;
    });
  }
  return fromJson(raw, typeOf(schema, key));
}

/** Evaluates an expression against record data; throws RuleError for syntax or limit errors. */
export function evaluateValue(expression: string, data: Record<string, unknown>, options: EvaluateOptions = {}): Value {
  const node: Node = parse(expression);
  const env: EvalEnv = { tz: 'UTC', ...options.env } as EvalEnv;
  const previous = setCurrentEnv(env);
  try {
    const scope = (name: string): Value | undefined => {
      if (options.row) {
        const v = readField(options.row, name, options.rowSchema);
        if (v !== undefined) return v;
      }
      return readField(data, name, options.schema);
    };
    return new Evaluator(expression, scope).run(node);
  } finally {
    setCurrentEnv(previous);
  }
}

export type EvalResult =
  | { ok: true; value: Plain; isError: false }
  | { ok: true; value: string; isError: true }
  | { ok: false; error: RuleError };

/** Evaluates to a JSON-plain value; never throws. */
export function evaluate(expression: string, data: Record<string, unknown>, options: EvaluateOptions = {}): EvalResult {
  try {
    const v = evaluateValue(expression, data, options);
    if (v instanceof ErrorValue) return { ok: true, value: v.code, isError: true };
    return { ok: true, value: toPlain(v), isError: false };
  } catch (e) {
    if (e instanceof RuleError) return { ok: false, error: e };
    throw e;
  }
}

/** TRUE/FALSE of a condition (visible_when, required_when); errors and blanks count as false. */
export function evaluateCondition(expression: string | undefined, data: Record<string, unknown>, options: EvaluateOptions = {}): boolean {
  if (!expression || !expression.trim()) return false;
  try {
    const v = evaluateValue(expression, data, options);
    return toBool(v) === true;
  } catch (e) {
    if (e instanceof RuleError) return false;
    throw e;
  }
}
