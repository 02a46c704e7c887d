// query_report: the report spec of FORMATS.md section 4 a step runs. The common parameters of
// each analysis have their own controls; every other key of the spec (sort, top, totals, labels,
// funnel steps...) is edited in the JSON view, so nothing the server accepts is out of reach.
import { useEffect, useState } from 'react';
import { Button, Collapse, Input, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../api/types';
import { labelText } from '../../common/label';
import { DATE_TYPES, dimensionFor, groupable, switchKind } from '../../dashboards/specModel';
import { AGGS, BUCKETS, KINDS, type Dimension, type Kind, type Measure, type ReportSpec } from '../../dashboards/types';
import { formFields, type EditorProps } from './context';
import { ExpressionInput, Setting } from './inputs';
import { FormSelect } from './RecordEditors';
import { reportColumns } from './scope';

const KEY = /^[a-z][a-z0-9_]{0,62}$/;

export function QueryReportEditor({ node, onChange, forms }: EditorProps) {
  const { t, i18n } = useTranslation('flows');
  const spec = (node.spec as ReportSpec | undefined) ?? { source: '' };
  const kind: Kind = spec.kind ?? 'table';
  const fields = groupable(formFields(forms, spec.source));
  const formId = forms.find((f) => f.key === spec.source)?.id;
  const setSpec = (next: ReportSpec) => onChange({ ...node, spec: next });
  const set = (patch: Partial<ReportSpec>) => {
    const next: ReportSpec = { ...spec, ...patch };
    for (const k of Object.keys(patch)) if (next[k] === undefined) delete next[k];
    setSpec(next);
  };
  const options = (filter?: (f: FieldDef) => boolean) => fields.filter((f) => !filter || filter(f))
    .map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const fieldParam = (key: 'customer' | 'date' | 'amount', label: string, filter?: (f: FieldDef) => boolean, clear = false) => (
    <Setting label={label}>
      <Select style={{ width: '100%' }} value={spec[key]} options={options(filter)} allowClear={clear} data-testid={`report-${key}`}
        onChange={(v: string | undefined) => set({ [key]: v })} />
    </Setting>
  );
  const asOf = (
    <Setting label={t('report.asOf')} help={t('report.asOfHelp')}>
      <Input type="date" value={spec.as_of ?? ''} onChange={(e) => set({ as_of: e.target.value || undefined })} />
    </Setting>
  );
  const columns = reportColumns(spec);

  return (
    <>
      <Setting label={t('form')}>
        <FormSelect value={spec.source} forms={forms} testId="report-source" onChange={(source) => setSpec(switchKind({ source: source ?? '' }, kind))} />
      </Setting>
      <Setting label={t('report.kind')}>
        <Select style={{ width: '100%' }} value={kind} data-testid="report-kind" onChange={(k: Kind) => setSpec(switchKind(spec, k))}
          options={KINDS.map((k) => ({ value: k, label: t(`report.kinds.${k}`) }))} />
      </Setting>
      {(kind === 'table' || kind === 'pivot') && (
        <>
          {kind === 'table'
            ? <DimensionsInput label={t('report.dimensions')} value={spec.dimensions} fields={fields} onChange={(dimensions) => set({ dimensions })} />
            : (
              <>
                <DimensionsInput label={t('report.rows')} value={spec.rows} fields={fields} max={3} onChange={(rows) => set({ rows: rows ?? [] })} />
                <DimensionsInput label={t('report.columns')} value={spec.columns} fields={fields} max={2} onChange={(cols) => set({ columns: cols })} />
              </>
            )}
          <MeasuresInput value={spec.measures} fields={fields} onChange={(measures) => set({ measures })} />
          <Setting label={t('limit')}>
            <InputNumber min={1} max={10000} value={spec.limit} onChange={(v) => set({ limit: v ?? undefined })} />
          </Setting>
        </>
      )}
      {kind === 'funnel' && (
        <>
          <Setting label={t('report.stageField')}>
            <Select style={{ width: '100%' }} value={spec.field} options={options((f) => f.type === 'select')}
              onChange={(v: string) => set({ field: v, stages: fields.find((f) => f.key === v)?.options ?? [] })} />
          </Setting>
          <Setting label={t('report.stages')}>
            <Select mode="tags" style={{ width: '100%' }} value={spec.stages ?? []} onChange={(v: string[]) => set({ stages: v })} />
          </Setting>
          <Setting label={t('report.cumulative')}>
            <Switch checked={!!spec.cumulative} onChange={(v) => set({ cumulative: v || undefined })} />
          </Setting>
        </>
      )}
      {(kind === 'cohort' || kind === 'rfm' || kind === 'repurchase') && (
        <>
          {fieldParam('customer', t('report.customer'))}
          {fieldParam('date', t('report.date'), (f) => DATE_TYPES.has(f.type))}
          {fieldParam('amount', t('report.amount'), (f) => f.type === 'number' || f.type === 'formula' || f.type === 'rollup', kind !== 'rfm')}
          {kind === 'cohort' && (
            <Setting label={t('report.periods')}>
              <InputNumber min={1} max={60} value={spec.periods} placeholder="12" onChange={(v) => set({ periods: v ?? undefined })} />
            </Setting>
          )}
          {kind === 'repurchase' && (
            <Setting label={t('report.period')}>
              <Select allowClear style={{ width: 160 }} value={spec.period} onChange={(v: string | undefined) => set({ period: v })}
                options={BUCKETS.map((b) => ({ value: b, label: t(`report.bucket.${b}`) }))} />
            </Setting>
          )}
          {kind === 'rfm' && (
            <>
              <Setting label={t('report.perCustomer')} help={t('report.perCustomerHelp')}>
                <Switch checked={!!spec.per_customer} data-testid="report-per-customer" onChange={(v) => set({ per_customer: v || undefined })} />
              </Setting>
              <Setting label={t('limit')}>
                <InputNumber min={1} max={1000000} value={spec.limit} onChange={(v) => set({ limit: v ?? undefined })} />
              </Setting>
            </>
          )}
          {asOf}
        </>
      )}
      <Setting label={t('filter')} help={t('report.filterHelp')}>
        <ExpressionInput value={spec.filter} fields={fields} prefix="" formId={formId} roots={fields.length ? [] : '*'} testId="report-filter"
          onChange={(v) => set({ filter: v || undefined })} />
      </Setting>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
        {t('report.outputHelp', { id: node.id })}{columns.length > 0 && ` ${t('report.columnsHelp', { columns: columns.join(', ') })}`}
      </Typography.Text>
      <SpecJson spec={spec} onChange={setSpec} />
    </>
  );
}

function DimensionsInput({ label, value, fields, onChange, max = 5 }: {
  label: string; value: Dimension[] | undefined; fields: FieldDef[]; onChange: (v: Dimension[] | undefined) => void; max?: number;
}) {
  const { t, i18n } = useTranslation('flows');
  const list = value ?? [];
  const set = (next: Dimension[]) => onChange(next.length ? next : undefined);
  return (
    <Setting label={label}>
      {list.map((d, i) => {
        const field = fields.find((f) => f.key === d.field);
        return (
          <Space.Compact key={i} style={{ display: 'flex', marginBottom: 6 }}>
            <Select style={{ flex: 1 }} value={d.field} showSearch optionFilterProp="label"
              options={fields.map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))}
              onChange={(key: string) => { const f = fields.find((x) => x.key === key); set(list.map((x, j) => (j === i && f ? dimensionFor(f) : x))); }} />
            {field && DATE_TYPES.has(field.type) && (
              <Select style={{ width: 100 }} value={d.bucket ?? 'month'} onChange={(bucket) => set(list.map((x, j) => (j === i ? { ...x, bucket } : x)))}
                options={BUCKETS.map((b) => ({ value: b, label: t(`report.bucket.${b}`) }))} />
            )}
            <Button icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => set(list.filter((_, j) => j !== i))} />
          </Space.Compact>
        );
      })}
      {list.length < max && fields.length > 0 && (
        <Button size="small" icon={<PlusOutlined />} onClick={() => set([...list, dimensionFor(fields[0])])}>{t('report.addDimension')}</Button>
      )}
    </Setting>
  );
}

function MeasuresInput({ value, fields, onChange }: { value: Measure[] | undefined; fields: FieldDef[]; onChange: (v: Measure[] | undefined) => void }) {
  const { t, i18n } = useTranslation('flows');
  const list = value ?? [];
  const set = (next: Measure[]) => onChange(next.length ? next : undefined);
  const change = (i: number, m: Measure) => set(list.map((x, j) => (j === i ? m : x)));
  return (
    <Setting label={t('report.measures')} help={t('report.measuresHelp')}>
      {list.map((m, i) => (
        <Space.Compact key={i} style={{ display: 'flex', marginBottom: 6 }}>
          <Select style={{ width: 120 }} value={m.agg} options={AGGS.map((a) => ({ value: a, label: t(`agg.${a}`) }))}
            onChange={(agg) => { const { field, ...rest } = m; change(i, agg === 'count' ? { ...rest, agg } : { ...rest, agg, field: field ?? fields[0]?.key }); }} />
          {m.agg !== 'count' && (
            <Select style={{ flex: 1, minWidth: 0 }} value={m.field} showSearch optionFilterProp="label" onChange={(field: string) => change(i, { ...m, field })}
              options={fields.map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))} />
          )}
          <Input className="fl-mono" style={{ width: 90 }} value={m.as ?? ''} placeholder={m.field ? `${m.agg}_${m.field}` : m.agg} aria-label={t('report.as')}
            status={m.as && !KEY.test(m.as) ? 'error' : undefined}
            onChange={(e) => { const { as: _drop, ...rest } = m; change(i, e.target.value ? { ...rest, as: e.target.value } : rest); }} />
          <Button icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => set(list.filter((_, j) => j !== i))} />
        </Space.Compact>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => set([...list, { agg: 'count' }])}>{t('report.addMeasure')}</Button>
    </Setting>
  );
}

/** The whole spec as JSON, applied when it parses to an object with a source. */
function SpecJson({ spec, onChange }: { spec: ReportSpec; onChange: (s: ReportSpec) => void }) {
  const { t } = useTranslation('flows');
  const shown = JSON.stringify(spec, null, 2);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { setText(shown); setError(null); }, [shown]);
  const apply = () => {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(t('report.jsonObject'));
      setError(null);
      onChange(parsed as ReportSpec);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Collapse size="small" items={[{
      key: 'json', label: t('report.json'),
      children: (
        <>
          <Input.TextArea className="fl-mono" autoSize={{ minRows: 4, maxRows: 16 }} value={text} data-testid="report-json"
            status={error ? 'error' : undefined} onChange={(e) => setText(e.target.value)} />
          {error && <Typography.Text type="danger" style={{ fontSize: 12, display: 'block' }}>{error}</Typography.Text>}
          <Button size="small" style={{ marginTop: 6 }} disabled={text === shown} onClick={apply} data-testid="report-json-apply">{t('report.applyJson')}</Button>
          <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('report.jsonHelp')}</Typography.Text></div>
        </>
      ),
    }]} />
  );
}
