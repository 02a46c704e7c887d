import { describe, expect, it } from 'vitest';
import { buildChart, focusResult, formatNumber, splitColumns } from './chartOptions';
import type { ReportResult } from './types';

const byMonth: ReportResult = {
  columns: [{ key: 'month', type: 'text' }, { key: 'revenue', type: 'number' }, { key: 'buyers', type: 'number' }],
  rows: [['2025-01', 100, 3], ['2025-02', 250, 5]],
};
const twoDims: ReportResult = {
  columns: [{ key: 'month', type: 'text' }, { key: 'channel', type: 'text' }, { key: 'n', type: 'number' }],
  rows: [['2025-01', 'web', 1], ['2025-01', 'shop', 2], ['2025-02', 'web', 3]],
};
const label = (c: { key: string }) => c.key;

describe('chart options', () => {
  it('splits dimensions from measures', () => {
    expect(splitColumns(byMonth)).toEqual({ dims: [0], measures: [1, 2] });
  });

  it('builds a bar chart with one series per measure and maps clicks back', () => {
    const { option, pointAt } = buildChart('bar', byMonth, label, 'en');
    const series = option.series as { name: string; data: unknown[]; type: string }[];
    expect(series.map((s) => [s.name, s.type, s.data])).toEqual([['revenue', 'bar', [100, 250]], ['buyers', 'bar', [3, 5]]]);
    expect(pointAt({ name: '2025-02', dataIndex: 1, seriesName: 'revenue' })).toEqual({ month: '2025-02' });
  });

  it('pivots a second dimension into stacked series', () => {
    const { option, pointAt } = buildChart('stacked_bar', twoDims, label, 'en');
    const series = option.series as { name: string; data: unknown[]; stack: string }[];
    expect(series.map((s) => [s.name, s.data, s.stack])).toEqual([['web', [1, 3], 'total'], ['shop', [2, null], 'total']]);
    expect(pointAt({ name: '2025-01', seriesName: 'shop' })).toEqual({ month: '2025-01', channel: 'shop' });
  });

  it('puts the second measure on the right axis of a dual-axis chart', () => {
    const series = buildChart('dual_axis', byMonth, label, 'en').option.series as { type: string; yAxisIndex: number }[];
    expect(series.map((s) => [s.type, s.yAxisIndex])).toEqual([['bar', 0], ['line', 1]]);
  });

  it('builds pie, funnel, radar, scatter and heatmap', () => {
    const pie = buildChart('pie', byMonth, label, 'en').option.series as { data: { name: string; value: unknown }[] }[];
    expect(pie[0].data).toEqual([{ name: '2025-01', value: 100 }, { name: '2025-02', value: 250 }]);
    const funnel = buildChart('funnel', byMonth, label, 'en').option.series as { data: { value: number }[] }[];
    expect(funnel[0].data[0].value).toBe(250);
    expect((buildChart('radar', byMonth, label, 'en').option.radar as { indicator: unknown[] }).indicator).toHaveLength(2);
    expect((buildChart('scatter', byMonth, label, 'en').option.series as { data: unknown[] }[])[0].data).toEqual([[100, 3], [250, 5]]);
    const heat = buildChart('heatmap', twoDims, label, 'en');
    expect((heat.option.series as { data: unknown[] }[])[0].data).toEqual([[0, 0, 1], [0, 1, 2], [1, 0, 3]]);
    expect(heat.pointAt({ dataIndex: 1 })).toEqual({ month: '2025-01', channel: 'shop' });
  });

  it('formats numbers for the language', () => {
    expect(formatNumber(1234567.891, 'en')).toBe('1,234,568');
    expect(formatNumber(0.256, 'zh-CN')).toBe('0.26');
    expect(formatNumber(null, 'en')).toBe('—');
    expect(formatNumber(0.256, 'en', 'percent')).toBe('25.6%');
  });

  it('keeps the dimensions and the named value column', () => {
    expect(focusResult(byMonth, 'buyers')).toEqual({ columns: [byMonth.columns[0], byMonth.columns[2]], rows: [['2025-01', 3], ['2025-02', 5]] });
    expect(focusResult(byMonth, 'nope')).toBe(byMonth);
  });
});
