// Text functions: joining, slicing, searching, formatting numbers and dates as text (mirrors text.py).
import {
  checkText, currentEnv, equals, ErrorValue, fold, isBlank, isDateLike, LimitError, MAX_LIST_LENGTH, MAX_TEXT_LENGTH,
  NUM, pad2, parseDateText, textToNumber, toDate, toText, VALUE, XDate, XDateTime, zoneParts, type Value,
} from '../values';
import { chars, DECIMAL_LIMIT, decimalRound, flatten, globSearch, groupThousands, pyInt, toFixedExact } from './helpers';
import { register } from './registry';

function joined(parts: string[], separator = ''): string {
  const size = parts.reduce((n, p) => n + p.length, 0) + separator.length * Math.max(0, parts.length - 1);
  if (size > MAX_TEXT_LENGTH) throw new LimitError('text_too_long', MAX_TEXT_LENGTH);
  return parts.join(separator);
}

function texts(values: Value[], skipBlank = false): string[] | ErrorValue {
  const out: string[] = [];
  for (const [v] of flatten(values)) {
    if (v instanceof ErrorValue) return v;
    if (skipBlank && isBlank(v)) continue;
    const s = toText(v);
    if (s instanceof ErrorValue) return s;
    out.push(s);
  }
  return out;
}

register('CONCATENATE', (...parts) => joined(parts as string[]));
register('CONCAT', (...values) => { const p = texts(values); return p instanceof ErrorValue ? p : joined(p); });
register('TEXTJOIN', (delimiter, ignoreEmpty, ...values) => {
  const p = texts(values, ignoreEmpty as boolean);
  return p instanceof ErrorValue ? p : joined(p, delimiter as string);
});

// --- TEXT ----------------------------------------------------------------------------------

const DATE_TOKEN = /"[^"]*"|\\.|yyyy|yyy|yy|y|mmmm|mmm|mm|m|dddd|ddd|dd|d|aaaa|aaa|hh|h|ss|s|AM\/PM|am\/pm|[\s\S]/gi;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ZH_DAYS = '一二三四五六日';
const isAlphaStart = (t: string) => t.trim() !== '' && /^\p{L}/u.test(t);

function formatDate(value: XDate | XDateTime, fmt: string): string {
  let y: number, mo: number, d: number, H = 0, M = 0, S = 0;
  if (value instanceof XDateTime) ({ y, m: mo, d, H, M, S } = zoneParts(value.ms, currentEnv().tz));
  else ({ y, m: mo, d } = value);
  const weekday = new XDate(y, mo, d).weekday();
  const tokens = fmt.match(DATE_TOKEN) ?? [];
  const ampm = tokens.some((t) => t.toLowerCase() === 'am/pm');
  const out: string[] = [];
  tokens.forEach((tok, i) => {
    const low = tok.toLowerCase();
    if (tok.startsWith('"')) out.push(tok.slice(1, -1));
    else if (tok.startsWith('\\')) out.push(tok.slice(1));
    else if (low === 'yyyy' || low === 'yyy') out.push(String(y).padStart(4, '0'));
    else if (low === 'yy' || low === 'y') out.push(pad2(y % 100));
    else if (['m', 'mm', 'mmm', 'mmmm'].includes(low)) {
      const prev = [...tokens.slice(0, i)].reverse().find(isAlphaStart)?.toLowerCase() ?? '';
      const nxt = tokens.slice(i + 1).find(isAlphaStart)?.toLowerCase() ?? '';
      if ((low === 'm' || low === 'mm') && (prev.startsWith('h') || nxt.startsWith('s'))) out.push(low === 'mm' ? pad2(M) : String(M));
      else if (low === 'mmmm') out.push(MONTHS[mo - 1]);
      else if (low === 'mmm') out.push(MONTHS[mo - 1].slice(0, 3));
      else out.push(low === 'mm' ? pad2(mo) : String(mo));
    } else if (low === 'dddd') out.push(DAYS[weekday]);
    else if (low === 'ddd') out.push(DAYS[weekday].slice(0, 3));
    else if (low === 'dd' || low === 'd') out.push(low === 'dd' ? pad2(d) : String(d));
    else if (low === 'aaaa') out.push(`星期${ZH_DAYS[weekday]}`);
    else if (low === 'aaa') out.push(ZH_DAYS[weekday]);
    else if (low === 'hh' || low === 'h') {
      const hour = ampm ? H % 12 || 12 : H;
      out.push(low === 'hh' ? pad2(hour) : String(hour));
    } else if (low === 'ss' || low === 's') out.push(low === 'ss' ? pad2(S) : String(S));
    else if (low === 'am/pm') out.push(H < 12 ? 'AM' : 'PM');
    else out.push(tok);
  });
  return out.join('');
}

const NUMBER_CORE = /[#0][#0,]*(?:\.[#0]*)?|\.[#0]+/;

function unquote(s: string): string {
  return s.replace(/"([^"]*)"|\\(.)/gs, (_, a: string | undefined, b: string | undefined) => (a !== undefined ? a : b ?? ''));
}

function formatNumberCode(value: number, fmt: string): string | ErrorValue {
  const m = NUMBER_CORE.exec(fmt);
  if (!m) return fmt;
  const prefix = fmt.slice(0, m.index), core = m[0], suffix = fmt.slice(m.index + core.length);
  let n = value;
  if (suffix.includes('%') || prefix.includes('%')) n = n * 100;
  const dot = core.indexOf('.');
  const intPart = dot < 0 ? core : core.slice(0, dot);
  const fracPart = dot < 0 ? '' : core.slice(dot + 1);
  const commas = intPart.includes(',');
  const minInt = (intPart.match(/0/g) ?? []).length;
  const required = (fracPart.match(/0/g) ?? []).length, optional = (fracPart.match(/#/g) ?? []).length;
  const places = required + optional;
  if (Math.abs(n) * 10 ** places >= DECIMAL_LIMIT) return NUM;
  const rounded = decimalRound(n, places, 'half_up');
  const plain = toFixedExact(Math.abs(rounded), places);
  const text = commas ? groupThousands(plain) : plain;
  let [whole, frac = ''] = text.split('.');
  if (optional) {
    frac = frac.replace(/0+$/, '');
    if (frac.length < required) frac = frac.padEnd(required, '0');
  }
  const digits = whole.replace(/,/g, '');
  if (digits === '0' && minInt === 0) whole = '';
  else if (digits.length < minInt) {
    const padded = digits.padStart(minInt, '0');
    whole = commas ? groupThousands(String(BigInt(padded))).padStart(minInt, '0') : padded;
  }
  const sign = rounded < 0 && (/[1-9]/.test(whole) || /[1-9]/.test(frac)) ? '-' : '';
  const body = whole + (frac ? `.${frac}` : '');
  return `${sign}${unquote(prefix)}${body}${unquote(suffix)}`;
}

register('TEXT', (value, formatText) => {
  if (value instanceof ErrorValue) return value;
  const fmt = formatText as string;
  const numberLike = NUMBER_CORE.test(fmt);
  if (isDateLike(value)) return formatDate(value, fmt);
  let v: Value = value;
  if (typeof v === 'string') {
    const parsed = parseDateText(v.trim());
    if (parsed && !numberLike) return formatDate(parsed, fmt);
    const n = textToNumber(v);
    if (n instanceof ErrorValue) return v;
    v = n;
  }
  if (v === null) v = 0;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!numberLike && /[ydhs]|m/i.test(fmt)) {
      const d = toDate(v);
      if (d instanceof ErrorValue) return d;
      return formatDate(d, fmt);
    }
    return formatNumberCode(v, fmt);
  }
  return VALUE;
});

// --- slicing and searching -----------------------------------------------------------------

register('LEFT', (t, n = 1) => { const k = pyInt(n ?? 1); return k < 0 ? VALUE : chars(t as string).slice(0, k).join(''); });
register('RIGHT', (t, n = 1) => {
  const k = pyInt(n ?? 1);
  if (k < 0) return VALUE;
  const cs = chars(t as string);
  return k ? cs.slice(Math.max(0, cs.length - k)).join('') : '';
});
register('MID', (t, s, n) => {
  const start = pyInt(s), count = pyInt(n);
  if (start < 1 || count < 0) return VALUE;
  return chars(t as string).slice(start - 1, start - 1 + count).join('');
});
register('LEN', (t) => chars(t as string).length);
register('UPPER', (t) => (t as string).toUpperCase());
register('LOWER', (t) => (t as string).toLowerCase());
register('TRIM', (t) => (t as string).replace(/^ +| +$/g, '').replace(/ {2,}/g, ' '));

register('REPLACE', (t, s, n, r) => {
  const start = pyInt(s), count = pyInt(n);
  if (start < 1 || count < 0) return VALUE;
  const cs = chars(t as string);
  return checkText(cs.slice(0, start - 1).join('') + (r as string) + cs.slice(start - 1 + count).join(''));
});

register('SUBSTITUTE', (t, o, nw, inst) => {
  const text = t as string, old = o as string, repl = nw as string;
  if (old === '') return text;
  if (inst === undefined || inst === null) return checkText(text.split(old).join(repl));
  const which = pyInt(inst);
  if (which < 1) return VALUE;
  let pos = -1;
  for (let i = 0; i < which; i++) {
    pos = text.indexOf(old, pos + 1);
    if (pos < 0) return text;
  }
  return text.slice(0, pos) + repl + text.slice(pos + old.length);
});

register('SEARCH', (f, w, s = 1) => {
  const start = pyInt(s ?? 1);
  const within = w as string;
  if (start < 1 || start > chars(within).length + 1) return VALUE;
  const pos = globSearch(fold(f as string), fold(within), start - 1);
  return pos < 0 ? VALUE : pos + 1;
});

register('FIND', (f, w, s = 1) => {
  const start = pyInt(s ?? 1);
  const cs = chars(w as string);
  if (start < 1 || start > cs.length + 1) return VALUE;
  const prefix = cs.slice(0, start - 1).join('');
  const idx = (w as string).indexOf(f as string, prefix.length);
  return idx < 0 ? VALUE : chars((w as string).slice(0, idx)).length + 1;
});

register('REPT', (t, n) => {
  const times = pyInt(n);
  if (times < 0) return VALUE;
  if ((t as string).length * times > MAX_TEXT_LENGTH) throw new LimitError('text_too_long', MAX_TEXT_LENGTH);
  return (t as string).repeat(times);
});

register('VALUE', (value) => {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 0;
  const s = toText(value);
  return s instanceof ErrorValue ? s : textToNumber(s);
});

register('CONTAINS', (hay, needle) => {
  if (Array.isArray(hay)) return hay.some((item) => !(item instanceof ErrorValue) && equals(item, needle));
  const h = toText(hay);
  if (h instanceof ErrorValue) return h;
  const n = toText(needle);
  if (n instanceof ErrorValue) return n;
  return fold(h).includes(fold(n));
});

register('SPLIT', (t, d = ',') => {
  const text = t as string;
  const delimiter = d === undefined || d === null ? ',' : (d as string);
  if (text === '') return [];
  const parts = delimiter === '' ? chars(text) : text.split(delimiter);
  if (parts.length > MAX_LIST_LENGTH) throw new LimitError('list_too_long', MAX_LIST_LENGTH);
  return parts;
});
