// Operators with Excel semantics: blanks as 0 or "", errors propagate, dates as dates (mirrors operators.py).
import {
  checkText, compare, dateFromSerial, DIV0, equals, ErrorValue, fold, isDateLike, localMidnight,
  NUM, parseDateText, serialOf, toBool, toNumber, toText, XDate, XDateTime, type Value,
} from './values';

const MS_PER_DAY = 86_400_000;

function finite(n: number): number | ErrorValue {
  return Number.isFinite(n) ? n : NUM;
}

function nums(a: Value, b: Value): [number, number] | ErrorValue {
  const x = toNumber(a);
  if (x instanceof ErrorValue) return x;
  const y = toNumber(b);
  if (y instanceof ErrorValue) return y;
  return [x, y];
}

function shiftDate(d: XDate | XDateTime, n: Value, sign: number): Value {
  const k = toNumber(n);
  if (k instanceof ErrorValue) return k;
  if (d instanceof XDate) {
    if (Number.isInteger(k)) {
      const day = d.epochDay + sign * k;
      if (day < -719162 || day > 2932896) return NUM;
      return XDate.fromEpochDay(day);
    }
    return dateFromSerial(serialOf(d) + sign * k);
  }
  const ms = d.ms + sign * k * MS_PER_DAY;
  if (Math.abs(ms) > 253402300799999) return NUM;
  return new XDateTime(ms);
}

export function add(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return finite(a + b);
  if (isDateLike(a) && !isDateLike(b)) return shiftDate(a, b, 1);
  if (isDateLike(b) && !isDateLike(a)) return shiftDate(b, a, 1);
  const xy = nums(a, b);
  return xy instanceof ErrorValue ? xy : finite(xy[0] + xy[1]);
}

export function sub(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return finite(a - b);
  if (isDateLike(a)) {
    if (typeof b === 'string' && b) {
      const parsed = parseDateText(b.trim());
      if (parsed) b = parsed;
    }
    if (a instanceof XDate && b instanceof XDate) return a.epochDay - b.epochDay;
    if (isDateLike(b)) {
      const am = a instanceof XDate ? localMidnight(a).ms : a.ms;
      const bm = b instanceof XDate ? localMidnight(b).ms : b.ms;
      return (am - bm) / MS_PER_DAY;
    }
    return shiftDate(a, b, -1);
  }
  const xy = nums(a, b);
  return xy instanceof ErrorValue ? xy : finite(xy[0] - xy[1]);
}

export function mul(a: Value, b: Value): Value {
  const xy = nums(a, b);
  return xy instanceof ErrorValue ? xy : finite(xy[0] * xy[1]);
}

export function div(a: Value, b: Value): Value {
  const xy = nums(a, b);
  if (xy instanceof ErrorValue) return xy;
  if (xy[1] === 0) return DIV0;
  return finite(xy[0] / xy[1]);
}

/** Python's modulo: the result takes the sign of the divisor (like Excel's MOD). */
export function pyMod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
}

export function mod(a: Value, b: Value): Value {
  const xy = nums(a, b);
  if (xy instanceof ErrorValue) return xy;
  if (xy[1] === 0) return DIV0;
  return finite(pyMod(xy[0], xy[1]));
}

export function power(a: Value, b: Value): Value {
  const xy = nums(a, b);
  if (xy instanceof ErrorValue) return xy;
  const [x, y] = xy;
  if (x === 0 && y < 0) return DIV0;
  if (x === 0 && y === 0) return NUM;
  if (x < 0 && !Number.isInteger(y)) return NUM;
  const r = Math.pow(x, y);
  return Number.isFinite(r) ? r : NUM;
}

export function percent(a: Value): Value {
  const x = toNumber(a);
  return x instanceof ErrorValue ? x : x / 100;
}

export function concat(a: Value, b: Value): Value {
  const x = toText(a);
  if (x instanceof ErrorValue) return x;
  const y = toText(b);
  if (y instanceof ErrorValue) return y;
  return checkText(x + y);
}

export function neg(a: Value): Value {
  const x = toNumber(a);
  return x instanceof ErrorValue ? x : x === 0 ? 0 : -x;
}

export function pos(a: Value): Value {
  return toNumber(a);
}

export function not(a: Value): Value {
  const x = toBool(a);
  return x instanceof ErrorValue ? x : !x;
}

function comparing(test: (c: number) => boolean) {
  return (a: Value, b: Value): Value => {
    const c = compare(a, b);
    return c instanceof ErrorValue ? c : test(c);
  };
}

export const eq = comparing((c) => c === 0);
export const ne = comparing((c) => c !== 0);
export const lt = comparing((c) => c < 0);
export const le = comparing((c) => c <= 0);
export const gt = comparing((c) => c > 0);
export const ge = comparing((c) => c >= 0);

/** `x in list` is membership by `=`; `x in text` is a case-insensitive substring test. */
export function inOp(a: Value, b: Value): Value {
  if (a instanceof ErrorValue) return a;
  if (b instanceof ErrorValue) return b;
  if (Array.isArray(b)) {
    for (const item of b) {
      if (item instanceof ErrorValue) continue;
      if (equals(a, item)) return true;
    }
    return false;
  }
  if (b === null) return false;
  const needle = toText(a);
  if (needle instanceof ErrorValue) return needle;
  const hay = toText(b);
  if (hay instanceof ErrorValue) return hay;
  return fold(hay).includes(fold(needle));
}

export function notIn(a: Value, b: Value): Value {
  const r = inOp(a, b);
  return r instanceof ErrorValue ? r : !r;
}
