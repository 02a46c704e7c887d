// Math and aggregate functions: Excel rounding (half away from zero) and criteria strings (mirrors math.py).
import {
  compare, DIV0, ErrorValue, fold, isBlank, isDateLike, NUM, parseDateText, serialOf, textToNumber, toNumber, VALUE,
  type Value,
} from '../values';
import * as ops from '../operators';
import { DECIMAL_LIMIT, decimalRound, flatten, globMatch, groupThousands, pyInt, toFixedExact } from './helpers';
import { register } from './registry';

function numbers(values: Value[], skipDirectBlanks = false): number[] | ErrorValue {
  const out: number[] = [];
  for (const [v, inList] of flatten(values)) {
    if (v instanceof ErrorValue) return v;
    if (inList) {
      if (typeof v === 'number') out.push(v);
      else if (isDateLike(v)) out.push(serialOf(v));
      continue;
    }
    if (skipDirectBlanks && (v === null || v === '')) continue;
    const n = toNumber(v);
    if (n instanceof ErrorValue) return n;
    out.push(n);
  }
  return out;
}

/** Sum with compensation, like Python's math.fsum for floats. */
function fsum(ns: number[]): number {
  let sum = 0, c = 0;
  for (const x of ns) {
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  return sum + c;
}

register('SUM', (...values) => { const ns = numbers(values); return ns instanceof ErrorValue ? ns : fsum(ns); });
register('AVERAGE', (...values) => {
  const ns = numbers(values, true);
  if (ns instanceof ErrorValue) return ns;
  return ns.length ? fsum(ns) / ns.length : DIV0;
});
register('MIN', (...values) => { const ns = numbers(values, true); return ns instanceof ErrorValue ? ns : ns.length ? Math.min(...ns) : 0; });
register('MAX', (...values) => { const ns = numbers(values, true); return ns instanceof ErrorValue ? ns : ns.length ? Math.max(...ns) : 0; });

register('COUNT', (...values) => {
  let count = 0;
  for (const [v, inList] of flatten(values)) {
    if (typeof v === 'number' || isDateLike(v)) count++;
    else if (!inList && typeof v === 'string' && v && !(textToNumber(v) instanceof ErrorValue)) count++;
    else if (!inList && typeof v === 'boolean') count++;
  }
  return count;
});

register('COUNTA', (...values) => {
  let count = 0;
  for (const [v] of flatten(values)) if (!isBlank(v)) count++;
  return count;
});

const ORDER: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '>': (c) => c > 0, '>=': (c) => c >= 0, '<': (c) => c < 0, '<=': (c) => c <= 0,
};

/** A test for one cell from an Excel criteria value: 10, ">=10", "<>done", "a*", "". */
export function criteriaPredicate(criteria: Value): (v: Value) => boolean {
  if (typeof criteria !== 'string') {
    const target = criteria;
    return (v) => !isBlank(v) && compare(v, target) === 0;
  }
  const m = /^(>=|<=|<>|=|>|<)?([\s\S]*)$/.exec(criteria)!;
  const op = m[1];
  const rest = m[2];
  if (rest === '' && (op === undefined || op === '=')) return isBlank;
  if (rest === '' && op === '<>') return (v) => !isBlank(v);
  const number = rest.trim() ? textToNumber(rest) : VALUE;
  const date = parseDateText(rest.trim());
  let target: Value;
  if (date) target = date;
  else if (!(number instanceof ErrorValue)) target = number;
  else if (['TRUE', 'FALSE'].includes(rest.trim().toUpperCase())) target = rest.trim().toUpperCase() === 'TRUE';
  else target = rest;

  if (typeof target === 'string') {
    const text = target;
    if (op === undefined || op === '=' || op === '<>') {
      const pattern = fold(text);
      const positive = op !== '<>';
      return (v) => {
        const hit = typeof v === 'string' && globMatch(pattern, fold(v));
        return positive ? hit : !hit;
      };
    }
    return (v) => {
      if (typeof v !== 'string' || v === '') return false;
      const c = compare(v, text);
      return typeof c === 'number' && ORDER[op](c);
    };
  }
  const typedTarget = target;
  return (cell) => {
    let v = cell;
    if (isBlank(v)) return op === '<>';
    if (typeof v === 'string' && isDateLike(typedTarget)) v = parseDateText(v.trim()) ?? v; // ISO text in lists read without a schema
    if (typeof v === 'string' && !(op === undefined || op === '=' || op === '<>')) return false;
    let c = compare(v, typedTarget);
    if (c instanceof ErrorValue) return false;
    if (typeof v === 'string' && typeof typedTarget !== 'string') {
      const parsed = textToNumber(v);
      if (parsed instanceof ErrorValue) return op === '<>';
      const tn = typedTarget as number;
      c = (parsed > tn ? 1 : 0) - (parsed < tn ? 1 : 0);
    }
    return ORDER[op ?? '='](c);
  };
}

const cells = (v: Value): Value[] => (Array.isArray(v) ? v : [v]);

register('COUNTIF', (list, criteria) => {
  const pred = criteriaPredicate(criteria);
  return cells(list).filter((v) => !(v instanceof ErrorValue) && pred(v)).length;
});

function picked(list: Value, criteria: Value, other: Value | undefined): number[] | ErrorValue {
  const pred = criteriaPredicate(criteria);
  const keys = cells(list);
  const targets = other === undefined || other === null ? keys : cells(other);
  const out: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const v = keys[i];
    if (v instanceof ErrorValue || !pred(v) || i >= targets.length) continue;
    const x = targets[i];
    if (x instanceof ErrorValue) return x;
    if (typeof x === 'number') out.push(x);
  }
  return out;
}

register('SUMIF', (list, criteria, sumList) => {
  const ns = picked(list, criteria, sumList);
  return ns instanceof ErrorValue ? ns : ns.reduce((a, b) => a + b, 0);
});

register('AVERAGEIF', (list, criteria, avgList) => {
  const ns = picked(list, criteria, avgList);
  if (ns instanceof ErrorValue) return ns;
  return ns.length ? fsum(ns) / ns.length : DIV0;
});

function roundFn(mode: 'half_up' | 'up' | 'down') {
  return (x: Value, d: Value = 0) => decimalRound(x as number, pyInt(d ?? 0), mode);
}
register('ROUND', roundFn('half_up'));
register('ROUNDUP', roundFn('up'));
register('ROUNDDOWN', roundFn('down'));

register('INT', (x) => { const n = x as number; if (!Number.isFinite(n)) return Number.isNaN(n) ? VALUE : NUM; return Math.floor(n) || 0; });
register('ABS', (x) => Math.abs(x as number));
register('MOD', (x, y) => ops.mod(x, y));
register('POWER', (x, y) => ops.power(x, y));
register('SQRT', (x) => ((x as number) < 0 ? NUM : Math.sqrt(x as number)));

function toMultiple(number: number, significance: number, up: boolean): Value {
  if (significance === 0) return up ? 0 : DIV0;
  if (number > 0 && significance < 0) return NUM;
  if (Math.abs(number / significance) >= DECIMAL_LIMIT) return NUM; // beyond Decimal's 28 digits, as the server
  const q = Number((number / significance).toPrecision(15));
  const r = (up ? Math.ceil(q) : Math.floor(q)) * significance;
  return Number(r.toPrecision(15)) || 0;
}
register('CEILING', (x, s = 1) => toMultiple(x as number, (s ?? 1) as number, true));
register('FLOOR', (x, s = 1) => toMultiple(x as number, (s ?? 1) as number, false));

register('FIXED', (x, d = 2, noCommas = false) => {
  const decimals = pyInt(d ?? 2);
  if (decimals > 127) return VALUE;
  const rounded = decimalRound(x as number, decimals, 'half_up');
  const places = Math.max(decimals, 0);
  if (Math.abs(rounded) * 10 ** places >= DECIMAL_LIMIT) return NUM;
  const body = toFixedExact(Math.abs(rounded), places);
  const sign = rounded < 0 ? '-' : '';
  return sign + (noCommas ? body : groupThousands(body));
});
