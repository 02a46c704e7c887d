// Date functions: dates are dates (not text); date-times are read in the workspace time zone (mirrors date.py).
import {
  currentEnv, ErrorValue, isBlank, localMidnight, nowMs, NUM, toDay, today, toText, VALUE, XDate, XDateTime, zoneParts,
  type Value,
} from '../values';
import { pyInt } from './helpers';
import { register } from './registry';

const DATE_MIN = new XDate(1900, 1, 1).epochDay;
const DATE_MAX = new XDate(9999, 12, 31).epochDay;
const EPOCH = new XDate(1899, 12, 30).epochDay;
const YEAR_1 = new XDate(1, 1, 1).epochDay;

function checked(d: Value): Value {
  if (d instanceof XDate && (d.epochDay < DATE_MIN || d.epochDay > DATE_MAX) && d.epochDay !== EPOCH) return NUM;
  return d;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]);

export function addMonths(d: XDate, months: number): XDate | ErrorValue {
  const total = d.y * 12 + (d.m - 1) + months;
  const year = Math.floor(total / 12), month = total - year * 12;
  if (year < 1 || year > 9999) return NUM;
  return new XDate(year, month + 1, Math.min(d.d, daysInMonth(year, month + 1)));
}

function plusDays(d: XDate, days: number): XDate | ErrorValue {
  const day = d.epochDay + days;
  if (day < YEAR_1 || day > DATE_MAX) return NUM;
  return XDate.fromEpochDay(day);
}

register('TODAY', () => today());
register('NOW', () => new XDateTime(nowMs()));

register('DATE', (yv, mv, dv) => {
  let year = pyInt(yv);
  const month = pyInt(mv), day = pyInt(dv);
  if (year >= 0 && year < 1900) year += 1900;
  if (year < 1900 || year > 9999) return NUM;
  const first = addMonths(new XDate(year, 1, 1), month - 1);
  if (first instanceof ErrorValue) return first;
  const d = plusDays(first, day - 1);
  return d instanceof ErrorValue ? d : checked(d);
});

function part(value: Value, which: 0 | 1 | 2): Value {
  if (isBlank(value)) return [1900, 1, 0][which];
  const d = toDay(value);
  if (d instanceof ErrorValue) return d;
  return [d.y, d.m, d.d][which];
}
register('YEAR', (v) => part(v, 0));
register('MONTH', (v) => part(v, 1));
register('DAY', (v) => part(v, 2));

register('HOUR', (v) => (v instanceof XDateTime ? zoneParts(v.ms, currentEnv().tz).H : 0));
register('MINUTE', (v) => (v instanceof XDateTime ? zoneParts(v.ms, currentEnv().tz).M : 0));

register('WEEKDAY', (v, t = 1) => {
  const wd = (v as XDate).weekday();
  const type = pyInt(t ?? 1);
  if (type === 1) return ((wd + 1) % 7) + 1;
  if (type === 2) return wd + 1;
  if (type === 3) return wd;
  return NUM;
});

function isoWeek(d: XDate): number {
  const thursday = XDate.fromEpochDay(d.epochDay - d.weekday() + 3);
  return Math.floor((thursday.epochDay - new XDate(thursday.y, 1, 1).epochDay) / 7) + 1;
}

register('WEEKNUM', (v, t = 1) => {
  const d = v as XDate;
  const type = pyInt(t ?? 1);
  if (type === 21) return isoWeek(d);
  if (![1, 2, 11].includes(type)) return NUM;
  const jan1 = new XDate(d.y, 1, 1);
  const offset = type === 1 ? (jan1.weekday() + 1) % 7 : jan1.weekday();
  const yday = d.epochDay - jan1.epochDay + 1;
  return Math.floor((yday - 1 + offset) / 7) + 1;
});

register('ISOWEEKNUM', (v) => isoWeek(v as XDate));

function monthsBetween(start: XDate, end: XDate): number {
  let months = (end.y - start.y) * 12 + end.m - start.m;
  if (end.d < start.d) months -= 1;
  return months;
}

function sameDayInYear(d: XDate, year: number): XDate {
  return new XDate(year, d.m, Math.min(d.d, daysInMonth(year, d.m)));
}

register('DATEDIF', (s, e, u) => {
  const start = s as XDate, end = e as XDate;
  if (start.epochDay > end.epochDay) return NUM;
  const unit = (u as string).trim().toUpperCase();
  if (unit === 'D') return end.epochDay - start.epochDay;
  const months = monthsBetween(start, end);
  if (unit === 'M') return months;
  if (unit === 'Y') return Math.floor(months / 12);
  if (unit === 'YM') return ((months % 12) + 12) % 12;
  if (unit === 'MD') {
    if (end.d >= start.d) return end.d - start.d;
    const [py, pm] = end.m > 1 ? [end.y, end.m - 1] : [end.y - 1, 12];
    return end.d - start.d + daysInMonth(py, pm);
  }
  if (unit === 'YD') {
    let shifted = sameDayInYear(start, end.y);
    if (shifted.epochDay > end.epochDay) shifted = sameDayInYear(start, end.y - 1);
    return end.epochDay - shifted.epochDay;
  }
  return NUM;
});

register('DAYS', (e, s) => (e as XDate).epochDay - (s as XDate).epochDay);
register('EDATE', (s, m) => { const r = addMonths(s as XDate, pyInt(m)); return r instanceof ErrorValue ? r : checked(r); });
register('EOMONTH', (s, m) => {
  const d = s as XDate;
  const moved = addMonths(new XDate(d.y, d.m, 1), pyInt(m));
  if (moved instanceof ErrorValue) return moved;
  return checked(new XDate(moved.y, moved.m, daysInMonth(moved.y, moved.m)));
});

function weekdaysUntil(start: XDate, end: XDate): number {
  const days = end.epochDay - start.epochDay + 1;
  const full = Math.floor(days / 7), rest = days % 7;
  let count = full * 5;
  const wd = start.weekday();
  for (let i = 0; i < rest; i++) if ((wd + i) % 7 < 5) count++;
  return count;
}

register('NETWORKDAYS', (s, e, holidays) => {
  let start = s as XDate, end = e as XDate, sign = 1;
  if (start.epochDay > end.epochDay) { [start, end] = [end, start]; sign = -1; }
  let count = weekdaysUntil(start, end);
  const seen = new Set<number>();
  const list = Array.isArray(holidays) ? holidays : holidays === null || holidays === undefined ? [] : [holidays];
  for (const h of list) {
    if (isBlank(h)) continue;
    const d = toDay(h);
    if (d instanceof ErrorValue) return d;
    if (start.epochDay <= d.epochDay && d.epochDay <= end.epochDay && d.weekday() < 5 && !seen.has(d.epochDay)) {
      seen.add(d.epochDay);
      count--;
    }
  }
  return sign * count;
});

const UNITS: Record<string, string> = {
  year: 'year', years: 'year', y: 'year', 年: 'year',
  month: 'month', months: 'month', m: 'month', 月: 'month',
  week: 'week', weeks: 'week', w: 'week', 周: 'week',
  day: 'day', days: 'day', d: 'day', 天: 'day', 日: 'day',
  hour: 'hour', hours: 'hour', h: 'hour', 小时: 'hour',
  minute: 'minute', minutes: 'minute', min: 'minute', mi: 'minute', 分钟: 'minute',
  second: 'second', seconds: 'second', s: 'second', 秒: 'second',
};
const SECONDS: Record<string, number> = { hour: 3600, minute: 60, second: 1 };
const MS_PER_DAY = 86_400_000;

register('DATEADD', (value, amountV, unit = 'day') => {
  const unitText = toText(unit ?? 'day');
  if (unitText instanceof ErrorValue) return unitText;
  const kind = UNITS[unitText.trim().toLowerCase()];
  if (!kind) return VALUE;
  const amount = amountV as number;
  const v = value as XDate | XDateTime;
  if (kind === 'year' || kind === 'month') {
    const months = Math.trunc(amount) * (kind === 'year' ? 12 : 1);
    if (v instanceof XDateTime) {
      const p = zoneParts(v.ms, currentEnv().tz);
      const moved = addMonths(new XDate(p.y, p.m, p.d), months);
      if (moved instanceof ErrorValue) return moved;
      return new XDateTime(localMidnight(moved).ms + ((p.H * 60 + p.M) * 60 + p.S) * 1000 + p.ms);
    }
    const r = addMonths(v, months);
    return r instanceof ErrorValue ? r : checked(r);
  }
  if (kind === 'day' || kind === 'week') {
    const days = amount * (kind === 'week' ? 7 : 1);
    if (v instanceof XDate && Number.isInteger(days)) {
      const r = plusDays(v, days);
      return r instanceof ErrorValue ? r : checked(r);
    }
    const start = v instanceof XDateTime ? v.ms : localMidnight(v).ms;
    return new XDateTime(start + days * MS_PER_DAY);
  }
  const start = v instanceof XDateTime ? v.ms : localMidnight(v).ms;
  return new XDateTime(start + amount * SECONDS[kind] * 1000);
});
