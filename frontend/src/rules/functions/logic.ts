// Logic functions: IF, IFS, SWITCH, AND, OR, NOT, XOR, ISBLANK, ISERROR, IFERROR (mirrors logic.py).
import { equals, ErrorValue, isBlank, NA, toBool, VALUE, type Value } from '../values';
import { flatten } from './helpers';
import { register, registerLazy } from './registry';

registerLazy('IF', ([cond, yes, no]) => {
  const c = toBool(cond());
  if (c instanceof ErrorValue) return c;
  if (c) return yes();
  return no ? no() : false;
});

registerLazy('IFS', (args) => {
  if (args.length % 2) return VALUE;
  for (let i = 0; i < args.length; i += 2) {
    const c = toBool(args[i]());
    if (c instanceof ErrorValue) return c;
    if (c) return args[i + 1]();
  }
  return NA;
});

registerLazy('SWITCH', (args) => {
  const value = args[0]();
  if (value instanceof ErrorValue) return value;
  const rest = args.slice(1);
  for (let i = 0; i + 1 < rest.length; i += 2) {
    const c = rest[i]();
    if (c instanceof ErrorValue) return c;
    if (equals(value, c)) return rest[i + 1]();
  }
  if (rest.length % 2) return rest[rest.length - 1]();
  return NA;
});

function* truthValues(values: Value[]): Generator<boolean | ErrorValue> {
  for (const [raw, inList] of flatten(values)) {
    let v = raw;
    if (v instanceof ErrorValue) { yield v; return; }
    if (v === null || v === '') {
      if (inList) continue;
      v = false;
    }
    yield toBool(v);
  }
}

register('AND', (...values) => {
  let result = true;
  for (const b of truthValues(values)) {
    if (b instanceof ErrorValue) return b;
    result = result && b;
  }
  return result;
});

register('OR', (...values) => {
  let result = false;
  for (const b of truthValues(values)) {
    if (b instanceof ErrorValue) return b;
    result = result || b;
  }
  return result;
});

register('XOR', (...values) => {
  let count = 0;
  for (const b of truthValues(values)) {
    if (b instanceof ErrorValue) return b;
    if (b) count++;
  }
  return count % 2 === 1;
});

register('NOT', (value) => !value);
register('ISBLANK', (value) => isBlank(value));
register('ISERROR', (value) => value instanceof ErrorValue);

registerLazy('IFERROR', ([value, fallback]) => {
  const v = value();
  return v instanceof ErrorValue ? fallback() : v;
});
