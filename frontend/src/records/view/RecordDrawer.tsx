// Record detail: every field read-only, links to edit, delete, and the history timeline.
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App as AntApp, Button, Descriptions, Drawer, Empty, Space, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { itemsOf, type FieldDef, type FormInfo, type Page, type RecordItem, type Revision } from '../../api/types';
import { labelText } from '../../common/label';
import { cellText, FieldValue, type DisplayContext } from '../display';
import { RelationText } from '../shared/RelationText';

interface Props {
  record: RecordItem | null;
  fields: FieldDef[];
  forms?: FormInfo[];
  editHref: string;
  display: DisplayContext;
  onClose: () => void;
  onDelete: (r: RecordItem) => Promise<unknown>;
}

function who(r: Revision, display: DisplayContext): string {
  if (r.actor_id) return display.userName?.(r.actor_id) ?? r.actor_id;
  const by = r.by ?? r.who;
  if (!by) return '';
  if (typeof by === 'string') return display.userName?.(by) ?? by;
  return by.name || by.email || display.userName?.(by.id) || by.id;
}

function changedKeys(r: Revision): string[] {
  if (Array.isArray(r.changed)) return r.changed.map(String);
  if (r.changed && typeof r.changed === 'object') return Object.keys(r.changed);
  if (r.changes) return Object.keys(r.changes);
  return [];
}

function History({ recordId, fields, display }: { recordId: string; fields: FieldDef[]; display: DisplayContext }) {
  const { t, i18n } = useTranslation();
  const history = useQuery({
    queryKey: ['history', recordId],
    queryFn: async () => itemsOf(await api.get<Page<Revision> | Revision[]>(`/records/${recordId}/history`)),
  });
  const label = (k: string) => labelText(fields.find((f) => f.key === k)?.label, i18n.language, k);
  if (history.isPending) return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
  if (!history.data?.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('records.noHistory')} />;
  return (
    <Timeline items={history.data.map((r, i) => {
      const keys = changedKeys(r);
      const when = r.at ?? r.created_at;
      return {
        key: r.id ?? String(i),
        content: (
          <div>
            <div><strong>{who(r, display) || t('records.someone')}</strong> · {when ? dayjs(when).format('YYYY-MM-DD HH:mm') : ''}
              {r.version !== undefined && <Tag style={{ marginLeft: 8 }}>v{r.version}</Tag>}</div>
            <div style={{ color: '#5b6270' }}>
              {r.action === 'create' || r.action === 'created' || (i === history.data.length - 1 && !keys.length) ? t('records.createdIt') : keys.length ? `${t('records.changed')}: ${keys.map(label).join(', ')}` : r.action}
              {r.source && r.source !== 'api' && <Tag style={{ marginLeft: 8 }}>{t(`records.sources.${r.source}`, { defaultValue: r.source })}</Tag>}
            </div>
            {r.before && r.after && keys.length > 0 && (
              <ul style={{ margin: '4px 0 0', paddingLeft: 18, fontSize: 12 }}>
                {keys.slice(0, 8).map((k) => {
                  const f = fields.find((x) => x.key === k);
                  const show = (v: unknown) => (f ? cellText(f, v, display) : JSON.stringify(v)) || '—';
                  return <li key={k}>{label(k)}: <s>{show(r.before![k])}</s> → {show(r.after![k])}</li>;
                })}
              </ul>
            )}
          </div>
        ),
      };
    })} />
  );
}

export function RecordDrawer({ record, fields, forms, editHref, display, onClose, onDelete }: Props) {
  const { t, i18n } = useTranslation();
  const { modal } = AntApp.useApp();
  return (
    <Drawer open={!!record} onClose={onClose} size="large" title={t('records.detail')} destroyOnHidden
      extra={record && (
        <Space>
          <Link to={editHref}><Button type="primary" icon={<EditOutlined />}>{t('common.edit')}</Button></Link>
          <Button danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => modal.confirm({
            title: t('records.deleteOne'), okText: t('common.delete'), okButtonProps: { danger: true }, cancelText: t('common.cancel'),
            onOk: () => onDelete(record).then(onClose),
          })} />
        </Space>
      )}>
      {record && (
        <Tabs items={[
          {
            key: 'fields', label: t('records.fields'),
            children: (
              <Descriptions column={1} size="small" bordered>
                {fields.map((f) => (
                  <Descriptions.Item key={f.key} label={labelText(f.label, i18n.language, f.key)}>
                    {f.type === 'subform' && Array.isArray(record.data[f.key]) ? (
                      <SubformValue field={f} rows={record.data[f.key] as Record<string, unknown>[]} display={display} />
                    ) : f.type === 'relation' ? <RelationText field={f} value={record.data[f.key]} forms={forms} />
                      : <FieldValue field={f} value={record.data[f.key]} ctx={display} />}
                  </Descriptions.Item>
                ))}
                <Descriptions.Item label={t('common.createdAt')}>{dayjs(record.created_at).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
                <Descriptions.Item label={t('common.updatedAt')}>{dayjs(record.updated_at).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
              </Descriptions>
            ),
          },
          { key: 'history', label: t('records.history'), children: <History recordId={record.id} fields={fields} display={display} /> },
        ]} />
      )}
    </Drawer>
  );
}

function SubformValue({ field, rows, display }: { field: FieldDef; rows: Record<string, unknown>[]; display: DisplayContext }) {
  const { i18n } = useTranslation();
  const cols = field.fields ?? [];
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="fl-mini-table">
        <thead><tr>{cols.map((c) => <th key={c.key}>{labelText(c.label, i18n.language, c.key)}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{cols.map((c) => <td key={c.key}><FieldValue field={c} value={r[c.key]} ctx={display} /></td>)}</tr>)}</tbody>
      </table>
    </div>
  );
}
