// One task opened: the record with the node's field permissions, actions, and the approval history.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Divider, Drawer, Input, InputNumber, Select, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { FormInfo, RecordItem } from '../api/types';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { isApproval, isOverdue, useMembers, useTaskAction, useTaskRun, type Outcome, type RunStep, type Task } from './api';
import { displayValue, taskFields } from './recordFields';
import { SignaturePad } from './SignaturePad';

type PickerAction = 'transfer' | 'add_approver' | null;

export function TaskDrawer({ task, onClose }: { task: Task | null; onClose: () => void }) {
  return (
    <Drawer open={!!task} onClose={onClose} size="large" destroyOnHidden
      title={task ? <span data-testid="task-drawer-title">{task.title || task.id}</span> : null}>
      {task && <TaskDetail key={task.id} task={task} onDone={onClose} />}
    </Drawer>
  );
}

function TaskDetail({ task, onDone }: { task: Task; onDone: () => void }) {
  const { t, i18n } = useTranslation('inbox');
  const notify = useNotify();
  const action = useTaskAction(task.id);
  const members = useMembers();
  const [comment, setComment] = useState('');
  const [signature, setSignature] = useState<string>();
  const [edits, setEdits] = useState<Record<string, unknown>>({});
  const [picker, setPicker] = useState<PickerAction>(null);
  const [pickedUser, setPickedUser] = useState<string>();
  const [sendBackTo, setSendBackTo] = useState<string>();

  const record = useQuery({
    queryKey: ['record', task.record_id],
    queryFn: () => api.get<RecordItem>(`/records/${task.record_id}`),
    enabled: !!task.record_id,
  });
  const formId = task.form_id ?? record.data?.form_id;
  const form = useQuery({
    queryKey: ['form', formId],
    queryFn: () => api.get<FormInfo>(`/forms/${formId}`),
    enabled: !!formId,
  });
  const run = useTaskRun(task.run_id);
  const open = task.status === 'open';
  const approval = isApproval(task);
  const memberName = (id?: string | null) => {
    const m = (members.data ?? []).find((x) => (x.user_id ?? x.id) === id);
    return m ? m.name || m.email : id ?? '';
  };

  const complete = async (outcome: Outcome) => {
    try {
      // Edits the node allows are saved on the record first, so the decision sees them.
      if (Object.keys(edits).length && record.data) {
        await api.patch(`/records/${record.data.id}`, { data: edits, version: record.data.version });
      }
      await action.mutateAsync({ kind: 'complete', input: {
        outcome, comment, signature: signature ? { image: signature } : undefined,
        to_node: outcome === 'send_back' ? sendBackTo : undefined,
      } });
      notify.success(t(`done.${outcome}`));
      onDone();
    } catch (err) {
      notify.error(err);
    }
  };
  const runPicker = () => {
    if (!picker || !pickedUser) return;
    action.mutate({ kind: picker, user_id: pickedUser }, {
      onSuccess: () => { notify.success(t(`done.${picker}`)); setPicker(null); if (picker === 'transfer') onDone(); },
      onError: notify.error,
    });
  };
  const fields = taskFields(form.data?.definition, task);
  const data = { ...(record.data?.data ?? {}), ...edits };

  return (
    <div data-testid="task-detail">
      <Space wrap style={{ marginBottom: 12 }}>
        <Tag color={approval ? 'purple' : 'blue'}>{t(approval ? 'kind.approval' : 'kind.task')}</Tag>
        <Tag color={open ? (isOverdue(task) ? 'red' : 'gold') : 'green'}>
          {open ? (isOverdue(task) ? t('filter.overdue') : t('filter.open')) : t(`outcome.${task.outcome ?? 'done'}`, { defaultValue: task.outcome ?? '' })}
        </Tag>
        {task.due_at && <Typography.Text type="secondary">{t('due')}: {dayjs(task.due_at).format('YYYY-MM-DD HH:mm')}</Typography.Text>}
      </Space>
      {task.description && <Typography.Paragraph>{task.description}</Typography.Paragraph>}

      <Divider titlePlacement="start">{t('record')}</Divider>
      {!task.record_id && <Typography.Text type="secondary">{t('noRecord')}</Typography.Text>}
      {record.error && <Alert type="error" title={t('recordError')} />}
      {record.data && (
        <>
          <Descriptions column={1} size="small" bordered>
            {fields.map(({ field, editable }) => (
              <Descriptions.Item key={field.key} label={labelText(field.label, i18n.language, field.key)}>
                {editable ? (
                  field.type === 'number' ? (
                    <InputNumber value={data[field.key] as number | null} onChange={(v) => setEdits({ ...edits, [field.key]: v })}
                      data-testid={`edit-${field.key}`} />
                  ) : field.type === 'select' && field.options ? (
                    <Select style={{ minWidth: 160 }} value={data[field.key] as string | undefined}
                      options={field.options.map((o) => ({ value: o, label: o }))}
                      onChange={(v) => setEdits({ ...edits, [field.key]: v })} />
                  ) : (
                    <Input value={(data[field.key] as string | undefined) ?? ''} data-testid={`edit-${field.key}`}
                      onChange={(e) => setEdits({ ...edits, [field.key]: e.target.value })} />
                  )
                ) : displayValue(data[field.key])}
              </Descriptions.Item>
            ))}
          </Descriptions>
          {form.data?.app_id && (
            <Link to={`/apps/${form.data.app_id}/forms/${form.data.id}/records/${record.data.id}`}>{t('openRecord')}</Link>
          )}
        </>
      )}

      {open && (
        <>
          <Divider titlePlacement="start">{t('yourDecision')}</Divider>
          <Input.TextArea rows={2} value={comment} onChange={(e) => setComment(e.target.value)}
            placeholder={t('commentPlaceholder')} data-testid="task-comment" />
          {approval && (
            <div style={{ marginTop: 8 }}>
              <Typography.Text type="secondary">{t('signature')}</Typography.Text>
              <SignaturePad onChange={setSignature} />
            </div>
          )}
          <Space wrap style={{ marginTop: 12 }}>
            {approval ? (
              <>
                <Button type="primary" loading={action.isPending} onClick={() => void complete('approve')} data-testid="task-approve">{t('action.approve')}</Button>
                <Button danger loading={action.isPending} onClick={() => void complete('reject')} data-testid="task-reject">{t('action.reject')}</Button>
                {(task.send_back_targets?.length ?? 0) > 0 && (
                  <Select allowClear style={{ width: 160 }} placeholder={t('sendBackTo')} value={sendBackTo} onChange={setSendBackTo}
                    options={task.send_back_targets!.map((n) => ({ value: n.id, label: n.label ?? n.id }))} />
                )}
                <Button loading={action.isPending} onClick={() => void complete('send_back')} data-testid="task-send-back">{t('action.send_back')}</Button>
                <Button onClick={() => setPicker('add_approver')}>{t('action.add_approver')}</Button>
              </>
            ) : (
              <Button type="primary" loading={action.isPending} onClick={() => void complete('done')} data-testid="task-done">{t('action.done')}</Button>
            )}
            <Button onClick={() => setPicker('transfer')}>{t('action.transfer')}</Button>
          </Space>
          {picker && (
            <Space style={{ marginTop: 12 }} wrap>
              <Select showSearch optionFilterProp="label" style={{ width: 240 }} placeholder={t('pickUser')} value={pickedUser}
                onChange={setPickedUser} loading={members.isPending}
                options={(members.data ?? []).map((m) => ({ value: m.user_id ?? m.id, label: m.name || m.email }))} />
              <Button type="primary" disabled={!pickedUser} loading={action.isPending} onClick={runPicker}>{t(`action.${picker}`)}</Button>
              <Button onClick={() => setPicker(null)}>{t('cancel')}</Button>
            </Space>
          )}
        </>
      )}

      <Divider titlePlacement="start">{t('history')}</Divider>
      <Timeline items={historyItems(task, run.data?.steps ?? [], memberName, t)} />
    </div>
  );
}

function historyItems(task: Task, steps: RunStep[], name: (id?: string | null) => string, t: (k: string, o?: Record<string, unknown>) => string) {
  const items = steps.map((s) => {
    type Decision = { completed_by?: string; outcome?: string; result?: Decision };
    const out = s.output && typeof s.output === 'object' ? (s.output as Decision) : undefined;
    const result = out?.result ?? out;
    const what = result?.outcome ?? s.branch ?? s.status;
    return {
      color: what === 'reject' || s.status === 'failed' ? 'red' : s.status === 'completed' ? 'green' : 'blue',
      children: (
        <div>
          <b>{s.node_id}</b> {t(`outcome.${what}`, { defaultValue: what })}{result?.completed_by ? ` · ${name(result.completed_by)}` : ''}
          {(s.finished_at ?? s.started_at) && <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>{dayjs(s.finished_at ?? s.started_at).format('YYYY-MM-DD HH:mm')}</Typography.Text>}
        </div>
      ),
    };
  });
  if (task.status !== 'open') {
    items.push({ color: task.outcome === 'reject' ? 'red' : 'green', children: (
      <div><b>{name(task.assignee_id)}</b> {t(`outcome.${task.outcome ?? 'done'}`, { defaultValue: task.outcome ?? '' })}{task.comment && <div>{task.comment}</div>}</div>
    ) });
  }
  return items.length ? items : [{ color: 'gray', children: <span>{t('noHistory')}</span> }];
}
