// Live form state from a definition: defaults, formulas, visibility and required-when via the TS evaluator.
import type { FieldDef, FormDefinition } from '../../api/types';
import { defaultExpression, isEmptyValue, schemaOf } from '../../forms/model';
import { evaluate, evaluateCondition, type Schema } from '../../rules';

export type RecordData = Record<string, unknown>;

export interface EvalContext {
  tz: string;
  currentUser?: string | null;
  recordId?: string | null;
}

export interface LiveState {
  data: RecordData;
  visible: Record<string, boolean>;
  required: Record<string, boolean>;
  /** Formula results that are error values (#DIV/0!, ...), for display. */
  formulaErrors: Record<string, string>;
}

function envOf(ctx: EvalContext) {
  return { tz: ctx.tz, currentUser: ctx.currentUser ?? null, recordId: ctx.recordId ?? null };
}

function coerceResult(value: unknown, f: FieldDef): unknown {
  if (f.result === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return value;
}

function computeFormula(f: FieldDef, data: RecordData, schema: Schema, ctx: EvalContext, row?: RecordData, rowSchema?: Schema): { value: unknown; error?: string } {
  if (!f.expression?.trim()) return { value: null };
  const r = evaluate(f.expression, data, { schema, env: envOf(ctx), row, rowSchema });
  if (!r.ok) return { value: null, error: '#ERROR' };
  if (r.isError) return { value: null, error: r.value };
  return { value: coerceResult(r.value, f) };
}

/** Initial values for a new record: literal defaults, default expressions, current user. */
export function initialData(def: FormDefinition, ctx: EvalContext): RecordData {
  const data: RecordData = {};
  const schema = schemaOf(def.fields);
  for (const f of def.fields) {
    if (f.type === 'section' || f.default === undefined) continue;
    const expr = defaultExpression(f);
    if (expr) {
      const r = evaluate(expr, data, { schema, env: envOf(ctx) });
      if (r.ok && !r.isError) data[f.key] = r.value;
    } else if (f.default === 'current_user' && (f.type === 'user' || f.type === 'users')) {
      if (ctx.currentUser) data[f.key] = f.type === 'users' ? [ctx.currentUser] : ctx.currentUser;
    } else {
      data[f.key] = f.default;
    }
  }
  for (const f of def.fields) if (f.type === 'subform' && data[f.key] === undefined) data[f.key] = [];
  return data;
}

/**
 * Recomputes derived values. Default expressions of fields the user has not touched follow their
 * inputs; formulas (also in subform rows) are evaluated in field order, twice so that formulas may
 * read formulas defined after them.
 */
export function computeLive(def: FormDefinition, input: RecordData, ctx: EvalContext, touched: Set<string> = new Set(), isNew = true): LiveState {
  const schema = schemaOf(def.fields);
  const data: RecordData = { ...input };
  const formulaErrors: Record<string, string> = {};

  if (isNew) {
    for (const f of def.fields) {
      const expr = defaultExpression(f);
      if (!expr || touched.has(f.key)) continue;
      const r = evaluate(expr, data, { schema, env: envOf(ctx) });
      if (r.ok && !r.isError) data[f.key] = r.value;
    }
  }

  for (let pass = 0; pass < 2; pass++) {
    for (const f of def.fields) {
      if (f.type === 'formula') {
        const { value, error } = computeFormula(f, data, schema, ctx);
        data[f.key] = value;
        if (error) formulaErrors[f.key] = error;
        else delete formulaErrors[f.key];
      } else if (f.type === 'subform' && Array.isArray(data[f.key])) {
        const cols = f.fields ?? [];
        const formulas = cols.filter((c) => c.type === 'formula');
        if (!formulas.length) continue;
        const spec = schema[f.key];
        const rowSchema = typeof spec === 'object' ? spec.fields ?? {} : {};
        data[f.key] = (data[f.key] as RecordData[]).map((row, i) => {
          const next = { ...row };
          for (const c of formulas) {
            const { value, error } = computeFormula(c, data, schema, ctx, next, rowSchema);
            next[c.key] = value;
            const path = `${f.key}[${i}].${c.key}`;
            if (error) formulaErrors[path] = error;
            else delete formulaErrors[path];
          }
          return next;
        });
      }
    }
  }

  const visible: Record<string, boolean> = {};
  const required: Record<string, boolean> = {};
  let sectionVisible = true;
  for (const f of def.fields) {
    const own = !f.hidden && (!f.visible_when?.trim() || evaluateCondition(f.visible_when, data, { schema, env: envOf(ctx) }));
    if (f.type === 'section') {
      sectionVisible = own;
      visible[f.key] = own;
      continue;
    }
    visible[f.key] = sectionVisible && own;
    required[f.key] = !!f.required || (!!f.required_when?.trim() && evaluateCondition(f.required_when, data, { schema, env: envOf(ctx) }));
  }
  return { data, visible, required, formulaErrors };
}

/** Client-side check before sending: required fields that are visible and empty. */
export function missingRequired(def: FormDefinition, state: LiveState): string[] {
  const out: string[] = [];
  for (const f of def.fields) {
    if (f.type === 'section' || !state.visible[f.key] || !state.required[f.key]) continue;
    if (['formula', 'lookup', 'rollup', 'serial'].includes(f.type)) continue;
    if (isEmptyValue(state.data[f.key])) out.push(f.key);
  }
  return out;
}

const COMPUTED = new Set(['formula', 'lookup', 'rollup', 'serial', 'section']);

/** The data to send: stored, user-entered fields only (the server computes the rest). */
export function payloadOf(def: FormDefinition, data: RecordData, onlyFields?: Set<string>): RecordData {
  const out: RecordData = {};
  for (const f of def.fields) {
    if (COMPUTED.has(f.type)) continue;
    if (onlyFields && !onlyFields.has(f.key)) continue;
    if (!(f.key in data)) continue;
    let v = data[f.key];
    if (f.type === 'subform' && Array.isArray(v)) {
      const cols = (f.fields ?? []).filter((c) => !COMPUTED.has(c.type));
      v = (v as RecordData[]).map((row) => Object.fromEntries(cols.filter((c) => c.key in row).map((c) => [c.key, row[c.key]])));
    }
    out[f.key] = v === undefined ? null : v;
  }
  return out;
}
