// Shared pieces of the function implementations: Python-like integers, exact decimal rounding,
// argument flattening with "was it in a list" marks, Excel wildcards.
import { ErrorValue, NUM, VALUE, type Value } from '../values';

/** Thrown inside an implementation to return an error value (Python's ValueError -> #VALUE!). */
export class Bail {
  constructor(readonly error: ErrorValue) {}
}

/** Python's int() of a number: truncates; NaN is #VALUE!, infinity #NUM!. */
export function pyInt(x: Value): number {
  const n = x as number;
  if (Number.isNaN(n)) throw new Bail(VALUE);
  if (!Number.isFinite(n)) throw new Bail(NUM);
  return Math.trunc(n) || 0;
}

/** Arguments and lists (subform columns) as one flat sequence; `inList` marks list items. */
export function* flatten(values: Value[]): Generator<[Value, boolean]> {
  for (const v of values) {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (Array.isArray(item)) for (const inner of item) yield [inner, true];
        else yield [item, true];
      }
    } else yield [v, false];
  }
}

/** Plain decimal text of a number's shortest representation (what Python's repr/Decimal see). */
export function decimalText(x: number): string {
  const s = String(Math.abs(x));
  if (!/e/i.test(s)) return s;
  const [mant, expStr] = s.toLowerCase().split('e');
  const exp = Number(expStr);
  const [ip, fp = ''] = mant.split('.');
  const digits = ip + fp;
  let point = ip.length + exp;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Python's Decimal works to 28 digits: quantizing past that fails, which the server answers as #NUM!. */
export const DECIMAL_LIMIT = 1e28;

export type Rounding = 'half_up' | 'up' | 'down' | 'ceiling' | 'floor';

/** Rounds x to `digits` decimals exactly on its decimal text (Decimal.quantize semantics). */
export function decimalRound(x: number, digits: number, mode: Rounding): number {
  if (!Number.isFinite(x)) return x;
  const negative = x < 0;
  const text = decimalText(x);
  const [ip, fp = ''] = text.split('.');
  let intDigits: string;
  let rest: string;
  if (digits >= 0) {
    intDigits = ip + fp.slice(0, digits).padEnd(digits, '0');
    rest = fp.slice(digits);
  } else {
    const cut = ip.length + digits;
    intDigits = cut > 0 ? ip.slice(0, cut) : '0';
    rest = (cut > 0 ? ip.slice(cut) : '0'.repeat(-cut) + ip) + fp;
  }
  const hasRest = /[1-9]/.test(rest);
  const away = (() => {
    switch (mode) {
      case 'half_up': return rest.length > 0 && rest[0] >= '5';
      case 'up': return hasRest;
      case 'down': return false;
      case 'ceiling': return hasRest && !negative;
      case 'floor': return hasRest && negative;
    }
  })();
  let n = BigInt(intDigits || '0');
  if (away) n += 1n;
  let out = n.toString();
  if (digits > 0) {
    out = out.padStart(digits + 1, '0');
    out = `${out.slice(0, out.length - digits)}.${out.slice(out.length - digits)}`;
  } else if (digits < 0) {
    out = n === 0n ? '0' : out + '0'.repeat(-digits);
  }
  const value = Number(out);
  return negative && value !== 0 ? -value : value;
}

/** Digits grouped in threes: "1234567.5" -> "1,234,567.5". */
export function groupThousands(s: string): string {
  const [w, f] = s.split('.');
  return w.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f !== undefined ? `.${f}` : '');
}

/** Fixed-point text of x with `places` decimals, rounded half away from zero. */
export function toFixedExact(x: number, places: number): string {
  const r = decimalRound(x, places, 'half_up');
  const t = decimalText(r);
  const [ip, fp = ''] = t.split('.');
  return places > 0 ? `${ip}.${fp.padEnd(places, '0').slice(0, places)}` : ip;
}

export const chars = (s: string): string[] => Array.from(s);

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Excel wildcards (* any run, ? one character, ~ escapes) as regex source. */
function globSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '~' && i + 1 < pattern.length) { out += escapeRe(pattern[++i]); continue; }
    out += c === '*' ? '[\\s\\S]*?' : c === '?' ? '[\\s\\S]' : escapeRe(c);
  }
  return out;
}

export function globMatch(pattern: string, text: string): boolean {
  return new RegExp(`^(?:${globSource(pattern).replace(/\*\?/g, '*')})$`, 'u').test(text);
}

/** Code-point position of the first wildcard match at or after `start`, or -1. */
export function globSearch(pattern: string, text: string, start: number): number {
  const cps = chars(text);
  const sub = cps.slice(start).join('');
  const m = new RegExp(globSource(pattern), 'u').exec(sub);
  if (!m) return -1;
  return start + chars(sub.slice(0, m.index)).length;
}
