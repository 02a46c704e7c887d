// One widget on the grid: title bar with export and edit actions, and its chart.
import { useRef } from 'react';
import { Alert, Button, Dropdown, Spin, Typography } from 'antd';
import { DeleteOutlined, DownloadOutlined, EditOutlined, HolderOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { labelText } from '../common/label';
import { ChartView } from './ChartView';
import type { EChartHandle } from './EChart';
import type { ReportResult, Widget } from './types';

export function WidgetCard({ widget, result, loading, editing, csvUrl, onEdit, onRemove, onPoint }: {
  widget: Widget; result?: ReportResult; loading: boolean; editing: boolean; csvUrl: string | null;
  onEdit: () => void; onRemove: () => void; onPoint?: (point: Record<string, unknown>, label: string) => void;
}) {
  const { t, i18n } = useTranslation('dashboards');
  const chart = useRef<EChartHandle>(null);
  const title = labelText(widget.title, i18n.language, t(`charts.${widget.chart}`));
  const png = () => {
    const url = chart.current?.toPng();
    if (!url) return;
    const a = document.createElement('a');
    a.href = url;
    a.download = `${widget.id}.png`;
    a.click();
  };
  const canPng = !['kpi', 'table', 'pivot'].includes(widget.chart);
  return (
    <div className="fl-widget" data-testid={`widget-${widget.id}`}
      style={{ height: '100%', display: 'flex', flexDirection: 'column', background: '#fff', border: '1px solid #eee', borderRadius: 8, overflow: 'hidden' }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 4, padding: '4px 8px', borderBottom: '1px solid #f3f3f3' }}>
        {editing && <HolderOutlined className="fl-widget-handle" style={{ cursor: 'move', color: '#999' }} />}
        <Typography.Text strong ellipsis style={{ flex: 1 }}>{title}</Typography.Text>
        {!editing && (
          <Dropdown trigger={['click']} menu={{
            items: [
              ...(csvUrl ? [{ key: 'csv', label: <a href={csvUrl} download={`${widget.id}.csv`}>{t('exportCsv')}</a> }] : []),
              ...(canPng ? [{ key: 'png', label: t('exportPng'), onClick: png }] : []),
            ],
          }}>
            <Button size="small" type="text" icon={<DownloadOutlined />} aria-label={t('export')} data-testid="widget-export" />
          </Dropdown>
        )}
        {editing && <Button size="small" type="text" icon={<EditOutlined />} onClick={onEdit} aria-label={t('edit')} data-testid="widget-edit" />}
        {editing && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('remove')} />}
      </div>
      <div style={{ flex: 1, minHeight: 0, padding: 6 }} className="fl-widget-body">
        {result?.error ? <Alert type="error" title={result.error.message} />
          : result ? <ChartView ref={chart} chart={widget.chart} result={result} onPoint={onPoint} ui={widget.ui} />
          : loading ? <Spin style={{ display: 'block', marginTop: 40 }} /> : null}
      </div>
    </div>
  );
}
