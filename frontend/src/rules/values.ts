// Values of the rule language and Excel's coercions between them (mirrors app/rule_engine/values.py).

/** An Excel error value (#DIV/0!, #VALUE!, #N/A, #NUM!, #NAME?): returned, propagated, caught by IFERROR. */
export class ErrorValue {
  private static readonly instances = new Map<string, ErrorValue>();
  private constructor(readonly code: string) {}
  static of(code: string): ErrorValue {
    let e = ErrorValue.instances.get(code);
    if (!e) {
      e = new ErrorValue(code);
      ErrorValue.instances.set(code, e);
    }
    return e;
  }
  toString() {
    return this.code;
  }
}

export const DIV0 = ErrorValue.of('#DIV/0!');
export const VALUE = ErrorValue.of('#VALUE!');
export const NA = ErrorValue.of('#N/A');
export const NUM = ErrorValue.of('#NUM!');
export const NAME = ErrorValue.of('#NAME?');

const MS_PER_DAY = 86_400_000;

/** Date.UTC that also handles years 0-99 (Date.UTC maps them to 1900-1999). */
export function utcMs(y: number, m: number, d: number, H = 0, M = 0, S = 0, ms = 0): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  dt.setUTCHours(H, M, S, ms);
  return dt.getTime();
}
/** Serial number of 1970-01-01 counted from Excel's 1899-12-30. */
const UNIX_EPOCH_SERIAL = 25_569;

/** A calendar date (no time, no zone). */
export class XDate {
  constructor(readonly y: number, readonly m: number, readonly d: number) {}
  /** Days since 1970-01-01. */
  get epochDay(): number {
    return Math.round(utcMs(this.y, this.m, this.d) / MS_PER_DAY);
  }
  static fromEpochDay(day: number): XDate {
    const dt = new Date(day * MS_PER_DAY);
    return new XDate(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
  }
  static valid(y: number, m: number, d: number): XDate | null {
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return null;
    const dt = new Date(utcMs(y, m, d));
    if (dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
    return new XDate(y, m, d);
  }
  /** Monday = 0 ... Sunday = 6, like Python's date.weekday(). */
  weekday(): number {
    return (((this.epochDay + 3) % 7) + 7) % 7;
  }
  iso(): string {
    return `${String(this.y).padStart(4, '0')}-${pad2(this.m)}-${pad2(this.d)}`;
  }
}

/** An instant, stored as UTC milliseconds. */
export class XDateTime {
  constructor(readonly ms: number) {}
}

export type Value =
  | null
  | number
  | string
  | boolean
  | XDate
  | XDateTime
  | ErrorValue
  | Value[]
  | { [key: string]: Value };

export const MAX_TEXT_LENGTH = 100_000;
export const MAX_LIST_LENGTH = 10_000;

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

// --- environment --------------------------------------------------------------------------

export interface EvalEnv {
  tz: string;
  currentUser?: string | null;
  recordId?: string | null;
  tags?: string[] | null;
  /** Fixed "now" (ms since epoch); defaults to the clock. */
  now?: number | null;
}

let env: EvalEnv = { tz: 'UTC' };

export function currentEnv(): EvalEnv {
  return env;
}

export function setCurrentEnv(next: EvalEnv): EvalEnv {
  const prev = env;
  env = next;
  return prev;
}

export function nowMs(): number {
  return env.now ?? Date.now();
}

// --- time zones ----------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface Parts { y: number; m: number; d: number; H: number; M: number; S: number; ms: number }

/** Wall-clock parts of an instant in a time zone. */
export function zoneParts(ms: number, tz = env.tz): Parts {
  if (!tz || tz === 'UTC' || tz === 'Z') {
    const dt = new Date(ms);
    return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate(), H: dt.getUTCHours(), M: dt.getUTCMinutes(), S: dt.getUTCSeconds(), ms: dt.getUTCMilliseconds() };
  }
  const out: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { y: out.year, m: out.month, d: out.day, H: out.hour % 24, M: out.minute, S: out.second, ms: ((ms % 1000) + 1000) % 1000 };
}

function offsetAt(ms: number, tz: string): number {
  const p = zoneParts(ms, tz);
  return utcMs(p.y, p.m, p.d, p.H, p.M, p.S, p.ms) - ms;
}

/** The instant of a wall-clock time in a time zone. */
export function zonedToUtc(y: number, m: number, d: number, H = 0, M = 0, S = 0, msec = 0, tz = env.tz): number {
  const wall = utcMs(y, m, d, H, M, S, msec);
  if (!tz || tz === 'UTC' || tz === 'Z') return wall;
  let guess = wall - offsetAt(wall, tz);
  const second = wall - offsetAt(guess, tz);
  if (second !== guess) guess = second;
  return guess;
}

export function localMidnight(d: XDate): XDateTime {
  return new XDateTime(zonedToUtc(d.y, d.m, d.d));
}

export function today(): XDate {
  const p = zoneParts(nowMs());
  return new XDate(p.y, p.m, p.d);
}

// --- type tests ----------------------------------------------------------------------------

export const isError = (v: unknown): v is ErrorValue => v instanceof ErrorValue;
export const isDate = (v: unknown): v is XDate => v instanceof XDate;
export const isDateTime = (v: unknown): v is XDateTime => v instanceof XDateTime;
export const isDateLike = (v: unknown): v is XDate | XDateTime => v instanceof XDate || v instanceof XDateTime;
export const isList = (v: unknown): v is Value[] => Array.isArray(v);
export const isNum = (v: unknown): v is number => typeof v === 'number';
export const isObject = (v: unknown): v is { [key: string]: Value } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof ErrorValue) && !(v instanceof XDate) && !(v instanceof XDateTime);

export function isBlank(v: Value): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

// --- numbers -------------------------------------------------------------------------------

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Excel's VALUE for text: '1,234.5', ' 12 ', '10%', '1e3'; else #VALUE!. */
/** Zero code points of the Unicode decimal digit blocks Python's int() and float() accept. */
const DIGIT_ZEROS = [
  0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20,
  0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
  0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
];

/** Unicode decimal digits (１２, ٣) as ASCII digits, as Python reads numbers. */
export function asciiDigits(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return s.replace(/\p{Nd}/gu, (c) => {
    const code = c.codePointAt(0)!;
    const zero = DIGIT_ZEROS.find((z) => code >= z && code < z + 10);
    return zero === undefined ? c : String(code - zero);
  });
}

export function textToNumber(s: string): number | ErrorValue {
  let t = asciiDigits(s).trim().replace(/,/g, '');
  if (!t) return VALUE;
  let scale = 1;
  if (t.endsWith('%')) {
    t = t.slice(0, -1);
    scale = 100;
  }
  const pyNumber = t.replace(/_/g, '');
  if (NUMBER_TEXT.test(pyNumber) && !/^[+-]?_|_$|__/.test(t)) {
    const n = Number(pyNumber);
    if (!Number.isFinite(n)) return VALUE;
    return scale !== 1 ? n / scale : n;
  }
  if (/^[+-]?(inf|infinity|nan)$/i.test(t)) return VALUE;
  const d = parseDateText(s.trim());
  if (d) return serialOf(d);
  return VALUE;
}

export function toNumber(v: Value): number | ErrorValue {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return v === '' ? 0 : textToNumber(v);
  if (v instanceof ErrorValue) return v;
  if (v instanceof XDate || v instanceof XDateTime) return serialOf(v);
  return VALUE;
}

/** Excel serial number: days since 1899-12-30; date-times in the workspace time zone. */
export function serialOf(d: XDate | XDateTime): number {
  if (d instanceof XDate) return d.epochDay + UNIX_EPOCH_SERIAL;
  const p = zoneParts(d.ms);
  const day = new XDate(p.y, p.m, p.d).epochDay + UNIX_EPOCH_SERIAL;
  const secs = p.H * 3600 + p.M * 60 + p.S + p.ms / 1000;
  return day + secs / 86400;
}

/** Number as Excel shows it in General format: up to 15 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n === 0 ? 0 : n);
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan';
  const expForm = n.toExponential(14);
  const exp = Number(expForm.slice(expForm.indexOf('e') + 1));
  if (exp < -4 || exp >= 15) {
    let [mantissa, e] = expForm.split('e');
    if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
    const sign = e[0] === '-' ? '-' : '+';
    const digits = e.replace(/^[+-]/, '');
    return `${mantissa}E${sign}${digits.padStart(2, '0')}`;
  }
  let fixed = n.toFixed(Math.max(0, 14 - exp));
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

// --- text ----------------------------------------------------------------------------------

export function toText(v: Value): string | ErrorValue {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof ErrorValue) return v;
  if (v instanceof XDate) return v.iso();
  if (v instanceof XDateTime) {
    const p = zoneParts(v.ms);
    return `${new XDate(p.y, p.m, p.d).iso()} ${pad2(p.H)}:${pad2(p.M)}:${pad2(p.S)}`;
  }
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const item of v) {
      const s = toText(item);
      if (s instanceof ErrorValue) return s;
      parts.push(s);
    }
    return parts.join(', ');
  }
  return VALUE;
}

/** Case folding used by comparisons: ASCII letters only (the same as SQLite's lower()). */
export function fold(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export class LimitError extends Error {
  constructor(readonly code: string, readonly limit: number) {
    super(code);
  }
}

export function checkText(s: string): string {
  if (s.length > MAX_TEXT_LENGTH) throw new LimitError('text_too_long', MAX_TEXT_LENGTH);
  return s;
}

// --- booleans ------------------------------------------------------------------------------

export function toBool(v: Value): boolean | ErrorValue {
  if (typeof v === 'boolean') return v;
  if (v === null || v === undefined) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    if (v === '') return false;
    const u = v.trim().toUpperCase();
    if (u === 'TRUE') return true;
    if (u === 'FALSE') return false;
    return VALUE;
  }
  if (v instanceof ErrorValue) return v;
  if (v instanceof XDate || v instanceof XDateTime) return true;
  return VALUE;
}

// --- dates ---------------------------------------------------------------------------------

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** ISO date 'YYYY-MM-DD' -> date; ISO date-time (with 'T' or space) -> instant; 'YYYY/M/D'. */
export function parseDateText(s: string): XDate | XDateTime | null {
  const n = s.length;
  if (n === 10 && s[4] === '-' && s[7] === '-') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    return m ? XDate.valid(+m[1], +m[2], +m[3]) : null;
  }
  if (n >= 16 && s[4] === '-' && s[7] === '-' && (s[10] === 'T' || s[10] === ' ')) {
    const m = ISO_DATETIME.exec(s);
    if (!m) return null;
    const day = XDate.valid(+m[1], +m[2], +m[3]);
    const H = +m[4], M = +m[5], S = m[6] ? +m[6] : 0;
    if (!day || H > 23 || M > 59 || S > 59) return null;
    const msec = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    if (!m[8]) return new XDateTime(zonedToUtc(day.y, day.m, day.d, H, M, S, msec));
    const wall = utcMs(day.y, day.m, day.d, H, M, S, msec);
    if (m[8].toUpperCase() === 'Z') return new XDateTime(wall);
    const off = m[8].replace(':', '');
    const sign = off[0] === '-' ? -1 : 1;
    const oh = Number(off.slice(1, 3)), om = off.length > 3 ? Number(off.slice(3, 5)) : 0;
    return new XDateTime(wall - sign * (oh * 60 + om) * 60_000);
  }
  if (n >= 8 && n <= 10 && (s.includes('/') || s.includes('-'))) {
    const sep = s.includes('/') ? '/' : '-';
    const parts = s.split(sep);
    if (parts.length === 3 && parts.every((p) => /^\d+$/.test(p)) && parts[0].length === 4) {
      return XDate.valid(+parts[0], +parts[1], +parts[2]);
    }
  }
  return null;
}

export function dateFromSerial(n: number): XDate | XDateTime | ErrorValue {
  if (n < 0 || n > 2958465) return NUM;
  const whole = Math.floor(n);
  const base = XDate.fromEpochDay(whole - UNIX_EPOCH_SERIAL);
  const frac = n - whole;
  if (frac === 0) return base;
  const secs = pyRound(frac * 86400);
  return new XDateTime(zonedToUtc(base.y, base.m, base.d) + secs * 1000);
}

/** Python's round(): half to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const EXCEL_EPOCH = new XDate(1899, 12, 30);

export function toDate(v: Value): XDate | XDateTime | ErrorValue {
  if (v instanceof XDate || v instanceof XDateTime) return v;
  if (v === null || v === undefined || v === '') return EXCEL_EPOCH;
  if (typeof v === 'string') return parseDateText(v.trim()) ?? VALUE;
  if (v instanceof ErrorValue) return v;
  if (typeof v === 'number') return dateFromSerial(v);
  return VALUE;
}

/** A calendar date (date-times are read in the workspace time zone). */
export function toDay(v: Value): XDate | ErrorValue {
  const d = toDate(v);
  if (d instanceof XDateTime) {
    const p = zoneParts(d.ms);
    return new XDate(p.y, p.m, p.d);
  }
  return d;
}

// --- comparison ----------------------------------------------------------------------------

function rank(v: Value): number {
  if (typeof v === 'boolean') return 2;
  if (typeof v === 'string') return 1;
  return 0;
}

function blankLike(other: Value): Value {
  if (typeof other === 'string') return '';
  if (typeof other === 'boolean') return false;
  if (other instanceof XDate || other instanceof XDateTime) return EXCEL_EPOCH;
  return 0;
}

const cmp = (a: number | string, b: number | string): number => (a > b ? 1 : 0) - (a < b ? 1 : 0);

/** -1, 0 or 1 with Excel's rules (blank adapts, numbers < text < TRUE/FALSE, text case-insensitive). */
export function compare(a: Value, b: Value): number | ErrorValue {
  if (a instanceof ErrorValue) return a;
  if (b instanceof ErrorValue) return b;
  if (Array.isArray(a) || Array.isArray(b) || isObject(a) || isObject(b)) return VALUE;
  if (a === null || a === '') {
    if (b === null || b === '') return 0;
    a = blankLike(b);
  } else if (b === null || b === '') {
    b = blankLike(a);
  }
  if (typeof a === 'number' && typeof b === 'number') return cmp(a, b);
  if (typeof a === 'string' && typeof b === 'string') return cmp(fold(a), fold(b));
  if (isDateLike(a) || isDateLike(b)) return compareDates(a, b);
  const ra = rank(a), rb = rank(b);
  if (ra !== rb) return cmp(ra, rb);
  return cmp(Number(a), Number(b));
}

function compareDates(a: Value, b: Value): number {
  if (typeof a === 'string') {
    const parsed = parseDateText(a.trim());
    if (!parsed) return 1;
    a = parsed;
  }
  if (typeof b === 'string') {
    const parsed = parseDateText(b.trim());
    if (!parsed) return -1;
    b = parsed;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return typeof b === 'boolean' ? -1 : 1;
  if (a instanceof XDate && b instanceof XDate) return cmp(a.epochDay, b.epochDay);
  if (a instanceof XDateTime && b instanceof XDateTime) return cmp(a.ms, b.ms);
  if (a instanceof XDate && b instanceof XDateTime) return cmp(localMidnight(a).ms, b.ms);
  if (a instanceof XDateTime && b instanceof XDate) return cmp(a.ms, localMidnight(b).ms);
  const sa = isDateLike(a) ? serialOf(a) : Number(a);
  const sb = isDateLike(b) ? serialOf(b) : Number(b);
  return cmp(sa, sb);
}

export function equals(a: Value, b: Value): boolean {
  const c = compare(a, b);
  return typeof c === 'number' ? c === 0 : false;
}

// --- output --------------------------------------------------------------------------------

export type Plain = null | number | string | boolean | Plain[] | { [key: string]: Plain };

/** JSON-plain form of a result: dates 'YYYY-MM-DD', date-times ISO UTC 'Z', errors their code. */
export function toPlain(v: Value): Plain {
  if (v === undefined) return null;
  if (v instanceof XDate) return v.iso();
  if (v instanceof XDateTime) {
    const dt = new Date(Math.floor(v.ms / 1000) * 1000);
    return dt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (v instanceof ErrorValue) return v.code;
  if (Array.isArray(v)) return v.map(toPlain);
  if (isObject(v)) {
    const out: { [key: string]: Plain } = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
    return out;
  }
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  return v as Plain;
}
