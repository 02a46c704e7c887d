// Small inputs of the node settings panel: expressions, templates, durations, assignees, field maps.
import { useEffect, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Input, InputNumber, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { itemsOf, ROLES, type Department, type FieldDef, type Member, type Page, type RuleCheckResult } from '../../api/types';
import { labelText } from '../../common/label';

export function Setting({ label, children, help }: { label: string; children: ReactNode; help?: string }) {
  return (
    <div style={{ marginBottom: 12 }}>
      <Typography.Text strong style={{ display: 'block', marginBottom: 4 }}>{label}</Typography.Text>
      {children}
      {help && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{help}</Typography.Text>}
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

/** A rule expression; with `formId` it is checked live against that form by the server. */
export function ExpressionInput({ value, onChange, fields, prefix = 'record.', formId, testId }: {
  value: string | undefined; onChange: (v: string) => void; fields: FieldDef[]; prefix?: string; formId?: string; testId?: string;
}) {
  const { t } = useTranslation('flows');
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const debounced = useDebounced(text, 500);
  const check = useQuery({
    queryKey: ['rules-check', formId, debounced],
    queryFn: () => api.post<RuleCheckResult>('/rules/check', { expression: debounced, form_id: formId }),
    enabled: !!formId && debounced.trim().length > 0,
    retry: false,
    staleTime: Infinity,
  });
  const errors = check.data && !check.data.ok ? check.data.errors : [];
  return (
    <div>
      <Input.TextArea className="fl-mono" autoSize={{ minRows: 1, maxRows: 6 }} value={text} status={errors.length ? 'error' : undefined}
        data-testid={testId} placeholder={t(prefix ? 'expressionPlaceholder' : 'filterPlaceholder')}
        onChange={(e) => { setText(e.target.value); onChange(e.target.value); }} />
      <Space style={{ marginTop: 4 }}>
        <FieldInsert fields={fields} format={(k) => `${prefix}${k}`}
          onPick={(s) => { const next = text ? `${text} ${s}` : s; setText(next); onChange(next); }} />
        {check.data?.ok && <Typography.Text type="success" style={{ fontSize: 12 }}>✓ {check.data.result_type ?? ''}</Typography.Text>}
      </Space>
      {errors.map((e, i) => (
        <div key={i}><Typography.Text type="danger" style={{ fontSize: 12 }}>{t('errorAt', { column: e.column })} {e.message}</Typography.Text></div>
      ))}
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

const UNITS = ['m', 'h', 'd', 'w'] as const;

export function parseDuration(text: string | undefined): { amount: number; unit: (typeof UNITS)[number] } {
  const m = /^(-?\d+)\s*([mhdw])$/.exec((text ?? '').trim());
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

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
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
  const roles = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
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

/** `set` of record nodes: field -> rule expression. */
export function SetEditor({ value, onChange, targetFields, sourceFields }: {
  value: Record<string, string> | undefined; onChange: (v: Record<string, string>) => void; targetFields: FieldDef[]; sourceFields: FieldDef[];
}) {
  const { t, i18n } = useTranslation('flows');
  const entries = Object.entries(value ?? {});
  const replace = (next: [string, string][]) => onChange(Object.fromEntries(next));
  return (
    <div>
      {entries.map(([field, expr], i) => (
        <div key={i} style={{ display: 'flex', gap: 6, marginBottom: 6, alignItems: 'flex-start' }}>
          <Select style={{ width: 130 }} value={field || undefined} showSearch optionFilterProp="label"
            options={targetFields.filter((f) => f.type !== 'section').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }))}
            onChange={(k: string) => replace(entries.map((e, j) => (j === i ? [k, e[1]] : e)))} />
          <div style={{ flex: 1 }}>
            <ExpressionInput value={expr} fields={sourceFields} onChange={(v) => replace(entries.map((e, j) => (j === i ? [e[0], v] : e)))} />
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
