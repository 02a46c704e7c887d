// TEXT(value, format): the common Excel number and date format codes.
import { isDateLike, parseDateText, toDate, toText, VALUE, XDateTime, zoneParts, type Value, XDate, ErrorValue, toNumber, pad2 } from '../values';
import { roundHalfAway } from './helpers';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function isDateFormat(fmt: string): boolean {
  const bare = fmt.replace(/"[^"]*"|\\./g, '');
  return /[yYdDhHsS]/.test(bare) || (/m/i.test(bare) && !/[0#]/.test(bare));
}

function formatDate(v: XDate | XDateTime, fmt: string): string {
  let y: number, mo: number, d: number, H = 0, M = 0, S = 0;
  if (v instanceof XDate) ({ y, m: mo, d } = v);
  else ({ y, m: mo, d, H, M, S } = zoneParts(v.ms));
  const weekday = new XDate(y, mo, d).weekday();
  const ampm = /AM\/PM|A\/P/i.test(fmt);
  const tokens = fmt.match(/"[^"]*"|\\.|AM\/PM|A\/P|yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|[\s\S]/gi) ?? [];
  let out = '';
  tokens.forEach((tok, i) => {
    const low = tok.toLowerCase();
    const prev = tokens.slice(0, i).reverse().find((x) => /^[hsdy]/i.test(x) || /^m+$/i.test(x));
    const next = tokens.slice(i + 1).find((x) => /^[hsdy]/i.test(x) || /^m+$/i.test(x));
    const minuteContext = (prev && /^h/i.test(prev)) || (next && /^s/i.test(next));
    const hour12 = ampm ? ((H + 11) % 12) + 1 : H;
    switch (low) {
      case 'yyyy': out += String(y).padStart(4, '0'); break;
      case 'yy': out += pad2(y % 100); break;
      case 'mmmm': out += MONTHS[mo - 1]; break;
      case 'mmm': out += MONTHS[mo - 1].slice(0, 3); break;
      case 'mm': out += minuteContext ? pad2(M) : pad2(mo); break;
      case 'm': out += minuteContext ? String(M) : String(mo); break;
      case 'dddd': out += DAYS[weekday]; break;
      case 'ddd': out += DAYS[weekday].slice(0, 3); break;
      case 'dd': out += pad2(d); break;
      case 'd': out += String(d); break;
      case 'hh': out += pad2(hour12); break;
      case 'h': out += String(hour12); break;
      case 'ss': out += pad2(S); break;
      case 's': out += String(S); break;
      case 'am/pm': out += H < 12 ? 'AM' : 'PM'; break;
      case 'a/p': out += H < 12 ? 'A' : 'P'; break;
      default:
        if (tok.startsWith('"')) out += tok.slice(1, -1);
        else if (tok.startsWith('\\')) out += tok.slice(1);
        else out += tok;
    }
  });
  return out;
}

function formatNumberCode(n: number, fmt: string): string {
  const sections = fmt.split(';');
  let section = sections[0];
  let value = n;
  if (n < 0 && sections.length > 1) { section = sections[1]; value = -n; }
  else if (n === 0 && sections.length > 2) section = sections[2];
  const literalFree = section.replace(/"[^"]*"|\\./g, '');
  const percent = literalFree.includes('%');
  if (percent) value *= 100;
  const match = /[0#?,.]+/.exec(literalFree);
  if (!match) return section.replace(/"([^"]*)"/g, '$1').replace(/\\(.)/g, '$1');
  const code = match[0];
  const [intPart, fracPart = ''] = code.split('.');
  const decimals = fracPart.replace(/[^0#?]/g, '').length;
  const minFrac = fracPart.replace(/[^0]/g, '').length;
  const grouping = intPart.includes(',');
  const minInt = intPart.replace(/[^0]/g, '').length;
  const rounded = roundHalfAway(Math.abs(value), decimals);
  let [whole, frac = ''] = rounded.toFixed(decimals).split('.');
  while (frac.length > minFrac && frac.endsWith('0')) frac = frac.slice(0, -1);
  if (whole === '0' && minInt === 0) whole = '';
  whole = whole.padStart(minInt, '0');
  if (grouping) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = whole + (frac || (decimals && minFrac) ? `.${frac}` : code.endsWith('.') ? '.' : '');
  const sign = value < 0 || (n < 0 && sections.length === 1) ? '-' : '';
  // rebuild with literals around the numeric code
  const start = section.indexOf(code);
  const before = section.slice(0, start), after = section.slice(start + code.length);
  const lit = (s: string) => s.replace(/"([^"]*)"/g, '$1').replace(/\\(.)/g, '$1');
  return lit(before) + (rounded === 0 && !/[1-9]/.test(body) ? '' : sign) + body + lit(after);
}

export function formatValue(v: Value, fmt: string): Value {
  if (v instanceof ErrorValue) return v;
  if (fmt === '' ) return '';
  if (isDateFormat(fmt)) {
    let d: Value = v;
    if (typeof v === 'string') d = parseDateText(v.trim()) ?? v;
    if (!isDateLike(d)) {
      if (typeof d === 'string') return d;
      d = toDate(d);
      if (d instanceof ErrorValue) return d;
    }
    return formatDate(d as XDate | XDateTime, fmt);
  }
  if (fmt.toLowerCase() === 'general' || fmt === '@') {
    const t = toText(v);
    return t;
  }
  let n: number | ErrorValue;
  if (typeof v === 'string') {
    n = toNumber(v);
    if (n instanceof ErrorValue) return v;
  } else {
    n = toNumber(v);
  }
  if (n instanceof ErrorValue) return VALUE;
  return formatNumberCode(n, fmt);
}
