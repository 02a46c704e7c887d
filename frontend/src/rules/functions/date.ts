// Date functions; calendar dates are read in the workspace time zone.
import {
  dateFromSerial, ErrorValue, isList, localMidnight, nowMs, NUM, serialOf, toDate, toDay, today, VALUE,
  XDate, XDateTime, zoneParts, type Value,
} from '../values';
import { Bail, flatten, guard, int, num, text } from './helpers';
import { register } from './registry';

function day(v: Value): XDate {
  if (isList(v)) throw new Bail(VALUE);
  const d = toDay(v);
  if (d instanceof ErrorValue) throw new Bail(d);
  return d;
}

function instant(v: Value): XDate | XDateTime {
  if (isList(v)) throw new Bail(VALUE);
  const d = toDate(v);
  if (d instanceof ErrorValue) throw new Bail(d);
  return d;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Date from year, month, day with Excel's overflow (month 13 -> next year, day 0 -> last day). */
export function makeDate(y: number, m: number, d: number): XDate | ErrorValue {
  if (y >= 0 && y < 1900) y += 1900;
  const totalMonths = y * 12 + (m - 1);
  const yy = Math.floor(totalMonths / 12), mm = totalMonths - yy * 12 + 1;
  if (yy < 1 || yy > 9999) return NUM;
  const first = new XDate(yy, mm, 1).epochDay;
  const result = XDate.fromEpochDay(first + d - 1);
  if (result.y < 1 || result.y > 9999) return NUM;
  return result;
}

function addMonths(d: XDate, months: number): XDate | ErrorValue {
  const total = d.y * 12 + (d.m - 1) + months;
  const y = Math.floor(total / 12), m = total - y * 12 + 1;
  if (y < 1 || y > 9999) return NUM;
  return new XDate(y, m, Math.min(d.d, daysInMonth(y, m)));
}

register('TODAY', { min: 0, max: 0, result: 'date', category: 'date', signature: 'TODAY()', call: () => today() });
register('NOW', { min: 0, max: 0, result: 'datetime', category: 'date', signature: 'NOW()', call: () => new XDateTime(Math.floor(nowMs() / 1000) * 1000) });

register('DATE', { min: 3, max: 3, result: 'date', category: 'date', signature: 'DATE(year, month, day)',
  call: ([y, m, d]) => guard(() => makeDate(int(y), int(m), int(d))) });

register('YEAR', { min: 1, max: 1, result: 'number', category: 'date', signature: 'YEAR(date)', call: ([v]) => guard(() => day(v).y) });
register('MONTH', { min: 1, max: 1, result: 'number', category: 'date', signature: 'MONTH(date)', call: ([v]) => guard(() => day(v).m) });
register('DAY', { min: 1, max: 1, result: 'number', category: 'date', signature: 'DAY(date)', call: ([v]) => guard(() => day(v).d) });

register('HOUR', { min: 1, max: 1, result: 'number', category: 'date', signature: 'HOUR(datetime)',
  call: ([v]) => guard(() => { const d = instant(v); return d instanceof XDate ? 0 : zoneParts(d.ms).H; }) });

register('MINUTE', { min: 1, max: 1, result: 'number', category: 'date', signature: 'MINUTE(datetime)',
  call: ([v]) => guard(() => { const d = instant(v); return d instanceof XDate ? 0 : zoneParts(d.ms).M; }) });

register('WEEKDAY', { min: 1, max: 2, result: 'number', category: 'date', signature: 'WEEKDAY(date, [type])',
  call: ([v, t]) => guard(() => {
    const wd = day(v).weekday(); // Monday = 0
    const type = t === undefined ? 1 : int(t);
    switch (type) {
      case 1: case 17: return ((wd + 1) % 7) + 1;
      case 2: case 11: return wd + 1;
      case 3: return wd;
      case 12: case 13: case 14: case 15: case 16: return ((wd - (type - 11) + 7) % 7) + 1;
      default: return NUM;
    }
  }) });

register('WEEKNUM', { min: 1, max: 2, result: 'number', category: 'date', signature: 'WEEKNUM(date, [type])',
  call: ([v, t]) => guard(() => {
    const d = day(v);
    const type = t === undefined ? 1 : int(t);
    if (type === 21) return isoWeek(d);
    const startDay: Record<number, number> = { 1: 6, 17: 6, 2: 0, 11: 0, 12: 1, 13: 2, 14: 3, 15: 4, 16: 5 }; // Monday = 0
    const start = startDay[type];
    if (start === undefined) return NUM;
    const jan1 = new XDate(d.y, 1, 1);
    const offset = (jan1.weekday() - start + 7) % 7;
    return Math.floor((d.epochDay - jan1.epochDay + offset) / 7) + 1;
  }) });

function isoWeek(d: XDate): number {
  const wd = d.weekday();
  const thursday = XDate.fromEpochDay(d.epochDay - wd + 3);
  const jan1 = new XDate(thursday.y, 1, 1);
  return Math.floor((thursday.epochDay - jan1.epochDay) / 7) + 1;
}

register('ISOWEEKNUM', { min: 1, max: 1, result: 'number', category: 'date', signature: 'ISOWEEKNUM(date)', call: ([v]) => guard(() => isoWeek(day(v))) });

register('DATEDIF', { min: 3, max: 3, result: 'number', category: 'date', signature: 'DATEDIF(start, end, unit)',
  call: ([s, e, u]) => guard(() => {
    const a = day(s), b = day(e);
    const unit = text(u).trim().toUpperCase();
    if (a.epochDay > b.epochDay) return NUM;
    let months = (b.y - a.y) * 12 + (b.m - a.m);
    if (b.d < a.d) months -= 1;
    switch (unit) {
      case 'D': return b.epochDay - a.epochDay;
      case 'M': return months;
      case 'Y': return Math.floor(months / 12);
      case 'YM': return months % 12;
      case 'MD': {
        if (b.d >= a.d) return b.d - a.d;
        const pm = b.m === 1 ? 12 : b.m - 1, py = b.m === 1 ? b.y - 1 : b.y;
        return daysInMonth(py, pm) - a.d + b.d;
      }
      case 'YD': {
        let anniversary = addMonths(a, Math.floor(months / 12) * 12);
        if (anniversary instanceof ErrorValue) return anniversary;
        if (anniversary.epochDay > b.epochDay) anniversary = addMonths(a, (Math.floor(months / 12) - 1) * 12) as XDate;
        return b.epochDay - anniversary.epochDay;
      }
      default: return NUM;
    }
  }) });

register('DAYS', { min: 2, max: 2, result: 'number', category: 'date', signature: 'DAYS(end, start)',
  call: ([e, s]) => guard(() => day(e).epochDay - day(s).epochDay) });

register('EDATE', { min: 2, max: 2, result: 'date', category: 'date', signature: 'EDATE(start, months)',
  call: ([s, m]) => guard(() => addMonths(day(s), int(m))) });

register('EOMONTH', { min: 2, max: 2, result: 'date', category: 'date', signature: 'EOMONTH(start, months)',
  call: ([s, m]) => guard(() => {
    const shifted = addMonths(new XDate(day(s).y, day(s).m, 1), int(m));
    if (shifted instanceof ErrorValue) return shifted;
    return new XDate(shifted.y, shifted.m, daysInMonth(shifted.y, shifted.m));
  }) });

register('NETWORKDAYS', { min: 2, max: 3, result: 'number', category: 'date', signature: 'NETWORKDAYS(start, end, [holidays])',
  call: ([s, e, h]) => guard(() => {
    let a = day(s).epochDay, b = day(e).epochDay;
    const sign = a > b ? -1 : 1;
    if (a > b) [a, b] = [b, a];
    const holidays = new Set<number>();
    if (h !== undefined && h !== null) for (const x of flatten([h])) if (x !== null && x !== '') holidays.add(day(x).epochDay);
    if (b - a > 3_660_000) return NUM;
    let count = 0;
    for (let d = a; d <= b; d++) {
      const wd = (((d + 3) % 7) + 7) % 7;
      if (wd < 5 && !holidays.has(d)) count++;
    }
    return sign * count;
  }) });

const UNITS: Record<string, 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second'> = {
  y: 'year', year: 'year', years: 'year', yyyy: 'year',
  m: 'month', month: 'month', months: 'month', mm: 'month',
  w: 'week', week: 'week', weeks: 'week', ww: 'week',
  d: 'day', day: 'day', days: 'day', dd: 'day',
  h: 'hour', hour: 'hour', hours: 'hour', hh: 'hour',
  mi: 'minute', n: 'minute', minute: 'minute', minutes: 'minute', min: 'minute',
  s: 'second', second: 'second', seconds: 'second', ss: 'second',
};

register('DATEADD', { min: 2, max: 3, result: 'date', category: 'date', signature: 'DATEADD(date, amount, [unit])',
  call: ([v, n, u]) => guard(() => {
    const base = instant(v);
    const amount = num(n);
    const unit = UNITS[(u === undefined ? 'day' : text(u)).trim().toLowerCase()];
    if (!unit) return VALUE;
    if (unit === 'year' || unit === 'month') {
      const months = Math.trunc(amount) * (unit === 'year' ? 12 : 1);
      if (base instanceof XDate) return addMonths(base, months);
      const p = zoneParts(base.ms);
      const d = addMonths(new XDate(p.y, p.m, p.d), months);
      if (d instanceof ErrorValue) return d;
      return new XDateTime(localMidnight(d).ms + ((p.H * 60 + p.M) * 60 + p.S) * 1000);
    }
    const days = unit === 'week' ? amount * 7 : unit === 'day' ? amount : unit === 'hour' ? amount / 24 : unit === 'minute' ? amount / 1440 : amount / 86400;
    if (base instanceof XDate) {
      if (Number.isInteger(days)) return XDate.fromEpochDay(base.epochDay + days);
      return dateFromSerial(serialOf(base) + days);
    }
    return new XDateTime(base.ms + Math.round(days * 86_400_000));
  }) });
