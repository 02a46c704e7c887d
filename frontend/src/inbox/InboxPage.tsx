// My tasks and approvals: open, done and overdue, opened in a drawer to act on.
import { useState } from 'react';
import { Card, Segmented, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isApproval, isOverdue, useTask, useTasks, type Task, type TaskFilter } from './api';
import { TaskDrawer } from './TaskDrawer';

const FILTERS: TaskFilter[] = ['open', 'overdue', 'done'];
type KindFilter = 'all' | 'task' | 'approval';

export default function InboxPage() {
  const { t } = useTranslation('inbox');
  const [params, setParams] = useSearchParams();
  const filter = (FILTERS.includes(params.get('status') as TaskFilter) ? params.get('status') : 'open') as TaskFilter;
  const [kind, setKind] = useState<KindFilter>('all');
  const tasks = useTasks(filter);
  const openId = params.get('task');
  const rows = (tasks.data ?? []).filter((task) => kind === 'all' || (kind === 'approval') === isApproval(task));
  const listed = (tasks.data ?? []).find((task) => task.id === openId);
  // A link (a notification) may open a task that the current filter does not list.
  const fetched = useTask(openId && !listed && !tasks.isPending ? openId : null);
  const opened = listed ?? fetched.data ?? null;

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    setParams(next);
  };

  return (
    <div className="fl-page">
      <div className="fl-page-title"><h1>{t('title')}</h1></div>
      <Card>
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}>
          <Segmented<TaskFilter> value={filter} onChange={(v) => setParam('status', v)} data-testid="inbox-filter"
            options={FILTERS.map((f) => ({ value: f, label: t(`filter.${f}`) }))} />
          <Segmented<KindFilter> value={kind} onChange={setKind}
            options={(['all', 'task', 'approval'] as KindFilter[]).map((k) => ({ value: k, label: t(`kind.${k}`) }))} />
        </div>
        <Table<Task> rowKey="id" size="middle" loading={tasks.isPending} dataSource={rows} pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('empty') }}
          onRow={(task) => ({ onClick: () => setParam('task', task.id), style: { cursor: 'pointer' }, 'data-testid': 'task-row' } as React.HTMLAttributes<HTMLElement>)}
          columns={[
            { title: t('col.title'), dataIndex: 'title', render: (v: string | null, task) => v || task.id },
            { title: t('col.kind'), width: 110, render: (_, task) => <Tag color={isApproval(task) ? 'purple' : 'blue'}>{t(isApproval(task) ? 'kind.approval' : 'kind.task')}</Tag> },
            { title: t('col.due'), dataIndex: 'due_at', width: 170, render: (v: string | null, task) =>
              v ? <span style={{ color: isOverdue(task) ? '#cf1322' : undefined }}>{dayjs(v).format('YYYY-MM-DD HH:mm')}</span> : '—' },
            { title: t('col.created'), dataIndex: 'created_at', width: 170, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
            ...(filter === 'done' ? [{ title: t('col.outcome'), dataIndex: 'outcome', width: 120,
              render: (v: string | null) => t(`outcome.${v ?? 'done'}`, { defaultValue: v ?? '' }) }] : []),
          ]} />
      </Card>
      <TaskDrawer task={opened} onClose={() => setParam('task', null)} />
    </div>
  );
}
