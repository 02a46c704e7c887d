// The records behind a clicked number, with a way to filter the other widgets by it.
import { Alert, Button, Drawer, Space, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { FormInfo, RecordItem } from '../api/types';
import { labelText } from '../common/label';
import { displayValue } from '../inbox/recordFields';
import { useDrill } from './api';
import type { FilterValues } from './types';

export interface DrillTarget { widgetId: string; point: Record<string, unknown>; label: string }

export function DrillDrawer({ appId, dashboardId, target, filters, onClose, onLink }: {
  appId: string; dashboardId: string; target: DrillTarget | null; filters: FilterValues; onClose: () => void; onLink: (t: DrillTarget) => void;
}) {
  const { t, i18n } = useTranslation('dashboards');
  const drill = useDrill(dashboardId, target?.widgetId, target?.point ?? null, filters);
  const formId = drill.data?.form_id;
  const form = useQuery({ queryKey: ['form', formId], queryFn: () => api.get<FormInfo>(`/forms/${formId}`), enabled: !!formId });
  const fields = (form.data?.definition.fields ?? []).filter((f) => f.type !== 'section' && f.type !== 'subform').slice(0, 8);
  return (
    <Drawer open={!!target} onClose={onClose} size="large" title={<span data-testid="drill-title">{t('drillTitle', { label: target?.label ?? '' })}</span>}>
      {target && Object.keys(target.point).length > 0 && (
        <Space style={{ marginBottom: 8 }}>
          <Button onClick={() => onLink(target)} data-testid="apply-linkage">{t('filterOthers')}</Button>
        </Space>
      )}
      {drill.error && <Alert type="error" title={(drill.error as Error).message} />}
      {drill.data?.filter && <div style={{ marginBottom: 8 }}><Typography.Text type="secondary" className="fl-mono" style={{ fontSize: 12 }}>{drill.data.filter}</Typography.Text></div>}
      <Table<RecordItem> size="small" rowKey="id" loading={drill.isPending && !!target} dataSource={drill.data?.items ?? []} data-testid="drill-records"
        pagination={{ pageSize: 20, hideOnSinglePage: true }} scroll={{ x: 'max-content' }}
        columns={[
          ...fields.map((f) => ({ title: labelText(f.label, i18n.language, f.key), key: f.key,
            render: (_: unknown, r: RecordItem) => displayValue(r.data[f.key]) })),
          { title: '', key: 'open', render: (_: unknown, r: RecordItem) => <Link to={`/apps/${appId}/forms/${formId}/records/${r.id}`}>{t('open')}</Link> },
        ]} />
      {drill.data?.next_cursor && <Typography.Text type="secondary">{t('moreRecords')}</Typography.Text>}
    </Drawer>
  );
}
