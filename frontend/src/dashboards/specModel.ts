// Small pure helpers over report specs: which fields suit which slot, and a spec fit to run.
import type { FieldDef } from '../api/types';
import type { Dimension, Kind, Measure, ReportSpec } from './types';

export const DATE_TYPES = new Set(['date', 'datetime']);
const NUMBER_TYPES = new Set(['number', 'rating', 'formula', 'rollup']);
const NOT_GROUPABLE = new Set(['section', 'subform', 'file', 'image', 'signature', 'richtext', 'location']);

export function groupable(fields: FieldDef[]): FieldDef[] {
  return fields.filter((f) => !NOT_GROUPABLE.has(f.type));
}

export function isNumberField(f: FieldDef | undefined): boolean {
  return !!f && (NUMBER_TYPES.has(f.type) && (f.type !== 'formula' || f.result === 'number' || !f.result));
}

/** A new dimension: dates are bucketed by month unless told otherwise. */
export function dimensionFor(field: FieldDef): Dimension {
  return DATE_TYPES.has(field.type) ? { field: field.key, bucket: 'month' } : { field: field.key };
}

/** A new measure: numbers are summed, anything else counted distinct. */
export function measureFor(field: FieldDef): Measure {
  return isNumberField(field) ? { agg: 'sum', field: field.key } : { agg: 'count_distinct', field: field.key };
}

/** The spec without empty parts the server's schema would refuse; null when it cannot run yet. */
export function runnableSpec(spec: ReportSpec): ReportSpec | null {
  if (!spec.source) return null;
  const out: ReportSpec = { ...spec };
  if (!out.filter?.trim()) delete out.filter;
  const kind: Kind = out.kind ?? 'table';
  if (kind === 'table') {
    if (!out.measures?.length && !out.dimensions?.length) return null;
    if (!out.dimensions?.length) delete out.dimensions;
    if (!out.measures?.length) out.measures = [{ agg: 'count' }];
  }
  if (kind === 'pivot' && (!out.rows?.length || !out.measures?.length)) return null;
  if ((kind === 'cohort' || kind === 'repurchase') && (!out.customer || !out.date)) return null;
  if (kind === 'rfm' && (!out.customer || !out.date || !out.amount)) return null;
  if (kind === 'funnel' && !(out.field && out.stages?.length) && !(out.customer && out.date)) return null;
  return out;
}

/** Keeps only the keys a kind understands, so switching kinds leaves no stray parameters. */
export function switchKind(spec: ReportSpec, kind: Kind): ReportSpec {
  const common = { source: spec.source, filter: spec.filter };
  switch (kind) {
    case 'table': return { ...common, dimensions: spec.dimensions ?? spec.rows ?? [], measures: spec.measures ?? [{ agg: 'count' }] };
    case 'pivot': return { ...common, kind, rows: spec.rows ?? spec.dimensions ?? [], columns: spec.columns ?? [], measures: spec.measures ?? [{ agg: 'count' }] };
    case 'funnel': return { ...common, kind, field: spec.field, stages: spec.stages ?? [] };
    case 'cohort': return { ...common, kind, customer: spec.customer, date: spec.date, periods: spec.periods ?? 12 };
    case 'rfm': return { ...common, kind, customer: spec.customer, date: spec.date, amount: spec.amount };
    case 'repurchase': return { ...common, kind, customer: spec.customer, date: spec.date, amount: spec.amount };
  }
}
