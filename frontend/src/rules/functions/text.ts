// Text functions; positions count characters (code points), 1-based like Excel.
import { checkText, ErrorValue, fold, isBlank, isList, MAX_LIST_LENGTH, textToNumber, toText, VALUE, type Value } from '../values';
import { formatValue } from './format';
import { chars, flatten, guard, int, num, text } from './helpers';
import { register } from './registry';

function joinAll(args: Value[]): Value {
  return guard(() => checkText(flatten(args).map(text).join('')));
}

register('CONCATENATE', { min: 1, max: null, result: 'text', category: 'text', signature: 'CONCATENATE(text1, [text2], ...)', call: joinAll });
register('CONCAT', { min: 1, max: null, result: 'text', category: 'text', signature: 'CONCAT(text1, [text2], ...)', call: joinAll });

register('TEXTJOIN', { min: 3, max: null, result: 'text', category: 'text', signature: 'TEXTJOIN(delimiter, ignore_empty, text1, [text2], ...)',
  call: ([delim, ignore, ...rest]) => guard(() => {
    const sep = text(delim);
    const skip = Boolean(num(ignore));
    const parts = flatten(rest).map(text).filter((s) => !(skip && s === ''));
    return checkText(parts.join(sep));
  }) });

register('TEXT', { min: 2, max: 2, result: 'text', category: 'text', signature: 'TEXT(value, format)',
  call: ([v, f]) => guard(() => formatValue(v, text(f))) });

register('LEFT', { min: 1, max: 2, result: 'text', category: 'text', signature: 'LEFT(text, [count])',
  call: ([t, n]) => guard(() => { const k = n === undefined ? 1 : int(n); return k < 0 ? VALUE : chars(text(t)).slice(0, k).join(''); }) });

register('RIGHT', { min: 1, max: 2, result: 'text', category: 'text', signature: 'RIGHT(text, [count])',
  call: ([t, n]) => guard(() => {
    const k = n === undefined ? 1 : int(n);
    if (k < 0) return VALUE;
    const cs = chars(text(t));
    return k === 0 ? '' : cs.slice(Math.max(0, cs.length - k)).join('');
  }) });

register('MID', { min: 3, max: 3, result: 'text', category: 'text', signature: 'MID(text, start, count)',
  call: ([t, s, n]) => guard(() => {
    const start = int(s), k = int(n);
    if (start < 1 || k < 0) return VALUE;
    return chars(text(t)).slice(start - 1, start - 1 + k).join('');
  }) });

register('LEN', { min: 1, max: 1, result: 'number', category: 'text', signature: 'LEN(text)',
  call: ([t]) => guard(() => chars(text(t)).length) });

register('UPPER', { min: 1, max: 1, result: 'text', category: 'text', signature: 'UPPER(text)', call: ([t]) => guard(() => text(t).toUpperCase()) });
register('LOWER', { min: 1, max: 1, result: 'text', category: 'text', signature: 'LOWER(text)', call: ([t]) => guard(() => text(t).toLowerCase()) });

register('TRIM', { min: 1, max: 1, result: 'text', category: 'text', signature: 'TRIM(text)',
  call: ([t]) => guard(() => text(t).split(' ').filter((p) => p !== '').join(' ')) });

register('REPLACE', { min: 4, max: 4, result: 'text', category: 'text', signature: 'REPLACE(text, start, count, new_text)',
  call: ([t, s, n, r]) => guard(() => {
    const start = int(s), k = int(n);
    if (start < 1 || k < 0) return VALUE;
    const cs = chars(text(t));
    return checkText(cs.slice(0, start - 1).join('') + text(r) + cs.slice(start - 1 + k).join(''));
  }) });

register('SUBSTITUTE', { min: 3, max: 4, result: 'text', category: 'text', signature: 'SUBSTITUTE(text, old_text, new_text, [instance])',
  call: ([t, o, nw, inst]) => guard(() => {
    const s = text(t), old = text(o), repl = text(nw);
    if (old === '') return s;
    if (inst === undefined) return checkText(s.split(old).join(repl));
    const which = int(inst);
    if (which < 1) return VALUE;
    let idx = -1;
    for (let i = 0; i < which; i++) {
      idx = s.indexOf(old, idx + 1);
      if (idx < 0) return s;
    }
    return checkText(s.slice(0, idx) + repl + s.slice(idx + old.length));
  }) });

function findIn(needle: string, hay: string, start: number, insensitive: boolean): Value {
  const hs = chars(hay);
  if (start < 1 || start > hs.length + 1) return VALUE;
  const h = insensitive ? fold(hs.join('')).toLowerCase() : hs.join('');
  const n = insensitive ? needle.toLowerCase() : needle;
  if (insensitive && /[*?]/.test(n)) {
    const re = new RegExp(n.split('').map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join(''), 'u');
    const sub = chars(h).slice(start - 1).join('');
    const m = re.exec(sub);
    return m ? chars(sub.slice(0, m.index)).length + start : VALUE;
  }
  const prefix = chars(h).slice(0, start - 1).join('');
  const idx = h.indexOf(n, prefix.length);
  return idx < 0 ? VALUE : chars(h.slice(0, idx)).length + 1;
}

register('SEARCH', { min: 2, max: 3, result: 'number', category: 'text', signature: 'SEARCH(find_text, within_text, [start])',
  call: ([f, w, s]) => guard(() => findIn(text(f), text(w), s === undefined ? 1 : int(s), true)) });

register('FIND', { min: 2, max: 3, result: 'number', category: 'text', signature: 'FIND(find_text, within_text, [start])',
  call: ([f, w, s]) => guard(() => findIn(text(f), text(w), s === undefined ? 1 : int(s), false)) });

register('REPT', { min: 2, max: 2, result: 'text', category: 'text', signature: 'REPT(text, times)',
  call: ([t, n]) => guard(() => {
    const k = int(n);
    if (k < 0) return VALUE;
    const s = text(t);
    checkText('x'.repeat(Math.min(s.length * k, 100_001)));
    return s.repeat(k);
  }) });

register('VALUE', { min: 1, max: 1, result: 'number', category: 'text', signature: 'VALUE(text)',
  call: ([t]) => {
    if (typeof t === 'number') return t;
    if (t instanceof ErrorValue) return t;
    if (t === null) return 0;
    const s = toText(t);
    return s instanceof ErrorValue ? s : textToNumber(s);
  } });

register('CONTAINS', { min: 2, max: 2, result: 'boolean', category: 'text', signature: 'CONTAINS(text_or_list, part)',
  call: ([hay, needle]) => guard(() => {
    if (hay instanceof ErrorValue) return hay;
    if (needle instanceof ErrorValue) return needle;
    if (isList(hay)) {
      const n = fold(text(needle));
      return flatten([hay]).some((item) => !isBlank(item) && fold(text(item)) === n);
    }
    return fold(text(hay)).includes(fold(text(needle)));
  }) });

register('SPLIT', { min: 2, max: 2, result: 'list', category: 'text', signature: 'SPLIT(text, delimiter)',
  call: ([t, d]) => guard(() => {
    const s = text(t), sep = text(d);
    if (s === '') return [];
    const parts = sep === '' ? chars(s) : s.split(sep);
    if (parts.length > MAX_LIST_LENGTH) return VALUE;
    return parts;
  }) });
