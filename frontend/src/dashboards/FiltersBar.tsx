// Dashboard filters (date ranges and selects) for viewers, and their definitions in edit mode.
import { useState } from 'react';
import { Button, DatePicker, Input, Modal, Select, Space, Tag } from 'antd';
import { FilterOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FormInfo } from '../api/types';
import { keyFromName } from '../common/keys';
import { labelText } from '../common/label';
import { DATE_TYPES, groupable } from './specModel';
import type { DashboardFilter, FilterValues } from './types';

export function FiltersBar({ filters, values, onValues, editing, onFilters, forms }: {
  filters: DashboardFilter[]; values: FilterValues; onValues: (v: FilterValues) => void;
  editing: boolean; onFilters: (f: DashboardFilter[]) => void; forms: FormInfo[];
}) {
  const { t, i18n } = useTranslation('dashboards');
  const [adding, setAdding] = useState(false);
  const set = (key: string, value: unknown) => {
    const next = { ...values };
    if (value == null || (Array.isArray(value) && !value.length)) delete next[key]; else next[key] = value;
    onValues(next);
  };
  const link = values._linkage;
  return (
    <Space wrap style={{ marginBottom: 8 }} data-testid="dashboard-filters">
      {filters.length > 0 && <FilterOutlined />}
      {filters.map((f) => {
        const label = labelText(f.label, i18n.language, f.field);
        const control = f.type === 'date_range' ? (
          <DatePicker.RangePicker allowEmpty={[true, true]} data-testid={`filter-${f.key}`}
            value={(() => { const v = values[f.key] as { from?: string; to?: string } | undefined; return v ? [v.from ? dayjs(v.from) : null, v.to ? dayjs(v.to) : null] : null; })()}
            onChange={(r) => set(f.key, r && (r[0] || r[1]) ? { from: r[0]?.format('YYYY-MM-DD'), to: r[1]?.format('YYYY-MM-DD') } : null)} />
        ) : (
          <Select mode="multiple" allowClear style={{ minWidth: 160 }} placeholder={label} data-testid={`filter-${f.key}`}
            value={(values[f.key] as string[] | undefined) ?? []} onChange={(v) => set(f.key, v)}
            options={(f.options?.length ? f.options : optionsOf(forms, f.field)).map((o) => ({ value: o, label: o }))} />
        );
        return (
          <Space key={f.key} size={4}>
            <span>{label}</span>{control}
            {editing && <Button size="small" type="text" onClick={() => onFilters(filters.filter((x) => x.key !== f.key))}>✕</Button>}
          </Space>
        );
      })}
      {link && (
        <Tag closable color="blue" onClose={() => set('_linkage', null)} data-testid="linkage-tag">
          {t('linkedBy', { value: link.label ?? String(link.value) })}
        </Tag>
      )}
      {editing && <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-filter">{t('addFilter')}</Button>}
      {adding && <FilterDialog forms={forms} taken={filters.map((f) => f.key)} onCancel={() => setAdding(false)}
        onSave={(f) => { onFilters([...filters, f]); setAdding(false); }} />}
    </Space>
  );
}

function optionsOf(forms: FormInfo[], field: string): string[] {
  for (const form of forms) {
    const f = form.definition.fields.find((x) => x.key === field);
    if (f?.options) return f.options;
  }
  return [];
}

function FilterDialog({ forms, taken, onSave, onCancel }: { forms: FormInfo[]; taken: string[]; onSave: (f: DashboardFilter) => void; onCancel: () => void }) {
  const { t, i18n } = useTranslation('dashboards');
  const [field, setField] = useState<string>();
  const [label, setLabel] = useState('');
  const all = new Map<string, { label: string; type: string; options?: string[] }>();
  for (const form of forms) for (const f of groupable(form.definition.fields)) {
    if (!all.has(f.key)) all.set(f.key, { label: labelText(f.label, i18n.language, f.key), type: f.type, options: f.options });
  }
  const chosen = field ? all.get(field) : undefined;
  return (
    <Modal open title={t('addFilter')} onCancel={onCancel} okButtonProps={{ disabled: !field, id: 'filter-ok' }} okText={t('apply')} cancelText={t('cancel')}
      onOk={() => field && onSave({
        key: keyFromName(field, 'filter', taken), field, label: label || chosen?.label,
        type: DATE_TYPES.has(chosen?.type ?? '') ? 'date_range' : 'select',
        ...(chosen?.options ? { options: chosen.options } : {}),
      })}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Select showSearch optionFilterProp="label" style={{ width: '100%' }} placeholder={t('filterField')} value={field} data-testid="filter-field"
          onChange={setField} options={[...all].map(([key, f]) => ({ value: key, label: `${f.label} (${t(`fieldType.${f.type}`, { defaultValue: f.type })})` }))} />
        <Input placeholder={t('filterLabel')} value={label} onChange={(e) => setLabel(e.target.value)} />
        {chosen && <Tag>{t(DATE_TYPES.has(chosen.type) ? 'dateRange' : 'selectValues')}</Tag>}
      </Space>
    </Modal>
  );
}
