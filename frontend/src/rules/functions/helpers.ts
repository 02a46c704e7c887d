// Argument coercion shared by the functions: Excel's treatment of blanks, lists and errors.
import { ErrorValue, isDate, isDateTime, isList, toNumber, toText, VALUE, type Value } from '../values';

export class Bail {
  constructor(readonly error: ErrorValue) {}
}

/** Throws a Bail for an error value so functions read like straight-line code. */
export function num(v: Value): number {
  if (isList(v)) throw new Bail(VALUE);
  const n = toNumber(v);
  if (n instanceof ErrorValue) throw new Bail(n);
  return n;
}

export function text(v: Value): string {
  if (isList(v)) {
    const t = toText(v);
    if (t instanceof ErrorValue) throw new Bail(t);
    return t;
  }
  const t = toText(v);
  if (t instanceof ErrorValue) throw new Bail(t);
  return t;
}

export function int(v: Value): number {
  return Math.trunc(num(v));
}

/** Runs a function body, turning a Bail into its error value. */
export function guard(body: () => Value): Value {
  try {
    return body();
  } catch (e) {
    if (e instanceof Bail) return e.error;
    throw e;
  }
}

/** Numbers of aggregate arguments: direct scalars are coerced, list items count only when numeric. */
export function numbersOf(args: Value[], opts: { countBool?: boolean } = {}): number[] {
  const out: number[] = [];
  const walk = (v: Value, direct: boolean) => {
    if (v instanceof ErrorValue) throw new Bail(v);
    if (isList(v)) {
      for (const item of v) walk(item, false);
      return;
    }
    if (v === null || v === '') return;
    if (typeof v === 'number') { out.push(v); return; }
    if (isDate(v) || isDateTime(v)) { out.push(num(v)); return; }
    if (typeof v === 'boolean') {
      if (direct || opts.countBool) out.push(v ? 1 : 0);
      return;
    }
    if (typeof v === 'string') {
      if (!direct) {
        const n = toNumber(v);
        if (typeof n === 'number' && v.trim() !== '') out.push(n);
        return;
      }
      out.push(num(v));
    }
  };
  for (const a of args) walk(a, true);
  return out;
}

export function flatten(args: Value[]): Value[] {
  const out: Value[] = [];
  const walk = (v: Value) => {
    if (isList(v)) v.forEach(walk);
    else out.push(v);
  };
  args.forEach(walk);
  return out;
}

/** Rounds half away from zero on the decimal representation (so ROUND(2.675, 2) = 2.68). */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const sign = x < 0 ? -1 : 1;
  const shifted = shiftDecimal(Math.abs(x), digits);
  const r = Number.isFinite(shifted) ? Math.floor(shifted + 0.5) : Math.abs(x);
  return sign * shiftDecimal(r, -digits) || 0;
}

export function roundWith(x: number, digits: number, mode: 'up' | 'down'): number {
  const sign = x < 0 ? -1 : 1;
  const shifted = Number(shiftDecimal(Math.abs(x), digits).toPrecision(15));
  const r = mode === 'up' ? Math.ceil(shifted) : Math.floor(shifted);
  return sign * shiftDecimal(r, -digits) || 0;
}

/** x * 10^d computed on the decimal text of x, avoiding binary drift. */
export function shiftDecimal(x: number, d: number): number {
  const [m, e = '0'] = String(x).split('e');
  return Number(`${m}e${Number(e) + d}`);
}

export const chars = (s: string): string[] => Array.from(s);
