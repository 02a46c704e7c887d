// Relation picker: search records of the target form by their title.
import { useMemo, useState } from 'react';
import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { recordTitle, targetForm, useRecord, useRelationSearch } from '../../shared/relations';
import type { FormInfo } from '../../../api/types';
import type { WidgetProps } from './types';

function SelectedLabel({ id, form }: { id: string; form: FormInfo | undefined }) {
  const rec = useRecord(id);
  return <>{rec.data ? recordTitle(form, rec.data) : id}</>;
}

export function RelationTitle({ id, form }: { id: string; form: FormInfo | undefined }) {
  return <Tag><SelectedLabel id={id} form={form} /></Tag>;
}

export function RelationWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const form = targetForm(p.field, p.ctx.forms);
  const results = useRelationSearch(form, search);
  const multiple = !!p.field.multiple;
  const selected = multiple ? (Array.isArray(p.value) ? (p.value as string[]) : []) : p.value ? [String(p.value)] : [];
  const options = useMemo(() => {
    const found = (results.data ?? []).map((r) => ({ value: r.id, label: recordTitle(form, r) }));
    const missing = selected.filter((id) => !found.some((o) => o.value === id)).map((id) => ({ value: id, label: <SelectedLabel id={id} form={form} /> }));
    return [...missing, ...found];
  }, [results.data, selected, form]);

  return (
    <Select
      id={p.id}
      mode={multiple ? 'multiple' : undefined}
      value={multiple ? selected : selected[0]}
      disabled={p.disabled || !form}
      showSearch
      filterOption={false}
      onSearch={setSearch}
      loading={results.isFetching}
      options={options as { value: string; label: React.ReactNode }[]}
      allowClear
      style={{ width: '100%', maxWidth: 420 }}
      placeholder={form ? t('records.searchRecords') : t('records.relationMissing')}
      notFoundContent={t('common.empty')}
      onChange={(v) => p.onChange(v ?? (multiple ? [] : null))}
    />
  );
}
