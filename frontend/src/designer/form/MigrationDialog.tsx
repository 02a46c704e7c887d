// Shows what saving a new version would do to existing records, and lets the designer save anyway.
import { Alert, Modal, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';

export interface MigrationChange { field: string; change: string; records: number; examples?: unknown[]; [extra: string]: unknown }
export interface MigrationReport { changes: MigrationChange[]; records_affected: number }

interface Props { report: MigrationReport | null; saving: boolean; onForce: () => void; onCancel: () => void; labelOf: (key: string) => string }

export function MigrationDialog({ report, saving, onForce, onCancel, labelOf }: Props) {
  const { t } = useTranslation();
  return (
    <Modal open={!!report} title={t('designer.migrationTitle')} okText={t('designer.saveAnyway')} okButtonProps={{ danger: true, loading: saving }}
      cancelText={t('designer.keepEditing')} onOk={onForce} onCancel={onCancel} width={720} data-testid="migration-dialog">
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('designer.migrationBody', { count: report?.records_affected ?? 0 })} />
      <Table size="small" pagination={false} rowKey={(c) => `${c.field}:${c.change}`} dataSource={report?.changes ?? []}
        columns={[
          { title: t('records.field'), dataIndex: 'field', render: (k: string) => labelOf(k) },
          {
            title: t('designer.change'), dataIndex: 'change',
            render: (c: string, row) => (
              <>
                <Tag color="orange">{t(`designer.changes.${c}`, { defaultValue: c })}</Tag>
                {Array.isArray(row.options) && <span>{(row.options as string[]).join(', ')}</span>}
                {typeof row.old_type === 'string' && <span>{t(`fieldTypes.${row.old_type}`)} → {t(`fieldTypes.${String(row.new_type)}`)}</span>}
              </>
            ),
          },
          { title: t('designer.recordsAffected'), dataIndex: 'records', width: 110 },
          { title: t('designer.examples'), dataIndex: 'examples', render: (ex?: unknown[]) => (ex ?? []).slice(0, 3).map((e) => (typeof e === 'object' ? JSON.stringify(e) : String(e))).join(', ') },
        ]} />
    </Modal>
  );
}
