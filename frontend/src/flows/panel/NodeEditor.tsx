// The settings editor for one node, chosen by its type.
import { Button, Input, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormInfo } from '../../api/types';
import { labelText } from '../../common/label';
import { switchCases } from '../catalog';
import type { FlowNode } from '../types';
import { AssigneeInput, AssigneeListInput, DurationInput, ExpressionInput, SetEditor, Setting, TemplateInput, type Assignee } from './inputs';

interface Props {
  node: FlowNode;
  onChange: (node: FlowNode) => void;
  fields: FieldDef[];
  forms: FormInfo[];
}

export function NodeEditor(props: Props) {
  const { t } = useTranslation('flows');
  const { node } = props;
  const body = (() => {
    switch (node.type) {
      case 'condition': return <ConditionEditor {...props} />;
      case 'switch': return <SwitchEditor {...props} />;
      case 'ab_split': return <AbSplitEditor {...props} />;
      case 'wait': return <Setting label={t('duration')}><DurationInput value={node.duration as string} testId="wait-duration" onChange={(v) => props.onChange({ ...node, duration: v })} /></Setting>;
      case 'wait_until': return <WaitUntilEditor {...props} />;
      case 'create_record': case 'update_record': case 'delete_record': case 'query_records': return <RecordEditor {...props} />;
      case 'query_report': return <QueryReportEditor {...props} />;
      case 'create_task': return <TaskEditor {...props} />;
      case 'approval': return <ApprovalEditor {...props} />;
      case 'send_message': return <MessageEditor {...props} />;
      case 'http_request': return <HttpEditor {...props} />;
      case 'set_variable': return <VariableEditor {...props} />;
      case 'end': return <Typography.Text type="secondary">{t('endHelp')}</Typography.Text>;
    }
  })();
  return <div data-testid={`editor-${node.type}`}>{body}</div>;
}

function ConditionEditor({ node, onChange, fields }: Props) {
  const { t } = useTranslation('flows');
  return (
    <Setting label={t('condition')} help={t('nodeConditionHelp')}>
      <ExpressionInput value={node.expression as string} fields={fields} testId="condition-expression" onChange={(v) => onChange({ ...node, expression: v })} />
    </Setting>
  );
}

function SwitchEditor({ node, onChange, fields }: Props) {
  const { t } = useTranslation('flows');
  const cases = switchCases(node);
  return (
    <>
      <Setting label={t('switchValue')}>
        <ExpressionInput value={node.expression as string} fields={fields} onChange={(v) => onChange({ ...node, expression: v })} />
      </Setting>
      <Setting label={t('cases')} help={t('casesHelp')}>
        <Select mode="tags" style={{ width: '100%' }} value={cases} onChange={(v: string[]) => onChange({ ...node, ui: { ...(node.ui as object), cases: v } })} />
      </Setting>
    </>
  );
}

interface Branch { key: string; weight: number; holdout?: boolean }

function AbSplitEditor({ node, onChange }: Props) {
  const { t } = useTranslation('flows');
  const branches = (node.branches as Branch[]) ?? [];
  const total = branches.reduce((s, b) => s + (b.weight || 0), 0);
  const set = (next: Branch[]) => onChange({ ...node, branches: next });
  return (
    <Setting label={t('branches')} help={t('branchesHelp', { total })}>
      {branches.map((b, i) => (
        <div key={i} style={{ display: 'flex', gap: 6, alignItems: 'center', marginBottom: 6 }}>
          <Input style={{ width: 80 }} value={b.key} onChange={(e) => set(branches.map((x, j) => (j === i ? { ...x, key: e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, '') } : x)))} />
          <InputNumber min={0} max={100} value={b.weight} suffix="%" style={{ width: 100 }}
            onChange={(v) => set(branches.map((x, j) => (j === i ? { ...x, weight: Number(v ?? 0) } : x)))} />
          <Switch size="small" checked={!!b.holdout} onChange={(v) => set(branches.map((x, j) => (j === i ? { ...x, holdout: v || undefined } : x)))} />
          <span>{t('holdout')}</span>
          <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => set(branches.filter((_, j) => j !== i))} />
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => set([...branches, { key: String.fromCharCode(97 + branches.length), weight: 0 }])}>{t('addBranch')}</Button>
    </Setting>
  );
}

function WaitUntilEditor({ node, onChange, fields, forms }: Props) {
  const { t, i18n } = useTranslation('flows');
  const event = node.event as { on?: string; form?: string; match?: string } | undefined;
  const mode = event ? 'event' : 'date';
  return (
    <>
      <Radio.Group value={mode} style={{ marginBottom: 12 }} onChange={(e) => onChange(e.target.value === 'event'
        ? { id: node.id, type: node.type, event: { on: 'record.created', form: forms[0]?.key ?? '' }, timeout: node.timeout }
        : { id: node.id, type: node.type, until: '', timeout: node.timeout })}
        options={[{ value: 'date', label: t('untilDate') }, { value: 'event', label: t('untilEvent') }]} />
      {mode === 'date' ? (
        <Setting label={t('untilExpression')} help={t('untilHelp')}>
          <ExpressionInput value={node.until as string} fields={fields} onChange={(v) => onChange({ ...node, until: v })} />
        </Setting>
      ) : (
        <>
          <Setting label={t('eventForm')}>
            <Select style={{ width: '100%' }} value={event?.form}
              options={forms.map((f) => ({ value: f.key, label: labelText(f.definition?.name ?? f.name, i18n.language, f.key) }))}
              onChange={(v) => onChange({ ...node, event: { ...event, form: v } })} />
          </Setting>
          <Setting label={t('eventMatch')} help={t('eventMatchHelp')}>
            <ExpressionInput value={event?.match} fields={formFields(forms, event?.form)} prefix="" onChange={(v) => onChange({ ...node, event: { ...event, match: v || undefined } })} />
          </Setting>
        </>
      )}
      <Setting label={t('timeout')}>
        <DurationInput value={node.timeout as string} onChange={(v) => onChange({ ...node, timeout: v })} />
      </Setting>
    </>
  );
}

function formFields(forms: FormInfo[], key: unknown): FieldDef[] {
  return forms.find((f) => f.key === key)?.definition.fields ?? [];
}

function FormSelect({ value, forms, onChange }: { value: unknown; forms: FormInfo[]; onChange: (key: string) => void }) {
  const { i18n } = useTranslation();
  return (
    <Select style={{ width: '100%' }} value={(value as string) || undefined} onChange={onChange}
      options={forms.map((f) => ({ value: f.key, label: labelText(f.definition?.name ?? f.name, i18n.language, f.key) }))} />
  );
}

function RecordEditor({ node, onChange, fields, forms }: Props) {
  const { t } = useTranslation('flows');
  const usesTarget = node.type === 'update_record' || node.type === 'delete_record';
  const target = (usesTarget && typeof node.target === 'object' ? node.target : null) as { form?: string; filter?: string } | null;
  const onTrigger = usesTarget && !target;
  const formKey = usesTarget ? target?.form : (node.form as string | undefined);
  const filter = usesTarget ? target?.filter : (node.filter as string | undefined);
  const targetFields = onTrigger ? fields : formFields(forms, formKey);
  const setForm = (form: string) => onChange(usesTarget ? { ...node, target: { form, filter: filter ?? '' } } : { ...node, form });
  const setFilter = (f: string) => onChange(usesTarget ? { ...node, target: { form: formKey ?? '', filter: f } } : { ...node, filter: f || undefined });
  return (
    <>
      {(node.type === 'update_record' || node.type === 'delete_record') && (
        <Setting label={t('target')}>
          <Radio.Group value={onTrigger ? 'record' : 'filter'}
            onChange={(e) => onChange(e.target.value === 'record'
              ? { ...node, target: 'record', upsert: undefined }
              : { ...node, target: { form: forms[0]?.key ?? '', filter: '' } })}
            options={[{ value: 'record', label: t('targetRecord') }, { value: 'filter', label: t('targetFilter') }]} />
        </Setting>
      )}
      {!onTrigger && (
        <Setting label={t('form')}><FormSelect value={formKey} forms={forms} onChange={setForm} /></Setting>
      )}
      {!onTrigger && node.type !== 'create_record' && (
        <Setting label={t('filter')} help={t('filterHelp')}>
          <ExpressionInput value={filter} fields={targetFields} prefix="" onChange={setFilter} />
        </Setting>
      )}
      {(node.type === 'create_record' || node.type === 'update_record') && (
        <Setting label={t('setValues')}>
          <SetEditor value={node.set as Record<string, string>} targetFields={targetFields} sourceFields={fields} onChange={(v) => onChange({ ...node, set: v })} />
        </Setting>
      )}
      {node.type === 'update_record' && !onTrigger && (
        <Setting label={t('upsert')}><Switch checked={!!node.upsert} onChange={(v) => onChange({ ...node, upsert: v || undefined })} /></Setting>
      )}
      {node.type === 'query_records' && (
        <Setting label={t('limit')}><InputNumber min={1} max={1000} value={node.limit as number} onChange={(v) => onChange({ ...node, limit: v ?? 100 })} /></Setting>
      )}
      {node.type === 'query_records' && <Typography.Text type="secondary">{t('stepsHelp', { id: node.id })}</Typography.Text>}
    </>
  );
}

const AGGS = ['count', 'count_distinct', 'sum', 'avg', 'min', 'max', 'median'];

function QueryReportEditor({ node, onChange, forms }: Props) {
  const { t, i18n } = useTranslation('flows');
  const query = (node.spec as { source?: string; filter?: string; measures?: { agg: string; field?: string; as?: string }[] }) ?? {};
  const measure = query.measures?.[0] ?? { agg: 'count', as: 'value' };
  const fields = formFields(forms, query.source);
  const set = (patch: Record<string, unknown>) => onChange({ ...node, spec: { ...query, ...patch } });
  return (
    <>
      <Setting label={t('form')}><FormSelect value={query.source} forms={forms} onChange={(v) => set({ source: v })} /></Setting>
      <Setting label={t('measure')}>
        <div style={{ display: 'flex', gap: 6 }}>
          <Select style={{ width: 140 }} value={measure.agg} options={AGGS.map((a) => ({ value: a, label: t(`agg.${a}`) }))}
            onChange={(agg) => set({ measures: [{ ...measure, agg }] })} />
          {measure.agg !== 'count' && (
            <Select style={{ flex: 1 }} value={measure.field} onChange={(field) => set({ measures: [{ ...measure, field }] })}
              options={fields.map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))} />
          )}
        </div>
      </Setting>
      <Setting label={t('filter')}>
        <ExpressionInput value={query.filter} fields={fields} prefix="" onChange={(v) => set({ filter: v || undefined })} />
      </Setting>
      <Typography.Text type="secondary">{t('stepsHelp', { id: node.id })}</Typography.Text>
    </>
  );
}

function TaskEditor({ node, onChange, fields }: Props) {
  const { t } = useTranslation('flows');
  return (
    <>
      <Setting label={t('taskTitle')}><TemplateInput rows={1} value={node.title as string} fields={fields} testId="task-title" onChange={(v) => onChange({ ...node, title: v })} /></Setting>
      <Setting label={t('assigneeLabel')}><AssigneeListInput value={node.assignee as Assignee} fields={fields} addLabel={t('addAssignee')} onChange={(v) => onChange({ ...node, assignee: v })} /></Setting>
      <Setting label={t('due')}><DurationInput value={node.due as string} onChange={(v) => onChange({ ...node, due: v })} /></Setting>
    </>
  );
}

function ApprovalEditor({ node, onChange, fields }: Props) {
  const { t, i18n } = useTranslation('flows');
  const perms = (node.fields as { visible?: string[]; editable?: string[] }) ?? {};
  const timeout = (node.timeout as { after?: string; action?: string }) ?? undefined;
  const fieldOptions = fields.filter((f) => f.type !== 'section').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  return (
    <>
      <Setting label={t('taskTitle')}><TemplateInput rows={1} value={node.title as string} fields={fields} onChange={(v) => onChange({ ...node, title: v })} /></Setting>
      <Setting label={t('approvers')}>
        <AssigneeListInput value={node.assignees as Assignee} fields={fields} addLabel={t('addApprover')} testId="approvers"
          onChange={(v) => onChange({ ...node, assignees: v })} />
      </Setting>
      <Setting label={t('mode')}>
        <Radio.Group value={node.mode ?? 'any'} onChange={(e) => onChange({ ...node, mode: e.target.value })}
          options={[{ value: 'any', label: t('modeAny') }, { value: 'all', label: t('modeAll') }]} />
      </Setting>
      <Setting label={t('visibleFields')} help={t('visibleFieldsHelp')}>
        <Select mode="multiple" style={{ width: '100%' }} value={perms.visible ?? []} options={fieldOptions}
          onChange={(v: string[]) => onChange({ ...node, fields: { ...perms, visible: v.length ? v : undefined } })} />
      </Setting>
      <Setting label={t('editableFields')}>
        <Select mode="multiple" style={{ width: '100%' }} value={perms.editable ?? []} options={fieldOptions}
          onChange={(v: string[]) => onChange({ ...node, fields: { ...perms, editable: v.length ? v : undefined } })} />
      </Setting>
      <Setting label={t('approvalTimeout')}>
        <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap' }}>
          <Switch checked={!!timeout} onChange={(v) => onChange({ ...node, timeout: v ? { after: '3d', action: 'remind' } : undefined })} />
          {timeout && (
            <>
              <DurationInput value={timeout.after} onChange={(after) => onChange({ ...node, timeout: { ...timeout, after } })} />
              <Select style={{ width: 140 }} value={timeout.action} onChange={(action) => onChange({ ...node, timeout: { ...timeout, action } })}
                options={['remind', 'approve', 'return'].map((a) => ({ value: a, label: t(`timeoutAction.${a}`) }))} />
            </>
          )}
        </div>
      </Setting>
      <Setting label={t('requirements')}>
        <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
          <span><Switch size="small" checked={!!node.require_comment} onChange={(v) => onChange({ ...node, require_comment: v || undefined })} /> {t('requireComment')}</span>
          <span><Switch size="small" checked={!!node.require_signature} onChange={(v) => onChange({ ...node, require_signature: v || undefined })} /> {t('requireSignature')}</span>
        </div>
      </Setting>
      <Setting label={t('cc')}>
        <AssigneeListInput value={node.cc as Assignee | undefined} fields={fields} addLabel={t('addCc')} onChange={(v) => onChange({ ...node, cc: v })} />
      </Setting>
    </>
  );
}

function MessageEditor({ node, onChange, fields }: Props) {
  const { t } = useTranslation('flows');
  const channel = (node.channel as string) ?? 'inapp';
  const toIsTemplate = typeof node.to === 'string';
  return (
    <>
      <Setting label={t('channel')}>
        <Radio.Group value={channel} data-testid="message-channel" optionType="button"
          onChange={(e) => onChange({ ...node, channel: e.target.value, to: e.target.value === 'inapp' ? { user: '' } : node.to })}
          options={['inapp', 'email', 'sms'].map((c) => ({ value: c, label: t(`channels.${c}`) }))} />
      </Setting>
      <Setting label={t('to')}>
        {channel !== 'inapp' && (
          <Radio.Group size="small" style={{ marginBottom: 6 }} value={toIsTemplate ? 'template' : 'member'}
            onChange={(e) => onChange({ ...node, to: e.target.value === 'template' ? (channel === 'sms' ? '{{record.phone}}' : '{{record.email}}') : { user: '' } })}
            options={[{ value: 'member', label: t('toMember') }, { value: 'template', label: t('toAddress') }]} />
        )}
        {toIsTemplate
          ? <TemplateInput rows={1} value={node.to as string} fields={fields} onChange={(v) => onChange({ ...node, to: v })} />
          : Array.isArray(node.to)
            ? <AssigneeListInput value={node.to as Assignee[]} fields={fields} addLabel={t('addRecipient')} onChange={(v) => onChange({ ...node, to: v ?? { user: '' } })} />
            : <AssigneeInput value={node.to as Assignee} fields={fields} testId="message-to" onChange={(v) => onChange({ ...node, to: v })} />}
      </Setting>
      {channel !== 'sms' && (
        <Setting label={t('subject')}><TemplateInput rows={1} value={node.subject as string} fields={fields} onChange={(v) => onChange({ ...node, subject: v || undefined })} /></Setting>
      )}
      <Setting label={t('body')}><TemplateInput value={node.body as string} fields={fields} testId="message-body" onChange={(v) => onChange({ ...node, body: v })} /></Setting>
    </>
  );
}

function HttpEditor({ node, onChange, fields }: Props) {
  const { t } = useTranslation('flows');
  const headers = Object.entries((node.headers as Record<string, string>) ?? {});
  const setHeaders = (next: [string, string][]) => onChange({ ...node, headers: Object.fromEntries(next) });
  return (
    <>
      <Setting label={t('request')}>
        <Space2>
          <Select style={{ width: 100 }} value={node.method ?? 'POST'} onChange={(v) => onChange({ ...node, method: v })}
            options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ value: m, label: m }))} />
          <Input placeholder="https://" value={node.url as string} onChange={(e) => onChange({ ...node, url: e.target.value })} />
        </Space2>
      </Setting>
      <Setting label={t('headers')}>
        {headers.map(([k, v], i) => (
          <Space2 key={i}>
            <Input style={{ width: 140 }} value={k} placeholder={t('headerName')} onChange={(e) => setHeaders(headers.map((h, j) => (j === i ? [e.target.value, h[1]] : h)))} />
            <Input value={v} placeholder={t('headerValue')} onChange={(e) => setHeaders(headers.map((h, j) => (j === i ? [h[0], e.target.value] : h)))} />
            <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => setHeaders(headers.filter((_, j) => j !== i))} />
          </Space2>
        ))}
        <Button size="small" icon={<PlusOutlined />} onClick={() => setHeaders([...headers, ['', '']])}>{t('addHeader')}</Button>
      </Setting>
      {node.method !== 'GET' && (
        <Setting label={t('body')} help={t('httpBodyHelp')}>
          <TemplateInput value={node.body as string} fields={fields} onChange={(v) => onChange({ ...node, body: v })} />
        </Setting>
      )}
    </>
  );
}

function Space2({ children }: { children: React.ReactNode }) {
  return <div style={{ display: 'flex', gap: 6, marginBottom: 6 }}>{children}</div>;
}

function VariableEditor({ node, onChange, fields }: Props) {
  const { t } = useTranslation('flows');
  const entries = Object.entries((node.set as Record<string, string>) ?? {});
  const replace = (next: [string, string][]) => onChange({ ...node, set: Object.fromEntries(next) });
  return (
    <Setting label={t('variables')} help={t('variablesHelp')}>
      {entries.map(([name, expr], i) => (
        <div key={i} style={{ display: 'flex', gap: 6, marginBottom: 6, alignItems: 'flex-start' }}>
          <Input className="fl-mono" style={{ width: 120 }} value={name} placeholder={t('variableName')}
            onChange={(e) => replace(entries.map((x, j) => (j === i ? [e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, ''), x[1]] : x)))} />
          <div style={{ flex: 1 }}>
            <ExpressionInput value={expr} fields={fields} onChange={(v) => replace(entries.map((x, j) => (j === i ? [x[0], v] : x)))} />
          </div>
          <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => replace(entries.filter((_, j) => j !== i))} />
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => replace([...entries, [`value_${entries.length + 1}`, '']])}>{t('addVariable')}</Button>
    </Setting>
  );
}
