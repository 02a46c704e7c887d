// The settings editor for one node, chosen by its type: its own options, then the step's name.
// Editors change only what the user touches, so a flow saved unedited stays as it was.
import { Button, Input, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Label } from '../../api/types';
import { labelText } from '../../common/label';
import { LabelInput } from '../../designer/form/LabelInput';
import { switchCases } from '../catalog';
import { formFields, patched, useStepScope, without, type EditorProps } from './context';
import { ApprovalEditor, TaskEditor } from './HumanEditors';
import { DurationInput, ExpressionInput, OptionalDurationInput, Setting } from './inputs';
import { HttpEditor, MessageEditor } from './MessageEditors';
import { FLOW_ROOTS } from './scope';
import { RecordEditor } from './RecordEditors';
import { QueryReportEditor } from './ReportSpecEditor';

export function NodeEditor(props: EditorProps) {
  const { t } = useTranslation('flows');
  const { node, onChange } = props;
  const body = (() => {
    switch (node.type) {
      case 'condition': return <ConditionEditor {...props} />;
      case 'switch': return <SwitchEditor {...props} />;
      case 'ab_split': return <AbSplitEditor {...props} />;
      case 'wait': return <Setting label={t('duration')}><DurationInput value={node.duration as string} testId="wait-duration" onChange={(v) => onChange({ ...node, duration: v })} /></Setting>;
      case 'wait_until': return <WaitUntilEditor {...props} />;
      case 'create_record': case 'update_record': case 'delete_record': case 'query_records': return <RecordEditor {...props} />;
      case 'query_report': return <QueryReportEditor {...props} />;
      case 'create_task': return <TaskEditor {...props} />;
      case 'approval': return <ApprovalEditor {...props} />;
      case 'send_message': return <MessageEditor {...props} />;
      case 'http_request': return <HttpEditor {...props} />;
      case 'set_variable': return <VariableEditor {...props} />;
      case 'end': return <EndEditor {...props} />;
    }
  })();
  return (
    <div data-testid={`editor-${node.type}`}>
      {body}
      <Setting label={t('stepName')} help={t('stepNameHelp')}>
        <LabelInput value={node.name as Label | undefined} testId="node-name" onChange={(name) => onChange(patched(node, 'name', name))} />
      </Setting>
    </div>
  );
}

function ConditionEditor({ node, onChange, fields }: EditorProps) {
  const { t } = useTranslation('flows');
  const { scope, roots } = useStepScope(node.id, fields);
  return (
    <Setting label={t('condition')} help={t('nodeConditionHelp')}>
      <ExpressionInput value={node.expression as string} fields={fields} scope={scope} roots={roots} testId="condition-expression"
        onChange={(v) => onChange({ ...node, expression: v })} />
    </Setting>
  );
}

function SwitchEditor({ node, onChange, fields }: EditorProps) {
  const { t } = useTranslation('flows');
  const { scope, roots } = useStepScope(node.id, fields);
  const cases = switchCases(node);
  return (
    <>
      <Setting label={t('switchValue')}>
        <ExpressionInput value={node.expression as string} fields={fields} scope={scope} roots={roots} testId="switch-expression"
          onChange={(v) => onChange({ ...node, expression: v })} />
      </Setting>
      <Setting label={t('cases')} help={t('casesHelp')}>
        <Select mode="tags" style={{ width: '100%' }} value={cases} onChange={(v: string[]) => onChange({ ...node, ui: { ...(node.ui as object), cases: v } })} />
      </Setting>
    </>
  );
}

interface Branch { key: string; weight: number; holdout?: boolean }

function AbSplitEditor({ node, onChange }: EditorProps) {
  const { t } = useTranslation('flows');
  const branches = (node.branches as Branch[]) ?? [];
  const total = branches.reduce((s, b) => s + (b.weight || 0), 0);
  const set = (next: Branch[]) => onChange({ ...node, branches: next });
  const share = (w: number) => (total ? Math.round((w / total) * 1000) / 10 : 0);
  return (
    <Setting label={t('branches')} help={t('branchesHelp', { total })}>
      {branches.map((b, i) => (
        <div key={i} style={{ display: 'flex', gap: 6, alignItems: 'center', marginBottom: 6 }}>
          <Input style={{ width: 80 }} value={b.key} aria-label={t('branchKey')}
            onChange={(e) => set(branches.map((x, j) => (j === i ? { ...x, key: e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, '') } : x)))} />
          <InputNumber min={0} max={1000} value={b.weight} style={{ width: 90 }} aria-label={t('weight')}
            onChange={(v) => set(branches.map((x, j) => (j === i ? { ...x, weight: Number(v ?? 0) } : x)))} />
          <Typography.Text type="secondary" style={{ width: 48, fontSize: 12 }}>{share(b.weight)}%</Typography.Text>
          <Switch size="small" checked={!!b.holdout} onChange={(v) => set(branches.map((x, j) => {
            if (j !== i) return x;
            const { holdout: _drop, ...rest } = x;
            return v ? { ...rest, holdout: true } : rest;
          }))} />
          <span>{t('holdout')}</span>
          <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => set(branches.filter((_, j) => j !== i))} />
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => set([...branches, { key: String.fromCharCode(97 + branches.length), weight: 0 }])}>{t('addBranch')}</Button>
      <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('holdoutHelp')}</Typography.Text></div>
    </Setting>
  );
}

function WaitUntilEditor({ node, onChange, fields, forms }: EditorProps) {
  const { t, i18n } = useTranslation('flows');
  const { scope, roots } = useStepScope(node.id, fields);
  const event = node.event as { on?: string; form?: string; match?: string } | undefined;
  const mode = event ? 'event' : 'date';
  const setEvent = (patch: Record<string, unknown>) => {
    const next: Record<string, unknown> = { ...event, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    onChange({ ...node, event: next });
  };
  // The match reads the new record's fields bare and the run's own record as record.
  const eventFields = formFields(forms, event?.form);
  const matchScope = [...eventFields, ...scope.filter((f) => f.key.includes('.'))];
  return (
    <>
      <Radio.Group value={mode} style={{ marginBottom: 12 }} data-testid="wait-until-mode"
        onChange={(e) => onChange(e.target.value === 'event'
          ? { ...without(node, 'until'), event: { form: forms[0]?.key ?? '' }, timeout: (node.timeout as string | undefined) ?? '7d' }
          : { ...without(node, 'event', 'timeout'), until: '' })}
        options={[{ value: 'date', label: t('untilDate') }, { value: 'event', label: t('untilEvent') }]} />
      {mode === 'date' ? (
        <Setting label={t('untilExpression')} help={t('untilHelp')}>
          <ExpressionInput value={node.until as string} fields={fields} scope={scope} roots={roots} testId="wait-until-date"
            onChange={(v) => onChange({ ...node, until: v })} />
        </Setting>
      ) : (
        <>
          <Setting label={t('eventOn')}>
            <Radio.Group value={event?.on ?? 'record.created'} onChange={(e) => setEvent({ on: e.target.value })}
              options={[{ value: 'record.created', label: t('eventCreated') }, { value: 'record.updated', label: t('eventUpdated') }]} />
          </Setting>
          <Setting label={t('eventForm')}>
            <Select style={{ width: '100%' }} value={event?.form || undefined}
              options={forms.map((f) => ({ value: f.key, label: labelText(f.definition?.name ?? f.name, i18n.language, f.key) }))}
              onChange={(v) => setEvent({ form: v })} />
          </Setting>
          <Setting label={t('eventMatch')} help={t('eventMatchHelp')}>
            <ExpressionInput value={event?.match} fields={formFields(forms, event?.form)} prefix=""
              scope={matchScope} roots={eventFields.length ? FLOW_ROOTS : '*'}
              onChange={(v) => setEvent({ match: v || undefined })} />
          </Setting>
        </>
      )}
      {(mode === 'event' || node.timeout !== undefined) && (
        <Setting label={t('timeout')} help={t('timeoutHelp')}>
          <OptionalDurationInput value={node.timeout as string | undefined} fallback="7d" testId="wait-timeout" onChange={(v) => onChange(patched(node, 'timeout', v))} />
        </Setting>
      )}
    </>
  );
}

function VariableEditor({ node, onChange, fields }: EditorProps) {
  const { t } = useTranslation('flows');
  const { scope, roots } = useStepScope(node.id, fields);
  const entries = Object.entries((node.set as Record<string, string>) ?? {});
  const replace = (next: [string, string][]) => onChange({ ...node, set: Object.fromEntries(next) });
  return (
    <Setting label={t('variables')} help={t('variablesHelp')}>
      {entries.map(([name, expr], i) => (
        <div key={i} style={{ display: 'flex', gap: 6, marginBottom: 6, alignItems: 'flex-start' }}>
          <Input className="fl-mono" style={{ width: 120 }} value={name} placeholder={t('variableName')}
            onChange={(e) => replace(entries.map((x, j) => (j === i ? [e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, ''), x[1]] : x)))} />
          <div style={{ flex: 1, minWidth: 0 }}>
            <ExpressionInput value={expr} fields={fields} scope={scope} roots={roots} onChange={(v) => replace(entries.map((x, j) => (j === i ? [x[0], v] : x)))} />
          </div>
          <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => replace(entries.filter((_, j) => j !== i))} />
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => replace([...entries, [`value_${entries.length + 1}`, '']])}>{t('addVariable')}</Button>
    </Setting>
  );
}

function EndEditor({ node, onChange }: EditorProps) {
  const { t } = useTranslation('flows');
  return (
    <>
      <Setting label={t('endStatus')} help={t('endHelp')}>
        <Radio.Group value={(node.status as string) ?? 'completed'} data-testid="end-status" onChange={(e) => onChange({ ...node, status: e.target.value })}
          options={[{ value: 'completed', label: t('endCompleted') }, { value: 'cancelled', label: t('endCancelled') }]} />
      </Setting>
    </>
  );
}
