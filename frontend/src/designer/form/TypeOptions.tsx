// The options of each field type (FORMATS.md table), edited in the side panel.
import { Checkbox, Form, Input, InputNumber, Radio, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormDefinition, FormInfo } from '../../api/types';
import { labelText } from '../../common/label';
import { storedFields } from '../../forms/model';
import { OptionsEditor } from './OptionsEditor';
import { RuleEditor } from './RuleEditor';

interface Props {
  field: FieldDef;
  parent?: FieldDef;
  definition: FormDefinition;
  forms: FormInfo[];
  formId?: string;
  draftOnly: Set<string>;
  set: (patch: Partial<FieldDef>, coalesce?: string) => void;
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? undefined : v);

export function TypeOptions({ field: f, parent, definition, forms, formId, draftOnly, set }: Props) {
  const { t, i18n } = useTranslation();
  const formName = (x: FormInfo) => labelText(x.definition?.name, i18n.language, x.key);
  const others = forms.filter((x) => x.key !== definition.key);
  const scopeFields = parent ? [...storedFields(definition.fields), ...storedFields(parent.fields ?? [])] : storedFields(definition.fields);

  switch (f.type) {
    case 'text': case 'textarea':
      return (
        <>
          <Form.Item label={t('designer.lengthRange')}>
            <InputNumber min={0} placeholder={t('designer.min')} value={f.min_length} onChange={(v) => set({ min_length: num(v) })} />
            {' – '}
            <InputNumber min={1} placeholder={t('designer.max')} value={f.max_length} onChange={(v) => set({ max_length: num(v) })} />
          </Form.Item>
          <Form.Item label={t('designer.pattern')} extra={t('designer.patternHelp')}>
            <Input className="fl-mono" value={f.pattern ?? ''} onChange={(e) => set({ pattern: e.target.value || undefined }, 'pattern')} />
          </Form.Item>
        </>
      );
    case 'richtext':
      return <Form.Item label={t('designer.max')}><InputNumber min={1} value={f.max_length} onChange={(v) => set({ max_length: num(v) })} /></Form.Item>;
    case 'number':
      return (
        <>
          <Form.Item label={t('designer.valueRange')}>
            <InputNumber placeholder={t('designer.min')} value={f.min as number | undefined} onChange={(v) => set({ min: num(v) })} />
            {' – '}
            <InputNumber placeholder={t('designer.max')} value={f.max as number | undefined} onChange={(v) => set({ max: num(v) })} />
          </Form.Item>
          <Form.Item label={t('designer.decimals')}><InputNumber min={0} max={10} value={f.decimals} onChange={(v) => set({ decimals: num(v) })} /></Form.Item>
          <Form.Item label={t('designer.format')}>
            <Radio.Group value={f.format ?? 'plain'}
              onChange={(e) => set({ format: e.target.value === 'plain' ? undefined : e.target.value, currency: e.target.value === 'currency' ? (f.currency as string | undefined) ?? 'CNY' : undefined })}
              options={(['plain', 'percent', 'currency'] as const).map((v) => ({ value: v, label: t(`designer.formats.${v}`) }))} />
          </Form.Item>
        </>
      );
    case 'date': case 'datetime':
      return (
        <Form.Item label={t('designer.dateRange')}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 130 }} value={(f.min as string) ?? ''} onChange={(e) => set({ min: e.target.value || undefined }, 'min')} />
          {' – '}
          <Input placeholder="YYYY-MM-DD" style={{ width: 130 }} value={(f.max as string) ?? ''} onChange={(e) => set({ max: e.target.value || undefined }, 'max')} />
        </Form.Item>
      );
    case 'select': case 'multiselect':
      return (
        <>
          <Form.Item label={t('designer.options')} required><OptionsEditor value={f.options} onChange={(options) => set({ options }, 'options')} /></Form.Item>
          {f.type === 'select' && <Form.Item><Checkbox checked={!!f.allow_other} onChange={(e) => set({ allow_other: e.target.checked || undefined })}>{t('designer.allowOther')}</Checkbox></Form.Item>}
          {f.type === 'multiselect' && (
            <Form.Item label={t('designer.itemCount')}>
              <InputNumber min={0} placeholder={t('designer.min')} value={f.min_items} onChange={(v) => set({ min_items: num(v) })} />
              {' – '}
              <InputNumber min={1} placeholder={t('designer.max')} value={f.max_items} onChange={(v) => set({ max_items: num(v) })} />
            </Form.Item>
          )}
          <Form.Item label={t('designer.widget')}>
            <Radio.Group value={(f.ui?.widget as string) ?? 'dropdown'} onChange={(e) => set({ ui: { ...(f.ui ?? {}), widget: e.target.value } })}
              options={[{ value: 'dropdown', label: t('designer.widgets.dropdown') }, { value: f.type === 'select' ? 'radio' : 'checkboxes', label: t(f.type === 'select' ? 'designer.widgets.radio' : 'designer.widgets.checkboxes') }]} />
          </Form.Item>
        </>
      );
    case 'rating':
      return <Form.Item label={t('designer.maxStars')}><InputNumber min={1} max={10} value={(f.max as number) ?? 5} onChange={(v) => set({ max: num(v) })} /></Form.Item>;
    case 'serial':
      return (
        <>
          <Form.Item label={t('designer.prefix')}><Input value={f.prefix ?? ''} onChange={(e) => set({ prefix: e.target.value }, 'prefix')} /></Form.Item>
          <Form.Item label={t('designer.digits')}><InputNumber min={1} max={12} value={f.digits ?? 6} onChange={(v) => set({ digits: num(v) })} /></Form.Item>
          <Form.Item label={t('designer.reset')}>
            <Select value={f.reset ?? 'never'} onChange={(reset) => set({ reset })} options={(['never', 'yearly', 'monthly'] as const).map((v) => ({ value: v, label: t(`designer.resets.${v}`) }))} />
          </Form.Item>
          <Form.Item label={t('designer.example')}><code>{(f.prefix ?? '') + '1'.padStart(f.digits ?? 6, '0')}</code></Form.Item>
        </>
      );
    case 'file': case 'image':
      return (
        <>
          <Form.Item label={t('designer.maxFiles')}><InputNumber min={1} max={50} value={f.max_files} onChange={(v) => set({ max_files: num(v) })} /></Form.Item>
          <Form.Item label={t('designer.maxSizeMb')}><InputNumber min={0.1} max={1024} value={f.max_size ? f.max_size / 1048576 : undefined} onChange={(v) => set({ max_size: v ? Math.round(v * 1048576) : undefined })} /></Form.Item>
          <Form.Item label={t('designer.accept')} extra=".pdf,.docx,image/*"><Input value={f.accept ?? ''} onChange={(e) => set({ accept: e.target.value || undefined }, 'accept')} /></Form.Item>
        </>
      );
    case 'subform':
      return (
        <Form.Item label={t('designer.rowCount')}>
          <InputNumber min={0} placeholder={t('designer.min')} value={f.min_rows} onChange={(v) => set({ min_rows: num(v) })} />
          {' – '}
          <InputNumber min={1} placeholder={t('designer.max')} value={f.max_rows} onChange={(v) => set({ max_rows: num(v) })} />
        </Form.Item>
      );
    case 'relation': {
      const target = forms.find((x) => x.key === f.target);
      return (
        <>
          <Form.Item label={t('designer.targetForm')} required>
            <Select value={f.target} onChange={(target) => set({ target })} options={others.map((x) => ({ value: x.key, label: formName(x) }))} placeholder={t('designer.chooseForm')} />
          </Form.Item>
          <Form.Item><Switch checked={!!f.multiple} onChange={(multiple) => set({ multiple })} /> {t('designer.multiple')}</Form.Item>
          <Form.Item label={t('designer.relationFilter')} extra={t('designer.relationFilterHelp')}>
            <RuleEditor value={f.filter} onChange={(v) => set({ filter: v || undefined }, 'filter')} fields={storedFields(target?.definition.fields ?? [])} formId={target?.id} />
          </Form.Item>
        </>
      );
    }
    case 'lookup': {
      const relations = storedFields(definition.fields).filter((x) => x.type === 'relation');
      const via = relations.find((x) => x.key === f.via);
      const target = via ? forms.find((x) => x.key === via.target) : undefined;
      return (
        <>
          <Form.Item label={t('designer.viaRelation')} required>
            <Select value={f.via} onChange={(v) => set({ via: v, field: undefined })} options={relations.map((x) => ({ value: x.key, label: labelText(x.label, i18n.language, x.key) }))} />
          </Form.Item>
          <Form.Item label={t('designer.lookupField')} required>
            <Select value={f.field} onChange={(field) => set({ field })} disabled={!target}
              options={storedFields(target?.definition.fields ?? []).map((x) => ({ value: x.key, label: labelText(x.label, i18n.language, x.key) }))} />
          </Form.Item>
        </>
      );
    }
    case 'rollup': {
      const source = forms.find((x) => x.key === f.source);
      const backRefs = storedFields(source?.definition.fields ?? []).filter((x) => x.type === 'relation' && x.target === definition.key);
      return (
        <>
          <Form.Item label={t('designer.rollupSource')} required>
            <Select value={f.source} onChange={(v) => set({ source: v, via: undefined, field: undefined })} options={others.map((x) => ({ value: x.key, label: formName(x) }))} />
          </Form.Item>
          <Form.Item label={t('designer.rollupVia')} required extra={source && !backRefs.length ? t('designer.noBackRelation') : undefined}>
            <Select value={f.via} onChange={(via) => set({ via })} options={backRefs.map((x) => ({ value: x.key, label: labelText(x.label, i18n.language, x.key) }))} />
          </Form.Item>
          <Form.Item label={t('designer.aggregate')}>
            <Select value={f.agg ?? 'count'} onChange={(agg) => set({ agg })}
              options={(['count', 'sum', 'avg', 'min', 'max', 'count_distinct'] as const).map((v) => ({ value: v, label: t(`designer.aggs.${v}`) }))} />
          </Form.Item>
          {f.agg && f.agg !== 'count' && (
            <Form.Item label={t('designer.rollupField')}>
              <Select value={f.field} onChange={(field) => set({ field })}
                options={storedFields(source?.definition.fields ?? []).map((x) => ({ value: x.key, label: labelText(x.label, i18n.language, x.key) }))} />
            </Form.Item>
          )}
          <Form.Item label={t('designer.rollupFilter')}>
            <RuleEditor value={f.filter} onChange={(v) => set({ filter: v || undefined }, 'filter')} fields={storedFields(source?.definition.fields ?? [])} formId={source?.id} />
          </Form.Item>
        </>
      );
    }
    case 'formula':
      return (
        <>
          <Form.Item label={t('designer.expression')} required>
            <RuleEditor value={f.expression} onChange={(v) => set({ expression: v }, 'expression')} fields={scopeFields.filter((x) => x.key !== f.key)}
              formId={formId} draftOnly={draftOnly} placeholder="qty * price" testId="formula-editor" />
          </Form.Item>
          <Form.Item label={t('designer.resultType')}>
            <Select value={f.result ?? 'number'} onChange={(result) => set({ result })}
              options={(['number', 'text', 'date', 'boolean'] as const).map((v) => ({ value: v, label: t(`designer.results.${v}`) }))} />
          </Form.Item>
        </>
      );
    default:
      return null;
  }
}
