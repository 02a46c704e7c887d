// Form-level settings: name, key, title field, validations, unique combinations, permissions, links.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Collapse, Form, Input, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FormDefinition, Role } from '../../api/types';
import { ROLES } from '../../api/types';
import { KEY_PATTERN } from '../../common/keys';
import { labelText } from '../../common/label';
import { storedFields } from '../../forms/model';
import { LabelInput, toParts } from './LabelInput';
import { PublicLinks } from './PublicLinks';
import { RuleEditor } from './RuleEditor';

type Permissions = Partial<Record<Role, { operations?: string[]; scope?: string; hidden_fields?: string[]; readonly_fields?: string[] }>>;
const OPERATIONS = ['view', 'create', 'edit', 'delete', 'import', 'export'] as const;

interface Props {
  definition: FormDefinition;
  isNew: boolean;
  formId?: string;
  errors: Record<string, string[]>;
  onChange: (patch: Partial<FormDefinition>, coalesce?: string) => void;
}

export function FormSettingsPanel({ definition: def, isNew, formId, errors, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const fields = storedFields(def.fields);
  const fieldOptions = fields.map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const validations = def.validations ?? [];
  const unique = def.unique ?? [];
  const permissions = (def.permissions ?? {}) as Permissions;
  const setPerm = (role: Role, patch: Record<string, unknown>) => {
    const next = { ...permissions, [role]: { ...(permissions[role] ?? {}), ...patch } };
    for (const [k, v] of Object.entries(next[role]!)) if (v === undefined || (Array.isArray(v) && !v.length && k !== 'operations')) delete (next[role] as Record<string, unknown>)[k];
    onChange({ permissions: next });
  };
  const generalErrors = Object.entries(errors).filter(([k]) => !k.startsWith('/fields/')).flatMap(([k, m]) => m.map((x) => `${k}: ${x}`));

  return (
    <Form layout="vertical" size="small" data-testid="form-settings">
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t('designer.formSettings')}</Typography.Title>
      {generalErrors.length > 0 && <Typography.Paragraph type="danger">{generalErrors.join(' ')}</Typography.Paragraph>}
      <Form.Item label={t('designer.formName')} required>
        <LabelInput value={def.name} onChange={(name) => onChange({ name: name ?? '' }, 'name')} testId="form-name" />
      </Form.Item>
      <Form.Item label={t('designer.formKey')} validateStatus={KEY_PATTERN.test(def.key) ? undefined : 'error'} help={isNew ? t('designer.formKeyHelp') : undefined}>
        <Input className="fl-mono" value={def.key} disabled={!isNew} onChange={(e) => onChange({ key: e.target.value.trim() })} data-testid="form-key" />
      </Form.Item>
      <Form.Item label={t('designer.titleField')} extra={t('designer.titleFieldHelp')}>
        <Select allowClear value={def.title_field} options={fieldOptions} onChange={(v) => onChange({ title_field: v ?? undefined })} />
      </Form.Item>
      <Form.Item label={t('designer.formDescription')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} value={(def as { description?: string }).description ?? ''}
          onChange={(e) => onChange({ description: e.target.value || undefined } as Partial<FormDefinition>, 'description')} />
      </Form.Item>
      <Collapse size="small" items={[
        {
          key: 'validations', label: `${t('designer.validations')} (${validations.length})`,
          children: (
            <Space direction="vertical" style={{ width: '100%' }}>
              {validations.map((v, i) => (
                <div key={i} style={{ borderBottom: '1px solid #f0f0f0', paddingBottom: 8 }}>
                  <RuleEditor value={v.expression} fields={fields} formId={formId} placeholder="amount > 0"
                    onChange={(expression) => onChange({ validations: validations.map((x, j) => (j === i ? { ...x, expression } : x)) }, `validation-${i}`)} />
                  <Space.Compact style={{ width: '100%', marginTop: 4 }}>
                    <Input placeholder={t('designer.validationMessage')} value={toParts(v.message).zh || toParts(v.message).en}
                      onChange={(e) => onChange({ validations: validations.map((x, j) => (j === i ? { ...x, message: e.target.value || undefined } : x)) }, `validation-msg-${i}`)} />
                    <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => onChange({ validations: validations.filter((_, j) => j !== i) })} />
                  </Space.Compact>
                </div>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => onChange({ validations: [...validations, { expression: '' }] })}>{t('designer.addValidation')}</Button>
            </Space>
          ),
        },
        {
          key: 'unique', label: `${t('designer.uniqueCombos')} (${unique.length})`,
          children: (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.uniqueCombosHelp')}</Typography.Text>
              {unique.map((combo, i) => (
                <Space.Compact key={i} style={{ width: '100%' }}>
                  <Select mode="multiple" style={{ width: '100%' }} value={combo} options={fieldOptions} maxCount={5}
                    onChange={(keys) => onChange({ unique: unique.map((c, j) => (j === i ? keys : c)) })} />
                  <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => onChange({ unique: unique.filter((_, j) => j !== i) })} />
                </Space.Compact>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => onChange({ unique: [...unique, []] })}>{t('designer.addUnique')}</Button>
            </Space>
          ),
        },
        {
          key: 'permissions', label: t('designer.permissions'),
          children: (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.permissionsHelp')}</Typography.Text>
              {ROLES.filter((r) => r !== 'owner').map((role) => {
                const p = permissions[role];
                return (
                  <div key={role} style={{ borderBottom: '1px solid #f0f0f0', paddingBottom: 8 }}>
                    <Typography.Text strong>{t(`roles.${role}`)}</Typography.Text>
                    <Checkbox.Group style={{ display: 'flex', flexWrap: 'wrap' }} value={p?.operations ?? [...OPERATIONS]}
                      options={OPERATIONS.map((o) => ({ value: o, label: t(`designer.ops.${o}`) }))}
                      onChange={(ops) => setPerm(role, { operations: ops })} />
                    <Select size="small" style={{ width: '100%', marginTop: 4 }} value={p?.scope ?? 'all'} onChange={(scope) => setPerm(role, { scope })}
                      options={(['all', 'department', 'own'] as const).map((s) => ({ value: s, label: t(`designer.scopes.${s}`) }))} />
                    <Select size="small" mode="multiple" style={{ width: '100%', marginTop: 4 }} placeholder={t('designer.hiddenFields')} value={p?.hidden_fields ?? []}
                      options={fieldOptions} onChange={(v) => setPerm(role, { hidden_fields: v })} />
                    <Select size="small" mode="multiple" style={{ width: '100%', marginTop: 4 }} placeholder={t('designer.readonlyFields')} value={p?.readonly_fields ?? []}
                      options={fieldOptions} onChange={(v) => setPerm(role, { readonly_fields: v })} />
                  </div>
                );
              })}
            </Space>
          ),
        },
        {
          key: 'settings', label: t('designer.behaviour'),
          children: (
            <Space direction="vertical">
              <Checkbox checked={def.settings?.edit_after_submit !== false}
                onChange={(e) => onChange({ settings: { ...(def.settings ?? {}), edit_after_submit: e.target.checked } })}>{t('designer.editAfterSubmit')}</Checkbox>
              <Checkbox checked={def.settings?.data_log !== false}
                onChange={(e) => onChange({ settings: { ...(def.settings ?? {}), data_log: e.target.checked } })}>{t('designer.dataLog')}</Checkbox>
            </Space>
          ),
        },
        {
          key: 'links', label: t('designer.links'),
          children: formId ? <PublicLinks formId={formId} definition={def} /> : <Typography.Text type="secondary">{t('designer.saveFirst')}</Typography.Text>,
        },
      ]} />
    </Form>
  );
}
