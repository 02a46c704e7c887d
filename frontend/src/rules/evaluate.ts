// Tree-walking evaluator over the parsed AST, with Excel error values and bounded work.
import { RuleError } from './errors';
import { FUNCTIONS } from './functions';
import { Bail } from './functions/helpers';
import * as ops from './operators';
import type { Node } from './syntax';
import {
  checkText, ErrorValue, isList, isObject, LimitError, MAX_LIST_LENGTH, parseDateText, toBool, VALUE,
  XDate, type Value,
} from './values';

export const MAX_STEPS = 200_000;
export const MAX_MILLIS = 200;

export type Scope = (name: string) => Value | undefined;

const BINARY: Record<string, (a: Value, b: Value) => Value> = {
  '+': ops.add, '-': ops.sub, '*': ops.mul, '/': ops.div, '%': ops.mod, '^': ops.power, '&': ops.concat,
  '=': ops.eq, '!=': ops.ne, '<': ops.lt, '<=': ops.le, '>': ops.gt, '>=': ops.ge, in: ops.inOp, 'not in': ops.notIn,
};

function member(v: Value, key: string): Value {
  if (isList(v)) {
    const out = v.map((item) => member(item, key));
    return out.some(isList) ? out.flat() : out;
  }
  if (isObject(v)) return v[key] ?? null;
  return null;
}

export class Evaluator {
  private steps = 0;
  private readonly started = Date.now();

  constructor(private readonly src: string, private readonly scope: Scope) {}

  run(node: Node): Value {
    try {
      return this.eval(node);
    } catch (e) {
      if (e instanceof LimitError) throw new RuleError('limit', e.code, 0, this.src, { limit: e.limit });
      if (e instanceof Bail) return e.error;
      throw e;
    }
  }

  private tick(node: Node) {
    if (++this.steps > MAX_STEPS || (this.steps % 1000 === 0 && Date.now() - this.started > MAX_MILLIS)) {
      throw new RuleError('limit', 'timeout', node.pos, this.src, { limit: MAX_MILLIS });
    }
  }

  private eval(node: Node): Value {
    this.tick(node);
    switch (node.t) {
      case 'num':
      case 'str':
      case 'bool':
        return node.v;
      case 'null':
        return null;
      case 'list': {
        const items = node.items.map((n) => this.eval(n));
        if (items.length > MAX_LIST_LENGTH) throw new LimitError('list_too_long', MAX_LIST_LENGTH);
        return items;
      }
      case 'name': {
        let v: Value = this.scope(node.path[0]) ?? null;
        for (const key of node.path.slice(1)) v = member(v, key);
        return v;
      }
      case 'unary': {
        const x = this.eval(node.x);
        if (node.op === '-') return ops.neg(x);
        if (node.op === '+') return ops.pos(x);
        if (node.op === 'percent') return ops.percent(x);
        return ops.not(x);
      }
      case 'binary':
        return this.binary(node);
      case 'call': {
        const fn = FUNCTIONS[node.name];
        if (fn.lazy) return fn.lazy(node.args.map((a) => () => this.eval(a)));
        const args = node.args.map((a) => this.eval(a));
        const v = fn.call!(args);
        if (typeof v === 'string') checkText(v);
        return v;
      }
    }
  }

  private binary(node: Extract<Node, { t: 'binary' }>): Value {
    if (node.op === 'and' || node.op === 'or') {
      const l = toBool(this.eval(node.l));
      if (l instanceof ErrorValue) return l;
      if (node.op === 'and' && !l) return false;
      if (node.op === 'or' && l) return true;
      const r = toBool(this.eval(node.r));
      return r;
    }
    const l = this.eval(node.l);
    const r = this.eval(node.r);
    return BINARY[node.op](l, r);
  }
}

// --- input values ---------------------------------------------------------------------------

export type FieldTypes = Record<string, string>;

/** Converts a JSON value of the record into a rule value, using the field type when known. */
export function fromJson(v: unknown, type?: string): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    if (type === 'date' || type === 'datetime') {
      const d = parseDateText(v.trim());
      if (d) return d;
    }
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => fromJson(x, type === 'subform' ? undefined : type));
  if (v instanceof XDate) return v;
  if (typeof v === 'object') {
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromJson(x);
    return out;
  }
  return VALUE;
}
