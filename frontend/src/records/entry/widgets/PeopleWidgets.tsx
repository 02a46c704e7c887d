// Member and department pickers.
import { useMemo } from 'react';
import { Select, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { departmentTree, useDepartments } from '../../../settings/DepartmentsTab';
import { useMembers } from '../../../settings/MembersTab';
import type { WidgetProps } from './types';

export function UserWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const members = useMembers();
  const options = useMemo(
    () => (members.data ?? []).map((m) => ({ value: m.user_id ?? m.id, label: m.name ? `${m.name} (${m.email})` : m.email })),
    [members.data],
  );
  const multiple = p.field.type === 'users';
  return (
    <Select id={p.id} mode={multiple ? 'multiple' : undefined} value={(p.value as string | string[] | null) ?? undefined}
      options={options} loading={members.isPending} disabled={p.disabled} allowClear showSearch optionFilterProp="label"
      style={{ width: '100%', maxWidth: 420 }} placeholder={t('records.chooseMember')}
      onChange={(v) => p.onChange(v ?? (multiple ? [] : null))} />
  );
}

export function DepartmentWidget(p: WidgetProps) {
  const { t } = useTranslation();
  const depts = useDepartments();
  const tree = useMemo(() => departmentTree(depts.data ?? []), [depts.data]);
  return (
    <TreeSelect id={p.id} value={(p.value as string | null) ?? undefined} treeData={tree} disabled={p.disabled} allowClear
      showSearch treeNodeFilterProp="title" treeDefaultExpandAll style={{ width: '100%', maxWidth: 420 }}
      placeholder={t('records.chooseDepartment')} onChange={(v) => p.onChange(v ?? null)} />
  );
}
