// Filter builder: field / operator / value rows in AND/OR groups, or a raw rule expression.
import { useMemo, useState } from 'react';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Input, InputNumber, Segmented, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../api/types';
import { labelText } from '../../common/label';
import { parse, RuleError } from '../../rules';
import {
  filterExpression, needsValue, newId, operatorsFor, type Condition, type FilterState, type Group, type Op,
} from './filterModel';

interface Props { fields: FieldDef[]; value: FilterState; onApply: (v: FilterState) => void; onClose: () => void }

function ValueInput({ field, op, value, onChange }: { field?: FieldDef; op: Op; value: unknown; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  if (!field || !needsValue(op)) return null;
  if (op === 'between') {
    const [a, b] = Array.isArray(value) ? value : [null, null];
    const one = (v: unknown, set: (x: unknown) => void) => <ValueInput field={field} op="eq" value={v} onChange={set} />;
    return <Space.Compact>{one(a, (x) => onChange([x, b]))}{one(b, (x) => onChange([a, x]))}</Space.Compact>;
  }
  if ((field.type === 'select' || field.type === 'multiselect') && field.options?.length) {
    const multi = op === 'in' || op === 'not_in';
    return <Select style={{ minWidth: 160 }} mode={multi ? 'multiple' : undefined} value={(value as string | string[] | null) ?? undefined}
      options={field.options.map((o) => ({ value: o, label: o }))} onChange={onChange} placeholder={t('records.value')} />;
  }
  if (['number', 'rating', 'rollup', 'formula'].includes(field.type) && field.result !== 'text') {
    return <InputNumber value={typeof value === 'number' ? value : null} onChange={(v) => onChange(v)} placeholder={t('records.value')} />;
  }
  if (field.type === 'date' || field.type === 'datetime') {
    return <DatePicker value={typeof value === 'string' && value ? dayjs(value) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)} />;
  }
  return <Input style={{ width: 180 }} value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value)} placeholder={t('records.value')} />;
}

export function FilterBuilder({ fields, value, onApply, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<FilterState>(value.groups.length || value.mode === 'raw' ? value : {
    ...value, groups: [{ id: newId(), combinator: 'and', conditions: [{ id: newId(), field: fields[0]?.key ?? '', op: operatorsFor(fields[0]?.type ?? 'text')[0] }] }],
  });
  const byKey = useMemo(() => new Map(fields.map((f) => [f.key, f])), [fields]);
  const expression = filterExpression(draft, fields);
  const syntaxError = useMemo(() => {
    if (!expression) return null;
    try { parse(expression); return null; } catch (e) { return e instanceof RuleError ? e : null; }
  }, [expression]);

  const setGroup = (gid: string, patch: Partial<Group>) => setDraft((d) => ({ ...d, groups: d.groups.map((g) => (g.id === gid ? { ...g, ...patch } : g)) }));
  const setCond = (g: Group, cid: string, patch: Partial<Condition>) => setGroup(g.id, { conditions: g.conditions.map((c) => (c.id === cid ? { ...c, ...patch } : c)) });
  const fieldOptions = fields.map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));

  return (
    <div style={{ width: 'min(720px, 92vw)' }} data-testid="filter-builder">
      <Segmented<'builder' | 'raw'> value={draft.mode} style={{ marginBottom: 12 }}
        options={[{ value: 'builder', label: t('records.filterBuilder') }, { value: 'raw', label: t('records.filterExpression') }]}
        onChange={(mode) => setDraft((d) => ({ ...d, mode, raw: mode === 'raw' && !d.raw ? filterExpression(d, fields) : d.raw }))} />
      {draft.mode === 'raw' ? (
        <Input.TextArea className="fl-mono" autoSize={{ minRows: 2, maxRows: 6 }} value={draft.raw}
          onChange={(e) => setDraft((d) => ({ ...d, raw: e.target.value }))} placeholder="amount > 100 and status = '已完成'" aria-label={t('records.filterExpression')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          {draft.groups.map((g, gi) => (
            <div key={g.id}>
              {gi > 0 && (
                <Segmented size="small" value={draft.combinator} style={{ margin: '4px 0' }}
                  options={[{ value: 'and', label: t('records.and') }, { value: 'or', label: t('records.or') }]}
                  onChange={(v) => setDraft((d) => ({ ...d, combinator: v as 'and' | 'or' }))} />
              )}
              <Card size="small" styles={{ body: { padding: 8 } }}>
                <Space direction="vertical" style={{ width: '100%' }}>
                  {g.conditions.map((c, ci) => {
                    const f = byKey.get(c.field);
                    return (
                      <Space key={c.id} wrap align="center">
                        <span style={{ width: 44, display: 'inline-block', color: '#8a919f' }}>
                          {ci === 0 ? t('records.where') : (
                            <Select size="small" variant="borderless" value={g.combinator} style={{ width: 64 }}
                              options={[{ value: 'and', label: t('records.and') }, { value: 'or', label: t('records.or') }]}
                              onChange={(v) => setGroup(g.id, { combinator: v })} />
                          )}
                        </span>
                        <Select style={{ width: 160 }} showSearch optionFilterProp="label" value={c.field || undefined} options={fieldOptions}
                          aria-label={t('records.field')}
                          onChange={(key) => setCond(g, c.id, { field: key, op: operatorsFor(byKey.get(key)!.type)[0], value: undefined })} />
                        <Select style={{ width: 150 }} value={c.op} aria-label={t('records.operator')}
                          options={operatorsFor(f?.type ?? 'text').map((op) => ({ value: op, label: t(`records.ops.${op}`) }))}
                          onChange={(op) => setCond(g, c.id, { op, value: op === 'between' ? [null, null] : c.value })} />
                        <ValueInput field={f} op={c.op} value={c.value} onChange={(v) => setCond(g, c.id, { value: v })} />
                        <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('common.remove')}
                          onClick={() => setGroup(g.id, { conditions: g.conditions.filter((x) => x.id !== c.id) })} />
                      </Space>
                    );
                  })}
                  <Button size="small" type="dashed" icon={<PlusOutlined />}
                    onClick={() => setGroup(g.id, { conditions: [...g.conditions, { id: newId(), field: fields[0]?.key ?? '', op: operatorsFor(fields[0]?.type ?? 'text')[0] }] })}>
                    {t('records.addCondition')}
                  </Button>
                </Space>
              </Card>
            </div>
          ))}
          <Button size="small" icon={<PlusOutlined />} onClick={() => setDraft((d) => ({ ...d, groups: [...d.groups, { id: newId(), combinator: 'and', conditions: [{ id: newId(), field: fields[0]?.key ?? '', op: operatorsFor(fields[0]?.type ?? 'text')[0] }] }] }))}>
            {t('records.addGroup')}
          </Button>
        </Space>
      )}
      {expression && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('records.asExpression')}: <code className="fl-mono" data-testid="filter-expression">{expression}</code>
        </Typography.Paragraph>
      )}
      {syntaxError && <Alert type="error" showIcon style={{ marginTop: 8 }} title={`${syntaxError.localized(i18n.language)} (${t('records.column')} ${syntaxError.column})`} />}
      <Space style={{ marginTop: 12, justifyContent: 'flex-end', width: '100%' }}>
        <Button onClick={() => { onApply({ mode: 'builder', combinator: 'and', groups: [], raw: '' }); onClose(); }}>{t('records.clearFilter')}</Button>
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button type="primary" disabled={!!syntaxError} onClick={() => { onApply(draft); onClose(); }} data-testid="apply-filter">{t('records.applyFilter')}</Button>
      </Space>
    </div>
  );
}
