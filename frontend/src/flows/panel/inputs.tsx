// Small inputs of the node settings panel: expressions, templates (one or per language),
// durations, assignees, field maps.
import { useEffect, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Input, InputNumber, Select, Space, Switch, Tabs, Typography, type SelectProps } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { itemsOf, ROLES, type Department, type FieldDef, type Label, type Member, type Page } from '../../api/types';
import { labelText } from '../../common/label';
import { RuleEditor } from '../../designer/form/RuleEditor';
import { referencedPaths } from '../../designer/form/ruleTools';
import { parse } from '../../rules';
import { useAppRoles } from '../api';
import { useFlowContext } from './context';
import { EACH_ROOTS } from './scope';
import { isPerLanguage, joinText, LANGS, langOf, splitText, storedText, variant, withVariant, type Lang } from './texts';

export function Setting({ label, children, help }: { label: string; children: ReactNode; help?: string }) {
  return (
    <div style={{ marginBottom: 12 }}>
      <Typography.Text strong style={{ display: 'block', marginBottom: 4 }}>{label}</Typography.Text>
      {children}
      {help && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{help}</Typography.Text>}
    </div>
  );
}

function FieldInsert({ fields, onPick, format }: { fields: FieldDef[]; onPick: (text: string) => void; format: (key: string) => string }) {
  const { t, i18n } = useTranslation('flows');
  return (
    <Select size="small" style={{ width: 160 }} placeholder={t('insertField')} value={null} showSearch optionFilterProp="label"
      options={fields.filter((f) => f.type !== 'section').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))}
      onChange={(key: string) => onPick(format(key))} />
  );
}

/** Whether an expression reads a flow's own names (record., steps. ...): a form alone cannot check it. */
export function readsFlowNames(expression: string): boolean {
  try {
    return referencedPaths(parse(expression)).some((p) => EACH_ROOTS.includes(p[0]));
  } catch {
    return false;
  }
}

/**
 * A rule expression in the rule editor (completion, function help, local syntax check, "try
 * it"). `scope`: the names completion offers (default `fields`); `roots`: names allowed besides
 * the fields ('*' when they cannot be known here). With `formId` the server checks expressions
 * that read only that form's fields.
 */
export function ExpressionInput({ value, onChange, fields, prefix = 'record.', formId, testId, scope, roots = '*' }: {
  value: string | undefined; onChange: (v: string) => void; fields: FieldDef[]; prefix?: string; formId?: string; testId?: string;
  scope?: FieldDef[]; roots?: string[] | '*';
}) {
  const { t } = useTranslation('flows');
  const text = value ?? '';
  const checkable = formId && !readsFlowNames(text) ? formId : undefined;
  return (
    <div>
      <RuleEditor value={text} onChange={onChange} fields={scope ?? fields} formId={checkable} roots={roots} testId={testId} preview={roots !== '*' && !scope}
        placeholder={t(prefix ? 'expressionPlaceholder' : 'filterPlaceholder')} />
      <div style={{ marginTop: 4 }}>
        <FieldInsert fields={fields} format={(k) => `${prefix}${k}`} onPick={(s) => onChange(text ? `${text} ${s}` : s)} />
      </div>
    </div>
  );
}

/** A `{{ }}` message template with field insertion. */
export function TemplateInput({ value, onChange, fields, rows = 3, testId }: {
  value: string | undefined; onChange: (v: string) => void; fields: FieldDef[]; rows?: number; testId?: string;
}) {
  const { t } = useTranslation('flows');
  return (
    <div>
      <Input.TextArea autoSize={{ minRows: rows, maxRows: 10 }} value={value ?? ''} data-testid={testId}
        placeholder={t('templatePlaceholder', { example: '{{record.name}}' })} onChange={(e) => onChange(e.target.value)} />
      <div style={{ marginTop: 4 }}>
        <FieldInsert fields={fields} format={(k) => `{{record.${k}}}`} onPick={(s) => onChange(`${value ?? ''}${s}`)} />
      </div>
    </div>
  );
}

/**
 * A template that is one text for every language, or one per language ({"zh", "en"}: the
 * recipient's language, else the workspace's, else the other). Switching keeps the text typed
 * so far as the current language's; an empty language is left out (the other one is used).
 */
export function LocalizedTemplateInput({ value, onChange, fields, rows = 3, testId, optional = false }: {
  value: Label | undefined; onChange: (v: Label | undefined) => void; fields: FieldDef[]; rows?: number; testId?: string; optional?: boolean;
}) {
  const { t, i18n } = useTranslation('flows');
  const lang = langOf(i18n.language);
  const [perLanguage, setPerLanguage] = useState(isPerLanguage(value));
  const [tab, setTab] = useState<Lang>(lang);
  useEffect(() => { if (isPerLanguage(value)) setPerLanguage(true); }, [value]);
  const empty = optional ? undefined : '';
  const id = (suffix: string) => (testId ? `${testId}-${suffix}` : undefined);
  const toggle = (on: boolean) => {
    setPerLanguage(on);
    onChange(on ? storedText(splitText(value, lang), empty) : joinText(value, lang) || empty);
  };
  return (
    <div>
      <Space size={6} style={{ marginBottom: 4 }}>
        <Switch size="small" checked={perLanguage} onChange={toggle} data-testid={id('per-language')} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('perLanguage')}</Typography.Text>
      </Space>
      {perLanguage ? (
        <Tabs size="small" activeKey={tab} onChange={(k) => setTab(k as Lang)} items={LANGS.map((l) => ({
          key: l,
          label: <span data-testid={id(`tab-${l}`)}>{t(`lang.${l}`)}{variant(value, l) ? '' : ` (${t('emptyVariant')})`}</span>,
          children: (
            <>
              <TemplateInput rows={rows} value={variant(value, l)} fields={fields} testId={id(l)}
                onChange={(text) => onChange(storedText(withVariant(splitText(value, lang), l, text), empty))} />
              {!variant(value, l) && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('fallbackHelp')}</Typography.Text>}
            </>
          ),
        }))} />
      ) : (
        <TemplateInput rows={rows} value={joinText(value, lang)} fields={fields} testId={testId} onChange={(text) => onChange(text || empty)} />
      )}
    </div>
  );
}

const UNITS = ['s', 'm', 'h', 'd', 'w'] as const;

export function parseDuration(text: string | undefined): { amount: number; unit: (typeof UNITS)[number] } {
  const m = /^(-?\d+)\s*([smhdw])$/.exec((text ?? '').trim());
  return m ? { amount: Number(m[1]), unit: m[2] as (typeof UNITS)[number] } : { amount: 1, unit: 'd' };
}

export function DurationInput({ value, onChange, allowNegative = false, testId }: {
  value: string | undefined; onChange: (v: string) => void; allowNegative?: boolean; testId?: string;
}) {
  const { t } = useTranslation('flows');
  const { amount, unit } = parseDuration(value);
  return (
    <Space.Compact>
      <InputNumber min={allowNegative ? undefined : 0} value={amount} data-testid={testId}
        onChange={(v) => onChange(`${v ?? 0}${unit}`)} style={{ width: 100 }} />
      <Select value={unit} style={{ width: 100 }} onChange={(u) => onChange(`${amount}${u}`)}
        options={UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))} />
    </Space.Compact>
  );
}

/** A duration that may be left out (due date, reminder, timeout): off means the key is removed. */
export function OptionalDurationInput({ value, onChange, fallback = '1d', testId }: {
  value: string | undefined; onChange: (v: string | undefined) => void; fallback?: string; testId?: string;
}) {
  return (
    <Space wrap>
      <Switch size="small" checked={value !== undefined} data-testid={testId ? `${testId}-on` : undefined}
        onChange={(on) => onChange(on ? fallback : undefined)} />
      {value !== undefined && <DurationInput value={value} testId={testId} onChange={onChange} />}
    </Space>
  );
}

/** Workspace roles and the app's own roles (an app role wins when both have the key). */
export function useRoleOptions(): NonNullable<SelectProps['options']> {
  const { t, i18n } = useTranslation('flows');
  const { appId } = useFlowContext();
  const appRoles = useAppRoles(appId).data ?? [];
  const own = new Set(appRoles.map((r) => r.key));
  const workspace = ROLES.filter((r) => !own.has(r)).map((r) => ({ value: r as string, label: t(`role.${r}`) }));
  if (!appRoles.length) return workspace;
  return [
    { label: t('appRoles'), options: appRoles.map((r) => ({ value: r.key, label: labelText(r.name, i18n.language, r.key) })) },
    { label: t('workspaceRoles'), options: workspace },
  ];
}

export function useDirectory() {
  const members = useQuery({
    queryKey: ['members'],
    queryFn: async () => itemsOf(await api.get<Page<Member> | Member[]>('/members', { limit: 1000 })),
    staleTime: 60_000,
  });
  const departments = useQuery({
    queryKey: ['departments'],
    queryFn: async () => itemsOf(await api.get<Page<Department> | Department[]>('/departments', { limit: 1000 })),
    staleTime: 60_000,
  });
  return {
    users: (members.data ?? []).map((m) => ({ value: m.user_id ?? m.id, label: m.name || m.email })),
    departments: (departments.data ?? []).map((d) => ({ value: d.id, label: d.name })),
  };
}

export type Assignee = Record<string, unknown>;
const ASSIGNEE_KINDS = ['user', 'users', 'role', 'department', 'field', 'manager_of', 'round_robin'] as const;
type AssigneeKind = (typeof ASSIGNEE_KINDS)[number];

export function assigneeKind(a: Assignee | undefined): AssigneeKind {
  const k = Object.keys(a ?? {})[0];
  return (ASSIGNEE_KINDS as readonly string[]).includes(k) ? (k as AssigneeKind) : 'user';
}

/** One assignee object of FORMATS.md: {user}, {users}, {role}, {department}, {field}, {manager_of}, {round_robin: {role}}. */
export function AssigneeInput({ value, onChange, fields, testId }: {
  value: Assignee | undefined; onChange: (v: Assignee) => void; fields: FieldDef[]; testId?: string;
}) {
  const { t, i18n } = useTranslation('flows');
  const dir = useDirectory();
  const kind = assigneeKind(value);
  const raw = value?.[kind];
  const userFields = fields.filter((f) => f.type === 'user' || f.type === 'users')
    .map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const roles = useRoleOptions();
  const empty: Record<AssigneeKind, unknown> = {
    user: '', users: [], role: 'admin', department: '', field: '', manager_of: '', round_robin: { role: 'member' },
  };
  let control: ReactNode;
  switch (kind) {
    case 'user': control = <Select showSearch optionFilterProp="label" style={{ width: '100%' }} value={raw || undefined} options={dir.users} onChange={(v) => onChange({ user: v })} />; break;
    case 'users': control = <Select mode="multiple" optionFilterProp="label" style={{ width: '100%' }} value={(raw as string[]) ?? []} options={dir.users} onChange={(v) => onChange({ users: v })} />; break;
    case 'role': control = <Select style={{ width: '100%' }} value={raw} options={roles} onChange={(v) => onChange({ role: v })} />; break;
    case 'department': control = <Select style={{ width: '100%' }} value={raw || undefined} options={dir.departments} onChange={(v) => onChange({ department: v })} />; break;
    case 'field': case 'manager_of': control = <Select style={{ width: '100%' }} value={raw || undefined} options={userFields} onChange={(v) => onChange({ [kind]: v })} />; break;
    case 'round_robin': control = <Select style={{ width: '100%' }} value={(raw as { role?: string })?.role} options={roles} onChange={(v) => onChange({ round_robin: { role: v } })} />; break;
  }
  return (
    <Space.Compact style={{ width: '100%' }} data-testid={testId}>
      <Select style={{ width: 150 }} value={kind} onChange={(k: AssigneeKind) => onChange({ [k]: empty[k] })}
        options={ASSIGNEE_KINDS.map((k) => ({ value: k, label: t(`assignee.${k}`) }))} />
      <div style={{ flex: 1, minWidth: 0 }}>{control}</div>
    </Space.Compact>
  );
}

/**
 * `set` of record nodes: field -> rule expression. Without known target fields (a for_each whose
 * form cannot be told) the field key is typed.
 */
export function SetEditor({ value, onChange, targetFields, sourceFields, scope, roots, testId }: {
  value: Record<string, string> | undefined; onChange: (v: Record<string, string>) => void; targetFields: FieldDef[]; sourceFields: FieldDef[];
  scope?: FieldDef[]; roots?: string[] | '*'; testId?: string;
}) {
  const { t, i18n } = useTranslation('flows');
  const entries = Object.entries(value ?? {});
  const replace = (next: [string, string][]) => onChange(Object.fromEntries(next));
  const rename = (i: number, k: string) => replace(entries.map((e, j) => (j === i ? [k, e[1]] : e)));
  return (
    <div data-testid={testId}>
      {entries.map(([field, expr], i) => (
        <div key={i} style={{ display: 'flex', gap: 6, marginBottom: 6, alignItems: 'flex-start' }}>
          {targetFields.length ? (
            <Select style={{ width: 130 }} value={field || undefined} showSearch optionFilterProp="label" data-testid={testId ? `${testId}-field-${i}` : undefined}
              options={targetFields.filter((f) => f.type !== 'section').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))}
              onChange={(k: string) => rename(i, k)} />
          ) : (
            <Input className="fl-mono" style={{ width: 130 }} value={field} placeholder={t('fieldKey')} data-testid={testId ? `${testId}-field-${i}` : undefined}
              onChange={(e) => rename(i, e.target.value.toLowerCase().replace(/[^a-z0-9_]/g, ''))} />
          )}
          <div style={{ flex: 1, minWidth: 0 }}>
            <ExpressionInput value={expr} fields={sourceFields} scope={scope} roots={roots} testId={testId ? `${testId}-value-${i}` : undefined}
              onChange={(v) => replace(entries.map((e, j) => (j === i ? [e[0], v] : e)))} />
          </div>
          <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => replace(entries.filter((_, j) => j !== i))} />
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => replace([...entries, ['', '']])}>{t('addField')}</Button>
      <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('setHelp')}</Typography.Text></div>
    </div>
  );
}

/** Assignees may be one object or a list (FORMATS.md); a list editor that keeps one as an object. */
export function AssigneeListInput({ value, onChange, fields, addLabel, testId }: {
  value: Assignee | Assignee[] | undefined; onChange: (v: Assignee | Assignee[] | undefined) => void; fields: FieldDef[]; addLabel: string; testId?: string;
}) {
  const { t } = useTranslation('flows');
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const set = (next: Assignee[]) => onChange(next.length === 0 ? undefined : next.length === 1 ? next[0] : next);
  return (
    <div data-testid={testId}>
      {list.map((a, i) => (
        <div key={i} style={{ display: 'flex', gap: 4, marginBottom: 6 }}>
          <AssigneeInput value={a} fields={fields} testId={i === 0 && testId ? `${testId}-0` : undefined}
            onChange={(v) => set(list.map((x, j) => (j === i ? v : x)))} />
          {list.length > 1 && <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => set(list.filter((_, j) => j !== i))} />}
        </div>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => set([...list, { role: 'admin' }])}>{addLabel}</Button>
    </div>
  );
}
