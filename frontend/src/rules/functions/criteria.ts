// Excel criteria for COUNTIF/SUMIF/AVERAGEIF: ">5", "<>x", "=x", "app*", or a plain value.
import { compare, fold, isBlank, parseDateText, textToNumber, type Value } from '../values';

function wildcardRegex(pattern: string): RegExp | null {
  if (!/[*?]/.test(pattern)) return null;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '~' && i + 1 < pattern.length) { re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); continue; }
    if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

export function makeCriteria(criteria: Value): (v: Value) => boolean {
  if (typeof criteria !== 'string') {
    return (v) => {
      if (criteria === null) return isBlank(v);
      if (typeof criteria === 'number' && typeof v === 'string') {
        const n = textToNumber(v);
        return typeof n === 'number' && n === criteria;
      }
      const c = compare(v, criteria);
      return c === 0 && typeof v === typeof criteria;
    };
  }
  const m = /^(<=|>=|<>|=|<|>)?([\s\S]*)$/.exec(criteria)!;
  const op = m[1] ?? '=';
  const raw = m[2];
  const asNumber = raw.trim() === '' ? null : textToNumber(raw);
  const operand: Value = typeof asNumber === 'number' ? asNumber : parseDateText(raw.trim()) ?? raw;
  const wildcard = typeof operand === 'string' ? wildcardRegex(operand) : null;

  return (v) => {
    if (op === '=' || op === '<>') {
      let hit: boolean;
      if (raw === '') hit = isBlank(v);
      else if (wildcard) hit = typeof v === 'string' && wildcard.test(v);
      else if (typeof operand === 'number') {
        const n = typeof v === 'number' ? v : typeof v === 'string' ? textToNumber(v) : null;
        hit = typeof n === 'number' && n === operand;
      } else if (typeof operand === 'string') hit = typeof v === 'string' && fold(v) === fold(operand);
      else hit = compare(v, operand) === 0;
      return op === '=' ? hit : !hit;
    }
    if (isBlank(v)) return false;
    if (typeof operand === 'number' && typeof v !== 'number') return false;
    if (typeof operand === 'string' && typeof v !== 'string') return false;
    const c = compare(v, operand);
    if (typeof c !== 'number') return false;
    switch (op) {
      case '<': return c < 0;
      case '<=': return c <= 0;
      case '>': return c > 0;
      default: return c >= 0;
    }
  };
}
