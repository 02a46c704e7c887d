// Display context for read-only values: member and department names, yes/no words.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useDepartments } from '../settings/DepartmentsTab';
import { useMembers } from '../settings/MembersTab';
import type { DisplayContext } from './display';

export function useDisplayContext(): DisplayContext {
  const { t } = useTranslation();
  const members = useMembers();
  const depts = useDepartments();
  return useMemo(() => {
    const users = new Map<string, string>();
    for (const m of members.data ?? []) users.set(m.user_id ?? m.id, m.name || m.email);
    const departments = new Map((depts.data ?? []).map((d) => [d.id, d.name]));
    return {
      userName: (id: string) => users.get(id) ?? id,
      departmentName: (id: string) => departments.get(id) ?? id,
      yes: t('common.yes'),
      no: t('common.no'),
      rows: (count: number) => t('records.rowCount', { count }),
    };
  }, [members.data, depts.data, t]);
}
