// The rule language in the browser: parse once, evaluate live while a user fills a form.
import { RuleError } from './errors';
import { Evaluator, fromJson, type Schema } from './evaluate';
import { parse } from './syntax';
import { ErrorValue, setCurrentEnv, toBool, toPlain, type EvalEnv, type Plain, type Value } from './values';

export { RuleError } from './errors';
export { CATALOG, FUNCTIONS } from './functions';
export { parse } from './syntax';
export { ErrorValue, toPlain } from './values';
export type { Plain, Value } from './values';
export type { FieldSpec, Schema } from './evaluate';

export interface EvaluateOptions {
  env?: Partial<EvalEnv>;
  /** Field types, so stored date text is read as dates (as the server does). */
  schema?: Schema | null;
  /** A subform row: its columns are read before the record's fields. */
  row?: Record<string, unknown> | null;
  rowSchema?: Schema | null;
}

function has(obj: Record<string, unknown>, key: string) {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** Evaluates an expression against record data; throws RuleError for syntax or limit errors. */
export function evaluateValue(expression: string, data: Record<string, unknown>, options: EvaluateOptions = {}): Value {
  const tree = parse(expression);
  const env: EvalEnv = { tz: 'UTC', ...options.env } as EvalEnv;
  const row = options.row ?? null;
  const schema: Schema | null = options.schema || options.rowSchema ? { ...(options.schema ?? {}), ...(row ? options.rowSchema ?? {} : {}) } : null;
  const lookup = (name: string): Value | undefined => {
    if (row && has(row, name)) return fromJson(row[name]);
    return has(data, name) ? fromJson(data[name]) : undefined;
  };
  const previous = setCurrentEnv(env);
  try {
    return new Evaluator(expression, lookup, schema).run(tree);
  } finally {
    setCurrentEnv(previous);
  }
}

export type EvalResult =
  | { ok: true; value: Plain; isError: false }
  | { ok: true; value: string; isError: true }
  | { ok: false; error: RuleError };

/** Evaluates to a JSON-plain value; never throws for a bad expression. */
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

/** Filter semantics: TRUE (or a non-zero number) matches; FALSE, blank, text and errors do not. */
export function evaluateCondition(expression: string | undefined, data: Record<string, unknown>, options: EvaluateOptions = {}): boolean {
  if (!expression || !expression.trim()) return false;
  try {
    return toBool(evaluateValue(expression, data, options)) === true;
  } catch (e) {
    if (e instanceof RuleError) return false;
    throw e;
  }
}
