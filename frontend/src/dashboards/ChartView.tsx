// Renders a report result as the widget's chart: a KPI number, a table, or an ECharts chart.
import { forwardRef, useMemo } from 'react';
import { Empty, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { labelText } from '../common/label';
import { buildChart, focusResult, formatNumber, splitColumns } from './chartOptions';
import { EChart, type EChartHandle } from './EChart';
import type { ChartType, Column, ReportResult, Widget } from './types';

interface Props {
  chart: ChartType;
  result: ReportResult;
  onPoint?: (point: Record<string, unknown>, label: string) => void;
  ui?: Widget['ui'];
}

export const ChartView = forwardRef<EChartHandle, Props>(function ChartView({ chart, result: full, onPoint, ui }, ref) {
  const { t, i18n } = useTranslation('dashboards');
  const lang = i18n.language;
  const labelOf = (c: Column) => labelText(c.label, lang, c.key);
  const result = useMemo(() => (chart === 'table' || chart === 'pivot' ? full : focusResult(full, ui?.value)), [chart, full, ui?.value]);
  const built = useMemo(
    () => (chart === 'kpi' || chart === 'table' || chart === 'pivot' ? null : buildChart(chart, result, labelOf, lang)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [chart, result, lang],
  );
  if (!result.rows.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noData')} />;
  const { dims, measures } = splitColumns(result);
  const pointOfRow = (row: unknown[]) => Object.fromEntries(dims.map((i) => [result.columns[i].key, row[i]]));
  const describe = (point: Record<string, unknown>) => Object.values(point).map((v) => (v == null ? '—' : String(v))).join(' · ');

  if (chart === 'kpi') {
    const m = measures[0] ?? 0;
    return (
      <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%', cursor: onPoint ? 'pointer' : undefined }}
        onClick={() => onPoint?.({}, labelOf(result.columns[m]))} data-testid="kpi">
        <Statistic title={labelOf(result.columns[m])} value={formatNumber(result.rows[0]?.[m], lang, ui?.format)} valueStyle={{ fontSize: 36 }} />
      </div>
    );
  }
  if (chart === 'table' || chart === 'pivot') {
    return (
      <Table size="small" pagination={false} scroll={{ y: '100%', x: 'max-content' }} rowKey={(_, i) => String(i)}
        dataSource={result.rows.map((r, i) => ({ __i: i, __row: r }))}
        onRow={(rec) => ({ onClick: () => onPoint?.(pointOfRow(rec.__row), describe(pointOfRow(rec.__row))), style: { cursor: onPoint ? 'pointer' : undefined } })}
        columns={result.columns.map((c, i) => ({
          title: labelOf(c), key: c.key, align: measures.includes(i) ? ('right' as const) : undefined,
          render: (_: unknown, rec: { __row: unknown[] }) => (measures.includes(i) ? formatNumber(rec.__row[i], lang) : (rec.__row[i] == null ? '—' : String(rec.__row[i]))),
        }))} />
    );
  }
  return (
    <EChart ref={ref} option={built!.option} onClick={(p) => {
      const point = built!.pointAt(p);
      if (point) onPoint?.(point, describe(point));
    }} />
  );
});
