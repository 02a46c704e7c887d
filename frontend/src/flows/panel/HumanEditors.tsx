// Editors of the human steps: create_task (a to-do, optionally awaited) and approval.
import { Radio, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Label } from '../../api/types';
import { labelText } from '../../common/label';
import { patched, useFlowContext, type EditorProps } from './context';
import { AssigneeListInput, DurationInput, OptionalDurationInput, Setting, TemplateInput, type Assignee } from './inputs';
import { earlierSteps } from './scope';

export function TaskEditor({ node, onChange, fields }: EditorProps) {
  const { t } = useTranslation('flows');
  return (
    <>
      <Setting label={t('taskTitle')}><TemplateInput rows={1} value={node.title as string} fields={fields} testId="task-title" onChange={(v) => onChange({ ...node, title: v })} /></Setting>
      <Setting label={t('description')}>
        <TemplateInput rows={2} value={node.description as string | undefined} fields={fields} testId="task-description"
          onChange={(v) => onChange(patched(node, 'description', v || undefined))} />
      </Setting>
      <Setting label={t('assigneeLabel')}><AssigneeListInput value={node.assignee as Assignee} fields={fields} addLabel={t('addAssignee')} testId="task-assignee" onChange={(v) => onChange({ ...node, assignee: v })} /></Setting>
      <Setting label={t('due')}>
        <OptionalDurationInput value={node.due as string | undefined} fallback="2d" testId="task-due" onChange={(v) => onChange(patched(node, 'due', v))} />
      </Setting>
      <Setting label={t('remind')} help={t('remindHelp')}>
        <OptionalDurationInput value={node.remind as string | undefined} fallback="1d" testId="task-remind" onChange={(v) => onChange(patched(node, 'remind', v))} />
      </Setting>
      <Setting label={t('waitForTask')} help={t('waitForTaskHelp')}>
        <Switch checked={!!node.wait} data-testid="task-wait" onChange={(v) => onChange(patched(node, 'wait', v || undefined))} />
      </Setting>
    </>
  );
}

export function ApprovalEditor({ node, onChange, fields }: EditorProps) {
  const { t, i18n } = useTranslation('flows');
  const { nodes, edges } = useFlowContext();
  const perms = (node.fields as { visible?: string[]; editable?: string[] }) ?? {};
  const timeout = (node.timeout as { after?: string; action?: string }) ?? undefined;
  const fieldOptions = fields.filter((f) => f.type !== 'section').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const setPerms = (group: 'visible' | 'editable', v: string[]) => {
    const next = { ...perms, [group]: v.length ? v : undefined };
    if (!next[group]) delete next[group];
    onChange(patched(node, 'fields', Object.keys(next).length ? next : undefined));
  };
  const backTargets = earlierSteps(node.id, nodes, edges).map((n) => ({
    value: n.id, label: `${labelText(n.name as Label | undefined, i18n.language, '') || t(`node.${n.type}`)} (${n.id})`,
  }));
  return (
    <>
      <Setting label={t('taskTitle')}><TemplateInput rows={1} value={node.title as string} fields={fields} testId="approval-title" onChange={(v) => onChange({ ...node, title: v })} /></Setting>
      <Setting label={t('approvers')}>
        <AssigneeListInput value={node.assignees as Assignee} fields={fields} addLabel={t('addApprover')} testId="approvers"
          onChange={(v) => onChange({ ...node, assignees: v })} />
      </Setting>
      <Setting label={t('mode')}>
        <Radio.Group value={node.mode ?? 'any'} onChange={(e) => onChange({ ...node, mode: e.target.value })}
          options={[{ value: 'any', label: t('modeAny') }, { value: 'all', label: t('modeAll') }]} />
      </Setting>
      <Setting label={t('visibleFields')} help={t('visibleFieldsHelp')}>
        <Select mode="multiple" style={{ width: '100%' }} value={perms.visible ?? []} options={fieldOptions} onChange={(v: string[]) => setPerms('visible', v)} />
      </Setting>
      <Setting label={t('editableFields')}>
        <Select mode="multiple" style={{ width: '100%' }} value={perms.editable ?? []} options={fieldOptions} onChange={(v: string[]) => setPerms('editable', v)} />
      </Setting>
      <Setting label={t('approvalTimeout')}>
        <Space wrap>
          <Switch checked={!!timeout} onChange={(v) => onChange(patched(node, 'timeout', v ? { after: '3d', action: 'remind' } : undefined))} />
          {timeout && (
            <>
              <DurationInput value={timeout.after} onChange={(after) => onChange({ ...node, timeout: { ...timeout, after } })} />
              <Select style={{ width: 140 }} value={timeout.action} onChange={(action) => onChange({ ...node, timeout: { ...timeout, action } })}
                options={['remind', 'approve', 'return'].map((a) => ({ value: a, label: t(`timeoutAction.${a}`) }))} />
            </>
          )}
        </Space>
      </Setting>
      <Setting label={t('sendBackTo')} help={t('sendBackToHelp')}>
        <Select allowClear style={{ width: '100%' }} value={(node.send_back_to as string) || undefined} options={backTargets} placeholder={t('previousStep')}
          data-testid="send-back-to" onChange={(v: string | undefined) => onChange(patched(node, 'send_back_to', v))} />
      </Setting>
      <Setting label={t('requirements')}>
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
          <span><Switch size="small" checked={!!node.require_comment} onChange={(v) => onChange(patched(node, 'require_comment', v || undefined))} /> {t('requireComment')}</span>
          <span><Switch size="small" checked={!!node.require_signature} onChange={(v) => onChange(patched(node, 'require_signature', v || undefined))} /> {t('requireSignature')}</span>
        </div>
      </Setting>
      <Setting label={t('cc')}>
        <AssigneeListInput value={node.cc as Assignee | undefined} fields={fields} addLabel={t('addCc')} onChange={(v) => onChange(patched(node, 'cc', v))} />
      </Setting>
      <Typography.Text type="secondary">{t('approvalBranchesHelp')}</Typography.Text>
    </>
  );
}
