// Tree-walking evaluator with Excel error values, argument coercion by parameter kind and a time
// budget (mirrors app/rule_engine/evaluate.py).
import { RuleError } from './errors';
import { FUNCTIONS, type Kind } from './functions';
import { Bail } from './functions/helpers';
import * as ops from './operators';
import type { Node } from './syntax';
import {
  ErrorValue, isObject, LimitError, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, NUM, parseDateText, toBool, toDate, toDay,
  toNumber, toText, VALUE, type Value,
} from './values';

export const TIME_BUDGET_MS = 500;

/** Field key -> type or {type, result, fields} (as the server's evaluation schema). */
export type FieldSpec = string | { type: string; result?: string; fields?: Record<string, FieldSpec> };
export type Schema = Record<string, FieldSpec>;

const BINARY: Record<string, (a: Value, b: Value) => Value> = {
  '+': ops.add, '-': ops.sub, '*': ops.mul, '/': ops.div, '%': ops.mod, '^': ops.power, '&': ops.concat,
  '=': ops.eq, '!=': ops.ne, '<': ops.lt, '<=': ops.le, '>': ops.gt, '>=': ops.ge, in: ops.inOp, 'not in': ops.notIn,
};

const asList = (v: Value): Value => (Array.isArray(v) ? v : v === null ? [] : [v]);

const COERCE: Record<Kind, ((v: Value) => Value) | null> = {
  number: (v) => toNumber(v), text: (v) => toText(v), date: (v) => toDate(v), day: (v) => toDay(v),
  boolean: (v) => toBool(v), any: null, values: null, list: asList, criteria: null,
};

function fieldType(spec: FieldSpec | undefined): string | undefined {
  if (!spec) return undefined;
  if (typeof spec === 'string') return spec;
  if (['lookup', 'rollup', 'formula'].includes(spec.type)) return spec.result;
  return spec.type;
}

/** Stored ISO text of date and date-time fields becomes a date; the rest is read as stored. */
function typed(value: Value, spec: FieldSpec | undefined): Value {
  const t = fieldType(spec);
  if (typeof value === 'string' && value && (t === 'date' || t === 'datetime')) return parseDateText(value) ?? value;
  if (Array.isArray(value) && (t === 'date' || t === 'datetime')) return value.map((v) => typed(v, spec));
  return value;
}

function step(value: Value, part: string): Value {
  if (Array.isArray(value)) return value.map((item) => (isObject(item) ? item[part] ?? null : null));
  if (isObject(value)) return value[part] ?? null;
  return null;
}

export class Evaluator {
  private readonly deadline = Date.now() + TIME_BUDGET_MS;

  constructor(
    private readonly src: string,
    private readonly lookup: (name: string) => Value | undefined,
    private readonly schema: Schema | null,
  ) {}

  run(node: Node): Value {
    try {
      return this.eval(node);
    } catch (e) {
      if (e instanceof LimitError) throw new RuleError('limit', e.code, 0, this.src, { limit: e.limit });
      throw e;
    }
  }

  private eval(node: Node): Value {
    switch (node.t) {
      case 'const':
        return node.v;
      case 'list':
        return node.items.map((n) => this.eval(n));
      case 'name':
        return this.reference(node.path);
      case 'unary': {
        const x = this.eval(node.x);
        switch (node.op) {
          case '-': return ops.neg(x);
          case '+': return ops.pos(x);
          case 'percent': return ops.percent(x);
          default: return ops.not(x);
        }
      }
      case 'binary':
        return BINARY[node.op](this.eval(node.l), this.eval(node.r));
      case 'bool': {
        const stopAt = node.op === 'or';
        for (const n of node.values) {
          const v = toBool(this.eval(n));
          if (v instanceof ErrorValue) return v;
          if (v === stopAt) return stopAt;
        }
        return !stopAt;
      }
      case 'call':
        return this.call(node);
    }
  }

  private reference(path: string[]): Value {
    let value: Value = this.lookup(path[0]) ?? null;
    if (this.schema === null) {
      for (const part of path.slice(1)) value = step(value, part);
      return value;
    }
    let spec: FieldSpec | undefined = this.schema[path[0]];
    for (const part of path.slice(1)) {
      value = step(value, part);
      const fields: Record<string, FieldSpec> | undefined = typeof spec === 'object' ? spec.fields : undefined;
      spec = fields ? fields[part] : undefined;
    }
    return spec ? typed(value, spec) : value;
  }

  private call(node: Extract<Node, { t: 'call' }>): Value {
    const fn = FUNCTIONS[node.name];
    if (Date.now() > this.deadline) throw new RuleError('limit', 'timeout', node.pos, this.src, { limit: TIME_BUDGET_MS });
    if (fn.lazy) return fn.lazy(node.args.map((a) => () => this.eval(a)));
    const args = node.args.map((a) => this.eval(a));
    for (let i = 0; i < args.length; i++) {
      const kind = fn.kindOf(i);
      const coerce = kind ? COERCE[kind] : null;
      if (coerce) args[i] = coerce(args[i]);
      if (args[i] instanceof ErrorValue && !fn.acceptsErrors) return args[i];
    }
    let result: Value;
    try {
      result = fn.call!(...args);
    } catch (e) {
      if (e instanceof Bail) return e.error;
      if (e instanceof RangeError) return NUM;
      if (e instanceof TypeError) return VALUE;
      throw e;
    }
    if (typeof result === 'number' && !Number.isFinite(result)) return NUM;
    if (typeof result === 'string' && result.length > MAX_TEXT_LENGTH) throw new RuleError('limit', 'text_too_long', node.pos, this.src, { limit: MAX_TEXT_LENGTH });
    if (Array.isArray(result) && result.length > MAX_LIST_LENGTH) throw new RuleError('limit', 'list_too_long', node.pos, this.src, { limit: MAX_LIST_LENGTH });
    return result;
  }
}

/** Converts a JSON value of the record into a rule value (objects and lists as they are). */
export function fromJson(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === 'object') {
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJson(x);
    return out;
  }
  return VALUE;
}
