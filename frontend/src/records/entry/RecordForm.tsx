// Renders any form definition for data entry with live rules and server errors at their fields.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, Button, Divider, Form, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormDefinition, FormInfo } from '../../api/types';
import { labelText } from '../../common/label';
import { FieldWidget } from './widgets/FieldWidget';
import { computeLive, initialData, missingRequired, type EvalContext, type RecordData } from './liveRules';
import { useLiveLookups } from './useLiveLookups';
import './record-form.css';

export interface RecordFormProps {
  definition: FormDefinition;
  initial?: RecordData;
  isNew: boolean;
  evalContext: EvalContext;
  appId?: string;
  forms?: FormInfo[];
  /** Server field errors (path -> messages) and a general message. */
  serverErrors?: Record<string, string[]>;
  serverMessage?: string | null;
  submitting?: boolean;
  submitLabel?: string;
  extraActions?: ReactNode;
  readOnly?: boolean;
  onDirtyChange?: (dirty: boolean) => void;
  /** A second submit button (e.g. "Save and new"); onSubmit then gets secondary = true. */
  secondarySubmitLabel?: string;
  onSubmit: (data: RecordData, touched: Set<string>, secondary: boolean) => void;
}

const LAYOUT_ONLY = new Set(['section']);

export function RecordForm(props: RecordFormProps) {
  const { t, i18n } = useTranslation();
  const { definition: def, evalContext } = props;
  const [values, setValues] = useState<RecordData>(() => props.initial ?? initialData(def, evalContext));
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [clientErrors, setClientErrors] = useState<Record<string, string[]>>({});
  const [serverErrors, setServerErrors] = useState<Record<string, string[]>>(props.serverErrors ?? {});

  useEffect(() => {
    setServerErrors(props.serverErrors ?? {});
    const first = Object.keys(props.serverErrors ?? {})[0];
    if (first) document.querySelector(`[data-field="${first.split(/[.[]/)[0]}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }, [props.serverErrors]);

  const computed = useMemo(() => computeLive(def, values, evalContext, touched, props.isNew), [def, values, evalContext, touched, props.isNew]);
  const live = useLiveLookups(def, computed);

  const { onDirtyChange } = props;
  useEffect(() => onDirtyChange?.(touched.size > 0), [touched, onDirtyChange]);

  const setField = (key: string, v: unknown) => {
    setValues((prev) => ({ ...prev, [key]: v }));
    setTouched((prev) => (prev.has(key) ? prev : new Set(prev).add(key)));
    const clear = (errs: Record<string, string[]>) => {
      const next = Object.fromEntries(Object.entries(errs).filter(([path]) => path.split(/[.[]/)[0] !== key));
      return Object.keys(next).length === Object.keys(errs).length ? errs : next;
    };
    setClientErrors(clear);
    setServerErrors(clear);
  };

  const submit = (secondary = false) => {
    const missing = missingRequired(def, live);
    if (missing.length) {
      setClientErrors(Object.fromEntries(missing.map((k) => [k, [t('errors.required')]])));
      document.querySelector(`[data-field="${missing[0]}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
      return;
    }
    props.onSubmit(live.data, touched, secondary);
  };

  const known = new Set(def.fields.map((f) => f.key));
  const generalErrors = Object.entries(serverErrors).filter(([path]) => !known.has(path.split(/[.[]/)[0])).flatMap(([, m]) => m);
  const ctx = { appId: props.appId, forms: props.forms, lang: i18n.language, errors: serverErrors, formulaErrors: live.formulaErrors };

  const renderField = (f: FieldDef) => {
    if (!live.visible[f.key]) return null;
    if (LAYOUT_ONLY.has(f.type)) {
      return (
        <div key={f.key} className="fl-record-section" data-field={f.key}>
          <Divider titlePlacement="start" style={{ marginTop: 8 }}>{labelText(f.label, i18n.language, f.key)}</Divider>
          {f.description && <Typography.Paragraph type="secondary">{labelText(f.description, i18n.language)}</Typography.Paragraph>}
        </div>
      );
    }
    const errs = [...(clientErrors[f.key] ?? []), ...(serverErrors[f.key] ?? [])];
    const formulaError = live.formulaErrors[f.key];
    const wide = f.type === 'subform' || f.type === 'richtext' || f.type === 'textarea' || f.ui?.width === 'full';
    return (
      <div key={f.key} data-field={f.key} className={wide ? 'fl-record-field fl-wide' : 'fl-record-field'}>
        <Form.Item
          label={labelText(f.label, i18n.language, f.key)}
          required={live.required[f.key] && !['formula', 'lookup', 'rollup', 'serial'].includes(f.type)}
          validateStatus={errs.length ? 'error' : undefined}
          help={errs.length ? errs.join(' ') : formulaError ? <Typography.Text type="danger">{formulaError}</Typography.Text> : undefined}
          extra={f.description ? labelText(f.description, i18n.language) : undefined}
          htmlFor={`field-${f.key}`}
        >
          <FieldWidget id={`field-${f.key}`} field={f} value={live.data[f.key] ?? null} ctx={ctx} disabled={props.readOnly}
            onChange={(v) => setField(f.key, v)} />
        </Form.Item>
      </div>
    );
  };

  return (
    <Form layout="vertical" component="div" className="fl-record-form" onKeyDown={(e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
    }}>
      {(props.serverMessage || generalErrors.length > 0) && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={props.serverMessage ?? t('errors.validation')}
          description={generalErrors.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{generalErrors.map((m) => <li key={m}>{m}</li>)}</ul> : undefined} />
      )}
      <div className="fl-record-grid">{def.fields.map(renderField)}</div>
      {!props.readOnly && (
        <Space className="fl-record-actions" wrap>
          <Button type="primary" onClick={() => submit()} loading={props.submitting} data-testid="record-submit">
            {props.submitLabel ?? t('common.save')}
          </Button>
          {props.secondarySubmitLabel && (
            <Button onClick={() => submit(true)} disabled={props.submitting}>{props.secondarySubmitLabel}</Button>
          )}
          {props.extraActions}
        </Space>
      )}
    </Form>
  );
}
