// Subform: a grid of rows with add/remove; each cell is the widget of its column type.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Table, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../../api/types';
import { labelText } from '../../../common/label';
import { FieldWidget } from './FieldWidget';
import type { WidgetProps } from './types';

type Row = Record<string, unknown>;

export function SubformWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const rows = Array.isArray(p.value) ? (p.value as Row[]) : [];
  const cols = (p.field.fields ?? []).filter((c) => !c.hidden && c.type !== 'section');
  const maxRows = p.field.max_rows;
  const setRow = (i: number, patch: Row) => p.onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  const columns = [
    { key: '#', title: '#', width: 44, render: (_: unknown, __: Row, i: number) => i + 1 },
    ...cols.map((c: FieldDef) => ({
      key: c.key,
      title: <span>{c.required && <span style={{ color: '#ff4d4f' }}>* </span>}{labelText(c.label, p.ctx.lang, c.key)}</span>,
      width: c.type === 'number' || c.type === 'formula' ? 140 : 200,
      render: (_: unknown, row: Row, i: number) => {
        const path = `${p.field.key}[${i}].${c.key}`;
        const errs = p.ctx.errors?.[path];
        const formulaError = p.ctx.formulaErrors?.[path];
        return (
          <div data-path={path}>
            <FieldWidget field={c} value={row[c.key] ?? null} disabled={p.disabled} ctx={p.ctx} inCell
              onChange={(v) => setRow(i, { [c.key]: v })} />
            {formulaError && <Typography.Text type="danger" style={{ fontSize: 12 }}>{formulaError}</Typography.Text>}
            {errs?.map((m) => <div key={m} className="ant-form-item-explain-error" style={{ fontSize: 12 }}>{m}</div>)}
          </div>
        );
      },
    })),
    {
      key: 'remove', width: 48, fixed: 'right' as const,
      render: (_: unknown, __: Row, i: number) => (
        <Tooltip title={t('records.removeRow')}>
          <Button type="text" danger size="small" icon={<DeleteOutlined />} aria-label={t('records.removeRow')} disabled={p.disabled}
            onClick={() => p.onChange(rows.filter((_, j) => j !== i))} />
        </Tooltip>
      ),
    },
  ];

  return (
    <div id={p.id}>
      <Table<Row>
        size="small"
        bordered
        rowKey="__row"
        dataSource={rows.map((r, i) => ({ ...r, __row: i }))}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('records.noRows') }}
      />
      <Button style={{ marginTop: 8 }} icon={<PlusOutlined />} disabled={p.disabled || (maxRows !== undefined && rows.length >= maxRows)}
        onClick={() => p.onChange([...rows, {}])} data-testid={`add-row-${p.field.key}`}>
        {t('records.addRow')}
      </Button>
    </div>
  );
}
