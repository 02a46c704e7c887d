// Math functions with Excel semantics (rounding half away from zero, blanks as 0).
import { DIV0, ErrorValue, isDateLike, isList, NUM, VALUE, type Value } from '../values';
import { pyMod } from '../operators';
import { makeCriteria } from './criteria';
import { Bail, flatten, guard, int, num, numbersOf, roundHalfAway, roundWith, shiftDecimal } from './helpers';
import { register } from './registry';

const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

register('SUM', { min: 1, max: null, result: 'number', category: 'math', signature: 'SUM(number1, [number2], ...)',
  call: (args) => guard(() => sum(numbersOf(args))) });

register('AVERAGE', { min: 1, max: null, result: 'number', category: 'math', signature: 'AVERAGE(number1, [number2], ...)',
  call: (args) => guard(() => { const ns = numbersOf(args); return ns.length ? sum(ns) / ns.length : DIV0; }) });

register('MIN', { min: 1, max: null, result: 'number', category: 'math', signature: 'MIN(number1, [number2], ...)',
  call: (args) => guard(() => { const ns = numbersOf(args); return ns.length ? Math.min(...ns) : 0; }) });

register('MAX', { min: 1, max: null, result: 'number', category: 'math', signature: 'MAX(number1, [number2], ...)',
  call: (args) => guard(() => { const ns = numbersOf(args); return ns.length ? Math.max(...ns) : 0; }) });

register('COUNT', { min: 1, max: null, result: 'number', category: 'math', signature: 'COUNT(value1, [value2], ...)',
  call: (args) => flatten(args).filter((v) => typeof v === 'number' || isDateLike(v)).length });

register('COUNTA', { min: 1, max: null, result: 'number', category: 'math', signature: 'COUNTA(value1, [value2], ...)',
  call: (args) => flatten(args).filter((v) => v !== null && v !== '').length });

function rangeOf(v: Value): Value[] {
  return isList(v) ? flatten([v]) : [v];
}

register('COUNTIF', { min: 2, max: 2, result: 'number', category: 'math', signature: 'COUNTIF(range, criteria)',
  call: ([range, criteria]) => { const test = makeCriteria(criteria); return rangeOf(range).filter((v) => test(v)).length; } });

function conditional(args: Value[]): number[] | ErrorValue {
  const [range, criteria, sumRange] = args;
  const test = makeCriteria(criteria);
  const keys = rangeOf(range);
  const values = sumRange === undefined ? keys : rangeOf(sumRange);
  const out: number[] = [];
  keys.forEach((k, i) => {
    if (!test(k)) return;
    const v = values[i];
    if (v instanceof ErrorValue) throw new Bail(v);
    if (typeof v === 'number') out.push(v);
  });
  return out;
}

register('SUMIF', { min: 2, max: 3, result: 'number', category: 'math', signature: 'SUMIF(range, criteria, [sum_range])',
  call: (args) => guard(() => { const ns = conditional(args); return ns instanceof ErrorValue ? ns : sum(ns); }) });

register('AVERAGEIF', { min: 2, max: 3, result: 'number', category: 'math', signature: 'AVERAGEIF(range, criteria, [average_range])',
  call: (args) => guard(() => { const ns = conditional(args); return ns instanceof ErrorValue ? ns : ns.length ? sum(ns) / ns.length : DIV0; }) });

register('ROUND', { min: 1, max: 2, result: 'number', category: 'math', signature: 'ROUND(number, [digits])',
  call: ([x, d]) => guard(() => roundHalfAway(num(x), d === undefined ? 0 : int(d))) });

register('ROUNDUP', { min: 1, max: 2, result: 'number', category: 'math', signature: 'ROUNDUP(number, [digits])',
  call: ([x, d]) => guard(() => roundWith(num(x), d === undefined ? 0 : int(d), 'up')) });

register('ROUNDDOWN', { min: 1, max: 2, result: 'number', category: 'math', signature: 'ROUNDDOWN(number, [digits])',
  call: ([x, d]) => guard(() => roundWith(num(x), d === undefined ? 0 : int(d), 'down')) });

register('INT', { min: 1, max: 1, result: 'number', category: 'math', signature: 'INT(number)',
  call: ([x]) => guard(() => Math.floor(num(x)) || 0) });

register('ABS', { min: 1, max: 1, result: 'number', category: 'math', signature: 'ABS(number)',
  call: ([x]) => guard(() => Math.abs(num(x))) });

register('MOD', { min: 2, max: 2, result: 'number', category: 'math', signature: 'MOD(number, divisor)',
  call: ([x, y]) => guard(() => { const d = num(y); return d === 0 ? DIV0 : pyMod(num(x), d); }) });

register('POWER', { min: 2, max: 2, result: 'number', category: 'math', signature: 'POWER(number, power)',
  call: ([x, y]) => guard(() => {
    const a = num(x), b = num(y);
    if (a === 0 && b < 0) return DIV0;
    if (a === 0 && b === 0) return NUM;
    const r = Math.pow(a, b);
    return Number.isFinite(r) ? r : NUM;
  }) });

register('SQRT', { min: 1, max: 1, result: 'number', category: 'math', signature: 'SQRT(number)',
  call: ([x]) => guard(() => { const n = num(x); return n < 0 ? NUM : Math.sqrt(n); }) });

function toMultiple(x: number, sig: number, mode: 'ceil' | 'floor'): number | ErrorValue {
  if (sig === 0) return mode === 'ceil' ? 0 : DIV0;
  if (x > 0 && sig < 0) return NUM;
  const q = Number((x / sig).toPrecision(15));
  const r = (mode === 'ceil' ? Math.ceil(q) : Math.floor(q)) * sig;
  return Number(r.toPrecision(15)) || 0;
}

register('CEILING', { min: 1, max: 2, result: 'number', category: 'math', signature: 'CEILING(number, [significance])',
  call: ([x, s]) => guard(() => toMultiple(num(x), s === undefined ? 1 : num(s), 'ceil')) });

register('FLOOR', { min: 1, max: 2, result: 'number', category: 'math', signature: 'FLOOR(number, [significance])',
  call: ([x, s]) => guard(() => toMultiple(num(x), s === undefined ? 1 : num(s), 'floor')) });

export function fixed(n: number, decimals: number, noCommas: boolean): string {
  const r = roundHalfAway(n, decimals);
  const d = Math.max(0, decimals);
  let body = Math.abs(r).toFixed(d);
  if (decimals < 0) body = String(Math.abs(shiftDecimal(Math.round(shiftDecimal(Math.abs(r), decimals)), -decimals)));
  if (!noCommas) {
    const [whole, frac] = body.split('.');
    body = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
  }
  return (r < 0 ? '-' : '') + body;
}

register('FIXED', { min: 1, max: 3, result: 'text', category: 'math', signature: 'FIXED(number, [decimals], [no_commas])',
  call: ([x, d, nc]) => guard(() => {
    const decimals = d === undefined || d === null ? 2 : int(d);
    if (decimals > 127) return VALUE;
    return fixed(num(x), decimals, nc === undefined ? false : Boolean(num(nc)));
  }) });
