// Editors of the record nodes: create_record, update_record (the trigger record, records matching
// a filter, or one record per row of an earlier step: for_each), delete_record, query_records.
import { useMemo } from 'react';
import { Alert, InputNumber, Radio, Select, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormInfo, Label } from '../../api/types';
import { labelText } from '../../common/label';
import type { FlowNode } from '../types';
import { formFields, patched, useFlowContext, useStepScope, without, type EditorProps } from './context';
import { ExpressionInput, SetEditor, Setting } from './inputs';
import { forEachForm, forEachSources, itemColumns, parseForEach } from './scope';

export function FormSelect({ value, forms, onChange, testId, allowClear }: {
  value: unknown; forms: FormInfo[]; onChange: (key: string | undefined) => void; testId?: string; allowClear?: boolean;
}) {
  const { i18n } = useTranslation();
  return (
    <Select style={{ width: '100%' }} value={(value as string) || undefined} onChange={onChange} data-testid={testId} allowClear={allowClear}
      options={forms.map((f) => ({ value: f.key, label: labelText(f.definition?.name ?? f.name, i18n.language, f.key) }))} />
  );
}

type TargetMode = 'record' | 'filter' | 'each';

function targetMode(node: FlowNode): TargetMode {
  if (node.type === 'update_record' && node.for_each !== undefined) return 'each';
  return typeof node.target === 'object' && node.target ? 'filter' : 'record';
}

export function RecordEditor(props: EditorProps) {
  const { node } = props;
  if (node.type === 'update_record' && targetMode(node) === 'each') return <><TargetChoice {...props} /><ForEachEditor {...props} /></>;
  return <FormRecordEditor {...props} />;
}

/** Which records an update/delete touches; switching drops the other modes' keys only. */
function TargetChoice({ node, onChange, forms }: EditorProps) {
  const { t } = useTranslation('flows');
  const { nodes, edges } = useFlowContext();
  const mode = targetMode(node);
  const sources = forEachSources(node.id, nodes, edges);
  const options = [{ value: 'record', label: t('targetRecord') }, { value: 'filter', label: t('targetFilter') }];
  if (node.type === 'update_record') options.push({ value: 'each', label: t('targetEach') });
  const choose = (next: TargetMode) => {
    const base = without(node, 'target', 'upsert', 'for_each', 'record_id');
    if (next === 'record') onChange({ ...base, target: 'record' });
    else if (next === 'filter') onChange({ ...base, target: { form: forms[0]?.key ?? '', filter: '' } });
    else onChange({ ...base, for_each: sources[0]?.value ?? '' });
  };
  return (
    <Setting label={t('target')}>
      <Radio.Group value={mode} data-testid="record-target" onChange={(e) => choose(e.target.value)} options={options} />
    </Setting>
  );
}

function FormRecordEditor(props: EditorProps) {
  const { node, onChange, fields, forms } = props;
  const { t } = useTranslation('flows');
  const usesTarget = node.type === 'update_record' || node.type === 'delete_record';
  const target = (usesTarget && typeof node.target === 'object' ? node.target : null) as { form?: string; filter?: string } | null;
  const onTrigger = usesTarget && !target;
  const formKey = usesTarget ? target?.form : (node.form as string | undefined);
  const filter = usesTarget ? target?.filter : (node.filter as string | undefined);
  const targetFields = onTrigger ? fields : formFields(forms, formKey);
  const { scope, roots } = useStepScope(node.id, fields);
  // A filter reads the candidate's fields bare and the trigger record as record.
  const filterScope = useMemo(() => [...targetFields, ...scope.filter((f) => f.key.includes('.'))], [targetFields, scope]);
  const setForm = (form: string | undefined) => onChange(usesTarget ? { ...node, target: { form: form ?? '', filter: filter ?? '' } } : { ...node, form: form ?? '' });
  const setFilter = (f: string) => onChange(usesTarget ? { ...node, target: { form: formKey ?? '', filter: f } } : patched(node, 'filter', f || undefined));
  return (
    <>
      {usesTarget && <TargetChoice {...props} />}
      {!onTrigger && (
        <Setting label={t('form')}><FormSelect value={formKey} forms={forms} onChange={setForm} testId="record-form" /></Setting>
      )}
      {!onTrigger && node.type !== 'create_record' && (
        <Setting label={t('filter')} help={t('filterHelp')}>
          {/* No live server check: /rules/check is stricter than the flow check (a relation compared with
              RECORD_ID() is fine in a flow); the flow check on save reports real problems on the step. */}
          <ExpressionInput value={filter} fields={targetFields} prefix="" scope={filterScope}
            roots={targetFields.length ? roots : '*'} testId="record-filter" onChange={setFilter} />
        </Setting>
      )}
      {(node.type === 'create_record' || node.type === 'update_record') && (
        <Setting label={t('setValues')}>
          <SetEditor value={node.set as Record<string, string>} targetFields={targetFields} sourceFields={fields} scope={scope} roots={roots}
            testId="record-set" onChange={(v) => onChange({ ...node, set: v })} />
        </Setting>
      )}
      {node.type === 'update_record' && !onTrigger && (
        <Setting label={t('upsert')}><Switch checked={!!node.upsert} onChange={(v) => onChange(patched(node, 'upsert', v || undefined))} /></Setting>
      )}
      {node.type === 'query_records' && (
        <Setting label={t('limit')}>
          <InputNumber min={1} max={1000} value={node.limit as number | undefined} placeholder="100" onChange={(v) => onChange(patched(node, 'limit', v ?? undefined))} />
        </Setting>
      )}
      {node.type === 'query_records' && <Typography.Text type="secondary">{t('stepsHelp', { id: node.id })}</Typography.Text>}
    </>
  );
}

/** update_record over the rows of an earlier query: source, the record id of each row, the values. */
function ForEachEditor({ node, onChange, fields, forms }: EditorProps) {
  const { t, i18n } = useTranslation('flows');
  const { nodes, edges } = useFlowContext();
  const sources = forEachSources(node.id, nodes, edges);
  const parsed = parseForEach(node.for_each);
  const source = nodes.find((n) => n.id === parsed?.step);
  const columns = useMemo(() => itemColumns(source, forms), [source, forms]);
  const { scope, roots } = useStepScope(node.id, fields, columns);
  const columnFields = useMemo<FieldDef[]>(() => columns.map((c) => ({ key: c, type: 'text', label: c })), [columns]);
  const inferred = forEachForm(without(node, 'ui'), source, forms);
  const formKey = forEachForm(node, source, forms);
  const chosenForm = (node.ui as { form?: string } | undefined)?.form;
  const options = sources.map((s) => ({
    value: s.value,
    label: `${labelText(s.node.name as Label | undefined, i18n.language, '') || t(`node.${s.node.type}`)} (${s.node.id}) · ${t(s.value.endsWith('.rows') ? 'eachRow' : 'eachItem')}`,
  }));
  if (typeof node.for_each === 'string' && node.for_each && !options.some((o) => o.value === node.for_each)) {
    options.push({ value: node.for_each, label: node.for_each });
  }
  const setUiForm = (form: string | undefined) => {
    const ui = { ...(node.ui as Record<string, unknown> | undefined) };
    if (form) ui.form = form; else delete ui.form;
    onChange(patched(node, 'ui', Object.keys(ui).length ? ui : undefined));
  };
  return (
    <>
      <Setting label={t('forEachSource')} help={t('forEachHelp')}>
        {sources.length === 0 && <Alert type="info" style={{ marginBottom: 6 }} title={t('forEachNoSource')} />}
        <Select style={{ width: '100%' }} value={(node.for_each as string) || undefined} options={options} data-testid="for-each-source"
          onChange={(v: string) => onChange({ ...node, for_each: v })} />
      </Setting>
      <Setting label={t('recordId')} help={t('recordIdHelp')}>
        <ExpressionInput value={(node.record_id as string | undefined) ?? ''} fields={columnFields} prefix="item." scope={scope} roots={roots} testId="for-each-record-id"
          onChange={(v) => onChange(patched(node, 'record_id', v || undefined))} />
        {!node.record_id && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('recordIdDefault')}</Typography.Text>}
      </Setting>
      <Setting label={t('forEachForm')} help={inferred ? t('forEachFormInferred') : t('forEachFormHelp')}>
        <FormSelect value={chosenForm ?? inferred} forms={forms} allowClear={!!chosenForm} testId="for-each-form"
          onChange={(v) => setUiForm(v && v !== inferred ? v : undefined)} />
      </Setting>
      <Setting label={t('setValues')}>
        <SetEditor value={node.set as Record<string, string>} targetFields={formFields(forms, formKey)} sourceFields={fields} scope={scope} roots={roots}
          testId="record-set" onChange={(v) => onChange({ ...node, set: v })} />
        {columns.length > 0 && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('itemColumns', { columns: columns.map((c) => `item.${c}`).join(', ') })}</Typography.Text>
        )}
      </Setting>
    </>
  );
}
