// Turns a report result into an ECharts option for each chart type, and a click into a data point.
import type { ChartType, Column, ReportResult } from './types';

const NUMERIC = new Set(['number', 'integer', 'decimal', 'float', 'money', 'percent', 'count']);

export interface ClickParams { seriesName?: string; seriesIndex?: number; dataIndex?: number; name?: string; value?: unknown }

export interface BuiltChart {
  option: Record<string, unknown>;
  /** The clicked element as {column key: value} of the dimensions behind it. */
  pointAt: (p: ClickParams) => Record<string, unknown> | null;
}

export function isNumericColumn(c: Column, rows: unknown[][], index: number): boolean {
  if (c.type) return NUMERIC.has(c.type);
  return rows.length > 0 && rows.every((r) => r[index] == null || typeof r[index] === 'number');
}

/** Leading non-numeric columns are dimensions; numeric ones are measures. */
export function splitColumns(result: ReportResult): { dims: number[]; measures: number[] } {
  const dims: number[] = [];
  const measures: number[] = [];
  result.columns.forEach((c, i) => (isNumericColumn(c, result.rows, i) ? measures : dims).push(i));
  if (dims.length === 0 && measures.length > 1) dims.push(measures.shift()!);
  return { dims, measures };
}

export function formatNumber(value: unknown, lang: string, format?: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value == null ? '—' : String(value);
  if (format === 'percent') return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  return new Intl.NumberFormat(lang, { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 }).format(value);
}

/** Only the dimensions and the `value` column, when a widget names the one column it shows. */
export function focusResult(result: ReportResult, value: string | undefined): ReportResult {
  const keep = value ? result.columns.findIndex((c) => c.key === value) : -1;
  if (keep < 0) return result;
  const { dims } = splitColumns(result);
  const indexes = [...dims, keep];
  return { ...result, columns: indexes.map((i) => result.columns[i]), rows: result.rows.map((r) => indexes.map((i) => r[i])) };
}

const text = (v: unknown) => (v == null ? '—' : String(v));

export function buildChart(chart: ChartType, result: ReportResult, labelOf: (c: Column) => string, lang: string): BuiltChart {
  const { columns, rows } = result;
  const { dims, measures } = splitColumns(result);
  const d0 = dims[0];
  const d1 = dims[1];
  const categories = d0 === undefined ? rows.map((_, i) => String(i + 1)) : uniq(rows.map((r) => text(r[d0])));
  const valueFormatter = (v: unknown) => formatNumber(v, lang);
  const base = { tooltip: { trigger: chart === 'pie' || chart === 'funnel' || chart === 'scatter' ? 'item' : 'axis', valueFormatter }, legend: { type: 'scroll', bottom: 0 } };
  const pointFromCategory = (p: ClickParams): Record<string, unknown> | null => {
    if (d0 === undefined) return null;
    const name = p.name ?? categories[p.dataIndex ?? -1];
    const row = rows.find((r) => text(r[d0]) === name);
    if (!row) return null;
    const point: Record<string, unknown> = { [columns[d0].key]: row[d0] };
    if (d1 !== undefined && p.seriesName !== undefined) {
      const second = rows.find((r) => text(r[d0]) === name && text(r[d1]) === p.seriesName);
      if (second) point[columns[d1].key] = second[d1];
    }
    return point;
  };

  if (chart === 'pie' || chart === 'funnel') {
    const m = measures[0];
    const data = rows.map((r) => ({ name: d0 === undefined ? '' : text(r[d0]), value: m === undefined ? null : r[m] }));
    const series = chart === 'pie'
      ? { type: 'pie', radius: ['35%', '65%'], data, label: { formatter: '{b}: {d}%' } }
      : { type: 'funnel', data: [...data].sort((a, b) => Number(b.value) - Number(a.value)), label: { show: true, position: 'inside' } };
    return { option: { ...base, series: [series] }, pointAt: pointFromCategory };
  }

  if (chart === 'radar') {
    const max = Math.max(1, ...rows.flatMap((r) => measures.map((m) => Number(r[m]) || 0)));
    return {
      option: {
        ...base, tooltip: { trigger: 'item' },
        radar: { indicator: categories.map((name) => ({ name, max })) },
        series: [{ type: 'radar', data: measures.map((m) => ({ name: labelOf(columns[m]), value: categories.map((c) => valueAt(rows, d0, c, m)) })) }],
      },
      pointAt: () => null,
    };
  }

  if (chart === 'scatter') {
    const [mx, my] = measures.length >= 2 ? measures : [undefined, measures[0]];
    const data = rows.map((r, i) => [mx === undefined ? (d0 === undefined ? i : text(r[d0])) : r[mx], my === undefined ? null : r[my]]);
    return {
      option: {
        ...base,
        xAxis: mx === undefined ? { type: 'category', data: categories } : { type: 'value', name: labelOf(columns[mx]), scale: true },
        yAxis: { type: 'value', name: my === undefined ? '' : labelOf(columns[my]), scale: true },
        series: [{ type: 'scatter', symbolSize: 10, data }],
      },
      pointAt: (p) => (d0 === undefined || p.dataIndex === undefined ? null : { [columns[d0].key]: rows[p.dataIndex]?.[d0] }),
    };
  }

  if (chart === 'heatmap') {
    const m = measures[0];
    const ys = d1 === undefined ? [''] : uniq(rows.map((r) => text(r[d1])));
    const data = rows.map((r) => [categories.indexOf(text(r[d0!])), d1 === undefined ? 0 : ys.indexOf(text(r[d1])), m === undefined ? null : r[m]]);
    const values = data.map((x) => Number(x[2]) || 0);
    return {
      option: {
        tooltip: { position: 'top' }, grid: { top: 10, bottom: 60, left: 80 },
        xAxis: { type: 'category', data: categories, splitArea: { show: true } },
        yAxis: { type: 'category', data: ys, splitArea: { show: true } },
        visualMap: { min: Math.min(0, ...values), max: Math.max(1, ...values), calculable: true, orient: 'horizontal', left: 'center', bottom: 0 },
        series: [{ type: 'heatmap', data, label: { show: true } }],
      },
      pointAt: (p) => {
        const cell = data[p.dataIndex ?? -1];
        if (!cell || d0 === undefined) return null;
        const point: Record<string, unknown> = { [columns[d0].key]: rows[p.dataIndex!][d0] };
        if (d1 !== undefined) point[columns[d1].key] = rows[p.dataIndex!][d1];
        return point;
      },
    };
  }

  // Category charts: bar, stacked_bar, line, area, dual_axis.
  const kind = chart === 'line' || chart === 'area' ? 'line' : 'bar';
  let series: Record<string, unknown>[];
  if (d1 !== undefined && measures.length >= 1) {
    const m = measures[0];
    series = uniq(rows.map((r) => text(r[d1]))).map((name) => ({
      name, type: kind,
      data: categories.map((c) => rows.find((r) => text(r[d0!]) === c && text(r[d1]) === name)?.[m] ?? null),
    }));
  } else {
    series = measures.map((m, i) => ({
      name: labelOf(columns[m]),
      type: chart === 'dual_axis' ? (i === 0 ? 'bar' : 'line') : kind,
      yAxisIndex: chart === 'dual_axis' && i > 0 ? 1 : 0,
      data: categories.map((c) => valueAt(rows, d0, c, m)),
    }));
  }
  series = series.map((s) => ({
    ...s,
    ...(chart === 'stacked_bar' ? { stack: 'total' } : {}),
    ...(chart === 'area' ? { areaStyle: {}, smooth: true } : chart === 'line' ? { smooth: true } : {}),
  }));
  const valueAxis = { type: 'value', axisLabel: { formatter: (v: number) => formatNumber(v, lang) } };
  return {
    option: {
      ...base,
      grid: { left: 8, right: 8, top: 24, bottom: 40, containLabel: true },
      xAxis: { type: 'category', data: categories, axisLabel: { hideOverlap: true } },
      yAxis: chart === 'dual_axis' ? [valueAxis, { ...valueAxis, splitLine: { show: false } }] : valueAxis,
      series,
    },
    pointAt: pointFromCategory,
  };
}

function valueAt(rows: unknown[][], d0: number | undefined, category: string, m: number): unknown {
  if (d0 === undefined) return rows[Number(category) - 1]?.[m] ?? null;
  return rows.find((r) => text(r[d0]) === category)?.[m] ?? null;
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}
