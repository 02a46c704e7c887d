// Logic functions: IF, IFS, SWITCH, AND, OR, NOT, XOR, ISBLANK, IFERROR.
import { equals, ErrorValue, isBlank, NA, toBool, VALUE, type Value } from '../values';
import { flatten } from './helpers';
import { register } from './registry';

function truthy(v: Value): boolean | ErrorValue {
  return toBool(v);
}

register('IF', {
  min: 2, max: 3, result: 'any', category: 'logic', signature: 'IF(condition, value_if_true, [value_if_false])',
  lazy: ([cond, yes, no]) => {
    const c = truthy(cond());
    if (c instanceof ErrorValue) return c;
    return c ? yes() : no ? no() : false;
  },
});

register('IFS', {
  min: 2, max: null, result: 'any', category: 'logic', signature: 'IFS(condition1, value1, [condition2, value2], ...)',
  lazy: (args) => {
    if (args.length % 2 !== 0) return NA;
    for (let i = 0; i < args.length; i += 2) {
      const c = truthy(args[i]());
      if (c instanceof ErrorValue) return c;
      if (c) return args[i + 1]();
    }
    return NA;
  },
});

register('SWITCH', {
  min: 3, max: null, result: 'any', category: 'logic', signature: 'SWITCH(expression, value1, result1, [value2, result2], ..., [default])',
  lazy: (args) => {
    const subject = args[0]();
    if (subject instanceof ErrorValue) return subject;
    const rest = args.slice(1);
    const pairs = Math.floor(rest.length / 2);
    for (let i = 0; i < pairs; i++) {
      const candidate = rest[2 * i]();
      if (candidate instanceof ErrorValue) return candidate;
      if (equals(subject, candidate)) return rest[2 * i + 1]();
    }
    return rest.length % 2 === 1 ? rest[rest.length - 1]() : NA;
  },
});

function logicalValues(args: Value[]): boolean[] | ErrorValue {
  const out: boolean[] = [];
  for (const v of flatten(args)) {
    if (v instanceof ErrorValue) return v;
    if (v === null || v === '') continue;
    const b = toBool(v);
    if (b instanceof ErrorValue) return b;
    out.push(b);
  }
  return out;
}

register('AND', {
  min: 1, max: null, result: 'boolean', category: 'logic', signature: 'AND(logical1, [logical2], ...)',
  call: (args) => {
    const vals = logicalValues(args);
    if (vals instanceof ErrorValue) return vals;
    return vals.length === 0 ? VALUE : vals.every(Boolean);
  },
});

register('OR', {
  min: 1, max: null, result: 'boolean', category: 'logic', signature: 'OR(logical1, [logical2], ...)',
  call: (args) => {
    const vals = logicalValues(args);
    if (vals instanceof ErrorValue) return vals;
    return vals.length === 0 ? VALUE : vals.some(Boolean);
  },
});

register('XOR', {
  min: 1, max: null, result: 'boolean', category: 'logic', signature: 'XOR(logical1, [logical2], ...)',
  call: (args) => {
    const vals = logicalValues(args);
    if (vals instanceof ErrorValue) return vals;
    return vals.length === 0 ? VALUE : vals.filter(Boolean).length % 2 === 1;
  },
});

register('NOT', {
  min: 1, max: 1, result: 'boolean', category: 'logic', signature: 'NOT(logical)',
  call: ([v]) => {
    const b = toBool(v);
    return b instanceof ErrorValue ? b : !b;
  },
});

register('ISBLANK', {
  min: 1, max: 1, result: 'boolean', category: 'logic', signature: 'ISBLANK(value)',
  call: ([v]) => isBlank(v),
});

register('IFERROR', {
  min: 2, max: 2, result: 'any', category: 'logic', signature: 'IFERROR(value, value_if_error)',
  lazy: ([value, fallback]) => {
    const v = value();
    return v instanceof ErrorValue ? fallback() : v;
  },
});
