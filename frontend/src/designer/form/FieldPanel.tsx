// Side panel for the selected field: label, key, common options, default, rules, type options.
import { Alert, Button, Checkbox, Divider, Form, Input, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormDefinition, FormInfo } from '../../api/types';
import { KEY_PATTERN } from '../../common/keys';
import { defaultExpression, storedFields } from '../../forms/model';
import { allKeys, type FieldRef } from './designerState';
import { LabelInput } from './LabelInput';
import { RuleEditor } from './RuleEditor';
import { TypeOptions } from './TypeOptions';

const COMPUTED = new Set(['formula', 'lookup', 'rollup', 'serial']);
const UNIQUE_TYPES = new Set(['text', 'textarea', 'number', 'phone', 'email', 'url']);
const NO_FIXED_DEFAULT = new Set(['subform', 'file', 'image', 'signature', 'relation', 'address', 'location', 'richtext']);

interface Props {
  field: FieldDef;
  fieldRef: FieldRef;
  definition: FormDefinition;
  savedKeys: Set<string>;
  forms: FormInfo[];
  formId?: string;
  errors: string[];
  onChange: (patch: Partial<FieldDef>, coalesce?: string) => void;
  onRename: (newKey: string) => void;
}

type DefaultKind = 'none' | 'fixed' | 'formula' | 'current_user';

export function FieldPanel({ field: f, fieldRef, definition, savedKeys, forms, formId, errors, onChange, onRename }: Props) {
  const { t } = useTranslation();
  const parent = fieldRef.parent ? definition.fields.find((x) => x.key === fieldRef.parent) : undefined;
  const scope = parent ? [...storedFields(definition.fields), ...storedFields(parent.fields ?? [])] : storedFields(definition.fields);
  const others = scope.filter((x) => x.key !== f.key);
  const draftOnly = new Set(allKeys(definition).filter((k) => !savedKeys.has(k)));
  const isSaved = savedKeys.has(f.key);
  const computed = COMPUTED.has(f.type);
  const section = f.type === 'section';
  const keyTaken = allKeys(definition).filter((k) => k === f.key).length > 1;

  const expr = defaultExpression(f);
  const defaultKind: DefaultKind = f.default === undefined ? 'none' : expr !== null ? 'formula' : f.default === 'current_user' ? 'current_user' : 'fixed';
  const setDefaultKind = (k: DefaultKind) => onChange({
    default: k === 'none' ? undefined : k === 'formula' ? { expression: '' } : k === 'current_user' ? 'current_user' : f.type === 'checkbox' ? false : f.type === 'number' ? 0 : '',
  });

  return (
    <Form layout="vertical" size="small" data-testid="field-panel">
      {errors.length > 0 && <Alert type="error" showIcon title={errors.join(' ')} style={{ marginBottom: 12 }} />}
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t(`fieldTypes.${f.type}`)}</Typography.Title>
      <Form.Item label={t('designer.label')}>
        <LabelInput value={f.label} onChange={(label) => onChange({ label }, 'label')} testId="field-label" />
      </Form.Item>
      <Form.Item label={t('designer.key')} validateStatus={!KEY_PATTERN.test(f.key) || keyTaken ? 'error' : undefined}
        help={!KEY_PATTERN.test(f.key) ? t('errors.invalidKey') : keyTaken ? t('designer.keyTaken') : isSaved ? t('designer.keyRenameHelp') : t('designer.keyHelp')}>
        {isSaved ? (
          <Input.Search className="fl-mono" defaultValue={f.key} key={f.key} enterButton={t('designer.renameKey')}
            onSearch={(v) => v && v !== f.key && KEY_PATTERN.test(v) && onRename(v)} />
        ) : (
          <Input className="fl-mono" value={f.key} onChange={(e) => onChange({ key: e.target.value.trim() })} data-testid="field-key" />
        )}
      </Form.Item>
      <Form.Item label={t('designer.description')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} value={typeof f.description === 'string' ? f.description : ''}
          onChange={(e) => onChange({ description: e.target.value || undefined }, 'description')} />
      </Form.Item>
      {!section && (
        <Form.Item>
          {!computed && <Checkbox checked={!!f.required} onChange={(e) => onChange({ required: e.target.checked || undefined })} data-testid="field-required">{t('designer.required')}</Checkbox>}
          {UNIQUE_TYPES.has(f.type) && !parent && <Checkbox checked={!!f.unique} onChange={(e) => onChange({ unique: e.target.checked || undefined })}>{t('designer.unique')}</Checkbox>}
          {!computed && <Checkbox checked={!!f.readonly} onChange={(e) => onChange({ readonly: e.target.checked || undefined })}>{t('designer.readonly')}</Checkbox>}
          <Checkbox checked={!!f.hidden} onChange={(e) => onChange({ hidden: e.target.checked || undefined })}>{t('designer.hidden')}</Checkbox>
        </Form.Item>
      )}
      {!section && (
        <Form.Item label={t('designer.width')}>
          <Radio.Group size="small" value={(f.ui?.width as string) ?? 'half'} onChange={(e) => onChange({ ui: { ...(f.ui ?? {}), width: e.target.value } })}
            options={[{ value: 'half', label: t('designer.widthHalf') }, { value: 'full', label: t('designer.widthFull') }]} />
        </Form.Item>
      )}

      <Divider titlePlacement="start" plain>{t('designer.typeOptions')}</Divider>
      <TypeOptions field={f} parent={parent} definition={definition} forms={forms} formId={formId} draftOnly={draftOnly} set={onChange} />

      {!computed && !section && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.defaultValue')}</Divider>
          <Radio.Group size="small" value={defaultKind} onChange={(e) => setDefaultKind(e.target.value)} style={{ marginBottom: 8 }}
            options={[
              { value: 'none', label: t('designer.defaults.none') },
              ...(NO_FIXED_DEFAULT.has(f.type) ? [] : [{ value: 'fixed', label: t('designer.defaults.fixed') }]),
              { value: 'formula', label: t('designer.defaults.formula') },
              ...(f.type === 'user' || f.type === 'users' ? [{ value: 'current_user', label: t('designer.defaults.current_user') }] : []),
            ]} />
          {defaultKind === 'fixed' && (
            f.type === 'checkbox'
              ? <Checkbox checked={!!f.default} onChange={(e) => onChange({ default: e.target.checked })}>{t('designer.checkedByDefault')}</Checkbox>
              : f.type === 'select' || f.type === 'multiselect'
                ? <Radio.Group value={f.default} onChange={(e) => onChange({ default: f.type === 'multiselect' ? [e.target.value] : e.target.value })} options={(f.options ?? []).map((o) => ({ value: o, label: o }))} />
                : <Input value={typeof f.default === 'string' || typeof f.default === 'number' ? String(f.default) : ''}
                    onChange={(e) => onChange({ default: f.type === 'number' || f.type === 'rating' ? (e.target.value === '' ? undefined : Number(e.target.value)) : e.target.value }, 'default')} />
          )}
          {defaultKind === 'formula' && (
            <RuleEditor value={expr ?? ''} onChange={(v) => onChange({ default: { expression: v } }, 'default')} fields={others} formId={formId} draftOnly={draftOnly} placeholder="TODAY() + 7" />
          )}
        </>
      )}

      <Divider titlePlacement="start" plain>{t('designer.rules')}</Divider>
      <Form.Item label={t('designer.visibleWhen')} extra={t('designer.visibleWhenHelp')}>
        <RuleEditor value={f.visible_when} onChange={(v) => onChange({ visible_when: v || undefined }, 'visible_when')} fields={others} formId={formId} draftOnly={draftOnly}
          placeholder="status = '已退款'" testId="visible-when-editor" />
      </Form.Item>
      {!computed && !section && (
        <Form.Item label={t('designer.requiredWhen')}>
          <RuleEditor value={f.required_when} onChange={(v) => onChange({ required_when: v || undefined }, 'required_when')} fields={others} formId={formId} draftOnly={draftOnly} />
        </Form.Item>
      )}
      {isSaved && <Button size="small" type="link" style={{ padding: 0 }} onClick={() => navigator.clipboard?.writeText(f.key)}>{t('designer.copyKey')}</Button>}
    </Form>
  );
}
