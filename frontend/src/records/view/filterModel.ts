// Filter builder model: conditions in AND/OR groups, turned into a rule expression.
import type { FieldDef, FieldType } from '../../api/types';
import { quote } from '../shared/relations';

export type Op =
  | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'not_contains' | 'in' | 'not_in'
  | 'blank' | 'not_blank' | 'is_true' | 'is_false' | 'between';

export interface Condition { id: string; field: string; op: Op; value?: unknown }
export interface Group { id: string; combinator: 'and' | 'or'; conditions: Condition[] }
export interface FilterState { mode: 'builder' | 'raw'; combinator: 'and' | 'or'; groups: Group[]; raw: string }

export const EMPTY_FILTER: FilterState = { mode: 'builder', combinator: 'and', groups: [], raw: '' };

const NO_VALUE: Op[] = ['blank', 'not_blank', 'is_true', 'is_false'];

export function needsValue(op: Op): boolean {
  return !NO_VALUE.includes(op);
}

export function operatorsFor(type: FieldType): Op[] {
  switch (type) {
    case 'number': case 'rating': case 'rollup': case 'formula':
      return ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'between', 'blank', 'not_blank'];
    case 'date': case 'datetime':
      return ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'between', 'blank', 'not_blank'];
    case 'checkbox':
      return ['is_true', 'is_false'];
    case 'select':
      return ['eq', 'ne', 'in', 'not_in', 'blank', 'not_blank'];
    case 'multiselect': case 'users':
      return ['contains', 'not_contains', 'blank', 'not_blank'];
    case 'user': case 'department': case 'relation':
      return ['eq', 'ne', 'blank', 'not_blank'];
    default:
      return ['contains', 'not_contains', 'eq', 'ne', 'blank', 'not_blank'];
  }
}

function literal(field: FieldDef | undefined, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  const s = String(v);
  if (field && ['number', 'rating', 'rollup'].includes(field.type) && s.trim() !== '' && !Number.isNaN(Number(s))) return String(Number(s));
  return quote(s);
}

export function conditionExpression(c: Condition, field: FieldDef | undefined): string | null {
  const k = c.field;
  if (!k) return null;
  const v = c.value;
  const lit = (x: unknown) => literal(field, x);
  const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
  if (needsValue(c.op) && empty) return null;
  switch (c.op) {
    case 'eq': return `${k} = ${lit(v)}`;
    case 'ne': return `${k} != ${lit(v)}`;
    case 'gt': return `${k} > ${lit(v)}`;
    case 'ge': return `${k} >= ${lit(v)}`;
    case 'lt': return `${k} < ${lit(v)}`;
    case 'le': return `${k} <= ${lit(v)}`;
    case 'contains': return `CONTAINS(${k}, ${lit(v)})`;
    case 'not_contains': return `not CONTAINS(${k}, ${lit(v)})`;
    case 'in': return `${k} in [${(Array.isArray(v) ? v : [v]).map(lit).join(', ')}]`;
    case 'not_in': return `${k} not in [${(Array.isArray(v) ? v : [v]).map(lit).join(', ')}]`;
    case 'blank': return `ISBLANK(${k})`;
    case 'not_blank': return `not ISBLANK(${k})`;
    case 'is_true': return `${k} = TRUE`;
    case 'is_false': return `${k} != TRUE`;
    case 'between': {
      const [a, b] = Array.isArray(v) ? v : [];
      const parts = [a !== undefined && a !== null && a !== '' ? `${k} >= ${lit(a)}` : null, b !== undefined && b !== null && b !== '' ? `${k} <= ${lit(b)}` : null].filter(Boolean);
      return parts.length ? parts.join(' and ') : null;
    }
  }
}

/** The rule expression for the filter, or '' when it filters nothing. */
export function filterExpression(state: FilterState, fields: FieldDef[]): string {
  if (state.mode === 'raw') return state.raw.trim();
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const groups = state.groups
    .map((g) => {
      const parts = g.conditions.map((c) => conditionExpression(c, byKey.get(c.field))).filter((x): x is string => !!x);
      if (!parts.length) return null;
      return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(` ${g.combinator} `);
    })
    .filter((x): x is string => !!x);
  if (groups.length === 0) return '';
  if (groups.length === 1) return groups[0];
  return groups.map((g) => `(${g})`).join(` ${state.combinator} `);
}

let seq = 0;
export const newId = () => `c${Date.now().toString(36)}${(seq++).toString(36)}`;
