// The widget editor: source form, fields dragged into dimensions and measures, analysis
// parameters, filter, chart type, and a live chart of the result.
import { useEffect, useState, type DragEvent, type ReactNode } from 'react';
import { Alert, Button, Col, Input, InputNumber, Modal, Radio, Row, Select, Space, Spin, Switch, Tag, Typography } from 'antd';
import { CloseOutlined, HolderOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormInfo } from '../api/types';
import { labelText } from '../common/label';
import { ExpressionInput } from '../flows/panel/inputs';
import { useReportPreview } from './api';
import { ChartView } from './ChartView';
import { DATE_TYPES, dimensionFor, groupable, measureFor, runnableSpec, switchKind } from './specModel';
import { AGGS, BUCKETS, CHART_TYPES, KINDS, type Dimension, type Kind, type Measure, type ReportSpec, type Widget } from './types';

const FIELD_DRAG = 'application/x-formloom-field';

export function WidgetEditor({ appId, forms, widget, onSave, onCancel }: {
  appId: string; forms: FormInfo[]; widget: Widget; onSave: (w: Widget) => void; onCancel: () => void;
}) {
  const { t, i18n } = useTranslation('dashboards');
  const [draft, setDraft] = useState<Widget>(widget);
  const spec = draft.query;
  const kind: Kind = spec.kind ?? 'table';
  const form = forms.find((f) => f.key === spec.source || f.id === spec.source);
  const fields = groupable(form?.definition.fields ?? []);
  const field = (key?: string) => fields.find((f) => f.key === key);
  const fieldLabel = (key?: string) => (key ? labelText(field(key)?.label, i18n.language, key) : '');
  const setSpec = (patch: Partial<ReportSpec>) => setDraft((d) => ({ ...d, query: { ...d.query, ...patch } }));
  const [debounced, setDebounced] = useState(spec);
  useEffect(() => {
    const id = setTimeout(() => setDebounced(spec), 400);
    return () => clearTimeout(id);
  }, [spec]);
  const preview = useReportPreview(appId, runnableSpec(debounced));
  const fieldOptions = (filter?: (f: FieldDef) => boolean) => fields.filter((f) => !filter || filter(f))
    .map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));

  const dimZone = (slot: 'dimensions' | 'rows' | 'columns', title: string) => {
    const list = (spec[slot] as Dimension[] | undefined) ?? [];
    return (
      <DropZone title={title} testId={`zone-${slot}`} onDropField={(key) => { const f = field(key); if (f) setSpec({ [slot]: [...list, dimensionFor(f)] }); }}>
        {list.map((d, i) => (
          <Chip key={i} onRemove={() => setSpec({ [slot]: list.filter((_, j) => j !== i) })}>
            {fieldLabel(d.field)}
            {DATE_TYPES.has(field(d.field)?.type ?? '') && (
              <Select size="small" variant="borderless" value={d.bucket ?? 'month'} style={{ width: 84 }}
                onChange={(bucket) => setSpec({ [slot]: list.map((x, j) => (j === i ? { ...x, bucket } : x)) })}
                options={BUCKETS.map((b) => ({ value: b, label: t(`bucket.${b}`) }))} />
            )}
          </Chip>
        ))}
      </DropZone>
    );
  };
  const measures = spec.measures ?? [];
  const measureZone = (
    <DropZone title={t('measures')} testId="zone-measures" onDropField={(key) => { const f = field(key); if (f) setSpec({ measures: [...measures, measureFor(f)] }); }}
      extra={<Button size="small" type="link" onClick={() => setSpec({ measures: [...measures, { agg: 'count' }] })}>{t('addCount')}</Button>}>
      {measures.map((m: Measure, i) => (
        <Chip key={i} onRemove={() => setSpec({ measures: measures.filter((_, j) => j !== i) })}>
          <Select size="small" variant="borderless" value={m.agg} style={{ width: 100 }}
            onChange={(agg) => setSpec({ measures: measures.map((x, j) => (j === i ? (agg === 'count' ? { agg } : { ...x, agg }) : x)) })}
            options={AGGS.filter((a) => a === 'count' || m.field).map((a) => ({ value: a, label: t(`agg.${a}`) }))} />
          {m.field ? fieldLabel(m.field) : t('records')}
        </Chip>
      ))}
    </DropZone>
  );

  let params: ReactNode;
  if (kind === 'table') params = <>{dimZone('dimensions', t('dimensions'))}{measureZone}</>;
  else if (kind === 'pivot') params = <>{dimZone('rows', t('rows'))}{dimZone('columns', t('columns'))}{measureZone}</>;
  else if (kind === 'funnel') params = (
    <>
      <Param label={t('stageField')}><Select style={{ width: '100%' }} value={spec.field} options={fieldOptions((f) => f.type === 'select')}
        onChange={(v) => setSpec({ field: v, stages: field(v)?.options ?? [] })} /></Param>
      <Param label={t('stages')}><Select mode="tags" style={{ width: '100%' }} value={spec.stages ?? []} onChange={(v: string[]) => setSpec({ stages: v })} /></Param>
      <Param label={t('cumulative')}><Switch checked={!!spec.cumulative} onChange={(v) => setSpec({ cumulative: v || undefined })} /></Param>
    </>
  );
  else params = (
    <>
      <Param label={t('customerField')}><Select style={{ width: '100%' }} value={spec.customer} options={fieldOptions()} onChange={(v) => setSpec({ customer: v })} /></Param>
      <Param label={t('dateField')}><Select style={{ width: '100%' }} value={spec.date} options={fieldOptions((f) => DATE_TYPES.has(f.type))} onChange={(v) => setSpec({ date: v })} /></Param>
      <Param label={t('amountField')}><Select allowClear style={{ width: '100%' }} value={spec.amount} options={fieldOptions((f) => f.type === 'number' || f.type === 'formula')} onChange={(v) => setSpec({ amount: v })} /></Param>
      {kind === 'cohort' && <Param label={t('periods')}><InputNumber min={1} max={36} value={spec.periods ?? 12} onChange={(v) => setSpec({ periods: Number(v ?? 12) })} /></Param>}
      <Param label={t('asOf')}><Input type="date" value={spec.as_of ?? ''} onChange={(e) => setSpec({ as_of: e.target.value || undefined })} /></Param>
    </>
  );

  return (
    <Modal open width={1100} title={t('editWidget')} onCancel={onCancel} okText={t('apply')} cancelText={t('cancel')}
      onOk={() => onSave(draft)} okButtonProps={{ disabled: !runnableSpec(spec), id: 'widget-apply' }} destroyOnHidden>
      <Row gutter={16}>
        <Col span={5}>
          <Param label={t('source')}>
            <Select style={{ width: '100%' }} value={form?.key} data-testid="widget-source"
              onChange={(source) => setDraft((d) => ({ ...d, query: switchKind({ source }, kind) }))}
              options={forms.map((f) => ({ value: f.key, label: labelText(f.definition?.name ?? f.name, i18n.language, f.key) }))} />
          </Param>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('dragFields')}</Typography.Text>
          <div style={{ maxHeight: 420, overflow: 'auto', marginTop: 4 }} data-testid="field-list">
            {fields.map((f) => (
              <div key={f.key} draggable data-testid={`field-${f.key}`}
                onDragStart={(e) => { e.dataTransfer.setData(FIELD_DRAG, f.key); e.dataTransfer.effectAllowed = 'copy'; }}
                style={{ padding: '4px 8px', margin: '3px 0', border: '1px solid #e5e5e5', borderRadius: 4, cursor: 'grab', background: '#fff', fontSize: 13 }}>
                <HolderOutlined style={{ color: '#bbb', marginRight: 4 }} />{labelText(f.label, i18n.language, f.key)}
                <Typography.Text type="secondary" style={{ fontSize: 11, marginLeft: 4 }}>{t(`fieldType.${f.type}`, { defaultValue: f.type })}</Typography.Text>
              </div>
            ))}
          </div>
        </Col>
        <Col span={8}>
          <Param label={t('widgetTitle')}>
            <Input value={labelText(draft.title, i18n.language, '')} data-testid="widget-title" onChange={(e) => setDraft((d) => ({ ...d, title: e.target.value }))} />
          </Param>
          <Param label={t('kind')}>
            <Select style={{ width: '100%' }} value={kind} data-testid="widget-kind"
              onChange={(k: Kind) => setDraft((d) => ({ ...d, query: switchKind(d.query, k), chart: k === 'pivot' ? 'pivot' : k === 'table' ? d.chart : 'table' }))}
              options={KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) }))} />
          </Param>
          {params}
          <Param label={t('filter')}>
            <ExpressionInput value={spec.filter} fields={fields} prefix="" formId={form?.id} onChange={(v) => setSpec({ filter: v })} />
          </Param>
          <Param label={t('linkage')}>
            <Space><Switch checked={!!draft.linkage} onChange={(v) => setDraft((d) => ({ ...d, linkage: v || undefined }))} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('linkageHelp')}</Typography.Text></Space>
          </Param>
        </Col>
        <Col span={11}>
          <Radio.Group size="small" optionType="button" value={draft.chart} data-testid="chart-types" style={{ display: 'flex', flexWrap: 'wrap', gap: 4, marginBottom: 8 }}
            onChange={(e) => setDraft((d) => ({ ...d, chart: e.target.value as Widget['chart'] }))}
            options={CHART_TYPES.map((c) => ({ value: c, label: <span data-testid={`chart-${c}`}>{t(`charts.${c}`)}</span> }))} />
          <div style={{ height: 340, border: '1px solid #f0f0f0', borderRadius: 6, padding: 8 }} data-testid="widget-preview">
            {!runnableSpec(spec) ? <Typography.Text type="secondary">{t('previewHint')}</Typography.Text>
              : preview.error ? <Alert type="error" title={(preview.error as Error).message} />
              : preview.data ? <ChartView chart={draft.chart} result={preview.data} ui={draft.ui} />
              : <Spin />}
          </div>
          {preview.data?.elapsed_ms != null && <Tag style={{ marginTop: 4 }}>{t('elapsed', { ms: Math.round(preview.data.elapsed_ms) })}</Tag>}
        </Col>
      </Row>
    </Modal>
  );
}

function Param({ label, children }: { label: string; children: ReactNode }) {
  return <div style={{ marginBottom: 10 }}><Typography.Text strong style={{ display: 'block', marginBottom: 2 }}>{label}</Typography.Text>{children}</div>;
}

function DropZone({ title, children, onDropField, testId, extra }: {
  title: string; children: ReactNode; onDropField: (key: string) => void; testId: string; extra?: ReactNode;
}) {
  const { t } = useTranslation('dashboards');
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const key = e.dataTransfer.getData(FIELD_DRAG);
    if (key) onDropField(key);
  };
  const empty = !children || (Array.isArray(children) && children.length === 0);
  return (
    <Param label={title}>
      <div data-testid={testId} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop}
        style={{ minHeight: 40, padding: 6, border: `1px dashed ${over ? '#1677ff' : '#d9d9d9'}`, borderRadius: 6, background: over ? '#e6f4ff' : '#fafafa',
          display: 'flex', flexWrap: 'wrap', gap: 4, alignItems: 'center' }}>
        {empty ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('dropHere')}</Typography.Text> : children}
        {extra}
      </div>
    </Param>
  );
}

function Chip({ children, onRemove }: { children: ReactNode; onRemove: () => void }) {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 2, background: '#fff', border: '1px solid #91caff', borderRadius: 4, padding: '0 4px', fontSize: 13 }}>
      {children}
      <CloseOutlined style={{ fontSize: 10, cursor: 'pointer', color: '#999' }} onClick={onRemove} />
    </span>
  );
}
