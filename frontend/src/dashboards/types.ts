// Dashboards and report specs of FORMATS.md section 4 as the builder edits them.
import type { Label } from '../api/types';

export const CHART_TYPES = [
  'kpi', 'bar', 'stacked_bar', 'line', 'area', 'dual_axis', 'pie', 'funnel', 'radar', 'table', 'pivot', 'scatter', 'heatmap',
] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export const KINDS = ['table', 'pivot', 'funnel', 'cohort', 'rfm', 'repurchase'] as const;
export type Kind = (typeof KINDS)[number];

export const AGGS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'median'] as const;
export type Agg = (typeof AGGS)[number];

export const BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface Dimension { field: string; bucket?: Bucket; as?: string }
export interface Measure { agg: Agg; field?: string; as?: string }

export interface ReportSpec {
  kind?: Kind;
  source: string;
  filter?: string;
  dimensions?: Dimension[];
  measures?: Measure[];
  rows?: Dimension[];
  columns?: Dimension[];
  sort?: { by: string; desc?: boolean }[];
  limit?: number;
  field?: string;
  stages?: string[];
  cumulative?: boolean;
  customer?: string;
  date?: string;
  amount?: string;
  as_of?: string;
  periods?: number;
  period?: string;
  totals?: boolean;
  [k: string]: unknown;
}

export interface Layout { x: number; y: number; w: number; h: number }

export interface Widget {
  id: string;
  title?: Label;
  chart: ChartType;
  query: ReportSpec;
  layout?: Layout;
  linkage?: boolean;
  /** Display hints: `value` picks the column a KPI or chart shows, `format: percent` scales fractions. */
  ui?: { value?: string; format?: 'percent' | string; [k: string]: unknown };
}

export interface DashboardFilter {
  key: string;
  label?: Label;
  type: 'date_range' | 'select';
  field: string;
  options?: string[];
}

export interface DashboardDef {
  key: string;
  name: Label;
  description?: string;
  filters?: DashboardFilter[];
  widgets: Widget[];
  ui?: Record<string, unknown>;
}

export interface DashboardInfo {
  id: string;
  app_id: string;
  key: string;
  version?: number;
  definition: DashboardDef;
}

export interface Column { key: string; label?: Label; type?: string }

export interface ReportResult {
  columns: Column[];
  rows: unknown[][];
  elapsed_ms?: number;
  error?: { code: string; message: string };
}

export type FilterValues = Record<string, unknown> & {
  _linkage?: { widget: string; field: string; value: unknown; bucket?: string; label?: string };
};
