// Choose which columns show; order follows the grid (drag headers to reorder).
import { Button, Checkbox, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../api/types';
import { labelText } from '../../common/label';

interface Props { fields: FieldDef[]; order: string[]; hidden: string[]; onHidden: (hidden: string[]) => void }

export function ColumnChooser({ fields, order, hidden, onHidden }: Props) {
  const { t, i18n } = useTranslation();
  const byKey = new Map(fields.map((f) => [f.key, f]));
  return (
    <div style={{ maxHeight: 360, overflow: 'auto', minWidth: 200 }}>
      <Space direction="vertical">
        {order.map((k) => byKey.get(k)).filter((f): f is FieldDef => !!f).map((f) => (
          <Checkbox key={f.key} checked={!hidden.includes(f.key)}
            onChange={(e) => onHidden(e.target.checked ? hidden.filter((h) => h !== f.key) : [...hidden, f.key])}>
            {labelText(f.label, i18n.language, f.key)}
          </Checkbox>
        ))}
        <Space>
          <Button size="small" onClick={() => onHidden([])}>{t('records.showAll')}</Button>
        </Space>
      </Space>
    </div>
  );
}
