// Helpers over form definitions: stored fields, the rule-evaluator schema, empty values.
import type { FieldDef, FormDefinition } from '../api/types';
import type { Schema } from '../rules';
import { storesValue } from './fieldKinds';

export function storedFields(fields: FieldDef[]): FieldDef[] {
  return fields.filter((f) => storesValue(f.type));
}

const AGG_RESULT: Record<string, string> = { count: 'number', count_distinct: 'number', sum: 'number', avg: 'number' };

/** The rule engine's view of a form (as app/form_engine/rule_schema.py): key -> {type, result, fields}. */
export function schemaOf(fields: FieldDef[]): Schema {
  const out: Schema = {};
  for (const f of storedFields(fields)) {
    if (f.type === 'subform') out[f.key] = { type: 'subform', fields: schemaOf(f.fields ?? []) };
    else if (f.type === 'formula') out[f.key] = { type: 'formula', result: f.result ?? 'any' };
    else if (f.type === 'rollup') out[f.key] = { type: 'rollup', result: (f.result as string | undefined) ?? AGG_RESULT[f.agg ?? ''] ?? 'number' };
    else if (f.type === 'lookup') out[f.key] = { type: 'lookup', result: (f.result as string | undefined) ?? 'any' };
    else out[f.key] = { type: f.type };
  }
  return out;
}

export function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as object).every(isEmptyValue);
  return false;
}

export function defaultExpression(f: FieldDef): string | null {
  const d = f.default;
  if (d && typeof d === 'object' && !Array.isArray(d) && typeof (d as { expression?: unknown }).expression === 'string') {
    return (d as { expression: string }).expression;
  }
  return null;
}

export function emptyDefinition(key = 'form', name = ''): FormDefinition {
  return { key, name: name || key, fields: [], settings: { public: { enabled: false }, edit_after_submit: true } };
}
