// Bulk edit: set one field to one value on every selected record, with progress.
import { useState } from 'react';
import { Form, Modal, Progress, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormInfo } from '../../api/types';
import { labelText } from '../../common/label';
import { FieldWidget } from '../entry/widgets/FieldWidget';

interface Props {
  open: boolean;
  count: number;
  fields: FieldDef[];
  forms?: FormInfo[];
  progress: number | null;
  onApply: (key: string, value: unknown) => void;
  onClose: () => void;
}

const EDITABLE_EXCLUDED = new Set(['formula', 'lookup', 'rollup', 'serial', 'section', 'subform', 'signature']);

export function BulkEditDialog({ open, count, fields, forms, progress, onApply, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [key, setKey] = useState<string | null>(null);
  const [value, setValue] = useState<unknown>(null);
  const editable = fields.filter((f) => !EDITABLE_EXCLUDED.has(f.type) && !f.readonly);
  const field = editable.find((f) => f.key === key);
  return (
    <Modal open={open} title={t('records.bulkEditTitle', { count })} okText={t('records.applyToAll')} cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !field, loading: progress !== null }} onOk={() => field && onApply(field.key, value)} onCancel={onClose} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label={t('records.field')}>
          <Select value={key ?? undefined} onChange={(k) => { setKey(k); setValue(null); }} showSearch optionFilterProp="label"
            options={editable.map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))} />
        </Form.Item>
        {field && (
          <Form.Item label={t('records.newValue')}>
            <FieldWidget field={field} value={value} onChange={setValue} ctx={{ lang: i18n.language, forms }} />
          </Form.Item>
        )}
      </Form>
      {progress !== null && <Progress percent={progress} />}
    </Modal>
  );
}
