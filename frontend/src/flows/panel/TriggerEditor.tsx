// Settings of the flow's trigger: type, form, fields that must change, date offset, cron, condition.
import { useMemo } from 'react';
import { Checkbox, Input, Select, Switch, TimePicker } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FormInfo } from '../../api/types';
import { labelText } from '../../common/label';
import { useSegments } from '../api';
import { defaultTrigger, TRIGGER_TYPES, triggerUsesForm } from '../catalog';
import type { Trigger, TriggerType } from '../types';
import { DurationInput, ExpressionInput, Setting } from './inputs';
import { FLOW_ROOTS, scopeFields } from './scope';

const SOURCES = ['api', 'public', 'import', 'flow', 'template', 'system'];
const RECORD_EVENTS = new Set(['record.created', 'record.updated', 'record.deleted']);

export function TriggerEditor({ trigger, onChange, forms }: { trigger: Trigger; onChange: (t: Trigger) => void; forms: FormInfo[] }) {
  const { t, i18n } = useTranslation('flows');
  const form = forms.find((f) => f.key === trigger.form);
  const fields = form?.definition.fields ?? [];
  const fieldOptions = (types?: string[]) => fields
    .filter((f) => f.type !== 'section' && (!types || types.includes(f.type)))
    .map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const set = (patch: Partial<Trigger>) => {
    const next: Trigger = { ...trigger, ...patch };
    for (const k of Object.keys(patch)) if (next[k] === undefined) delete next[k];
    onChange(next);
  };
  const offset = String(trigger.offset ?? '0d');
  const segments = useSegments(trigger.type === 'segment.entered' ? form?.id : undefined).data ?? [];
  // The condition reads the record's fields bare or as record./old. (webhooks: the payload's keys).
  const scope = useMemo(() => scopeFields(fields, [], [], null), [fields]);

  return (
    <div data-testid="trigger-editor">
      <Setting label={t('triggerType')}>
        <Select style={{ width: '100%' }} value={trigger.type} data-testid="trigger-type"
          onChange={(type: TriggerType) => onChange(defaultTrigger(type, trigger, forms[0]?.key))}
          options={TRIGGER_TYPES.map((type) => ({ value: type, label: t(`trigger.${type}`) }))} />
      </Setting>
      {triggerUsesForm(trigger.type) && (
        <Setting label={t('form')}>
          <Select style={{ width: '100%' }} value={trigger.form} data-testid="trigger-form" onChange={(v) => set({ form: v })}
            options={forms.map((f) => ({ value: f.key, label: labelText(f.definition?.name ?? f.name, i18n.language, f.key) }))} />
        </Setting>
      )}
      {trigger.type === 'record.updated' && (
        <Setting label={t('changedFields')} help={t('changedFieldsHelp')}>
          <Select mode="multiple" style={{ width: '100%' }} value={(trigger.fields as string[]) ?? []} options={fieldOptions()}
            onChange={(v: string[]) => set({ fields: v.length ? v : undefined })} />
        </Setting>
      )}
      {trigger.type === 'date' && (
        <>
          <Setting label={t('dateField')}>
            <Select style={{ width: '100%' }} value={(trigger.field as string) || undefined} options={fieldOptions(['date', 'datetime'])} onChange={(v) => set({ field: v })} />
          </Setting>
          <Setting label={t('offset')} help={t('offsetHelp')}>
            <DurationInput value={offset} allowNegative onChange={(v) => set({ offset: v })} />
          </Setting>
          <Setting label={t('atTime')}>
            <TimePicker format="HH:mm" value={dayjs(`2000-01-01T${String(trigger.at ?? '09:00')}`)} allowClear={false}
              onChange={(v) => set({ at: v ? v.format('HH:mm') : '09:00' })} />
          </Setting>
          <Setting label={t('yearly')}><Switch checked={!!trigger.yearly} onChange={(v) => set({ yearly: v || undefined })} /></Setting>
        </>
      )}
      {trigger.type === 'schedule' && (
        <Setting label={t('cron')} help={t('cronHelp')}>
          <Input className="fl-mono" value={String(trigger.cron ?? '')} onChange={(e) => set({ cron: e.target.value })} />
        </Setting>
      )}
      {trigger.type === 'segment.entered' && (
        <Setting label={t('segment')}>
          {segments.length > 0 ? (
            <Select style={{ width: '100%' }} value={(trigger.segment as string) || undefined} data-testid="trigger-segment" showSearch optionFilterProp="label"
              options={segments.map((g) => ({ value: g.key, label: `${labelText(g.name, i18n.language, g.key)} (${g.key})` }))}
              onChange={(v: string) => set({ segment: v })} />
          ) : (
            <Input className="fl-mono" value={String(trigger.segment ?? '')} data-testid="trigger-segment" onChange={(e) => set({ segment: e.target.value })} />
          )}
        </Setting>
      )}
      {trigger.type === 'webhook' && <Setting label={t('webhook')}><span>{t('webhookHelp')}</span></Setting>}
      {RECORD_EVENTS.has(trigger.type) && (
        <Setting label={t('sources')} help={t('sourcesHelp')}>
          <Checkbox.Group value={(trigger.sources as string[]) ?? []} onChange={(v) => set({ sources: v.length ? v : undefined })}
            options={SOURCES.map((x) => ({ value: x, label: t(`source.${x}`) }))} />
        </Setting>
      )}
      <Setting label={t('condition')} help={t('conditionHelp')}>
        <ExpressionInput value={trigger.condition} fields={fields} prefix="" formId={form?.id} testId="trigger-condition"
          scope={scope} roots={form ? FLOW_ROOTS : '*'} onChange={(v) => set({ condition: v || undefined })} />
      </Setting>
    </div>
  );
}
