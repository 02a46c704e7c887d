// The flow's own keys: name (one text or zh/en), description and `settings` (sources, bounds,
// marketing consent and frequency cap shared by its messages). Shown when no step is selected.
import { Checkbox, Input, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldDef, Label } from '../../api/types';
import { labelText } from '../../common/label';
import { LabelInput } from '../../designer/form/LabelInput';
import type { FlowGraph } from '../types';
import { Setting } from './inputs';
import { FrequencyCapInput } from './MessageEditors';

const SOURCES = ['api', 'public', 'import', 'flow', 'template', 'system'];

export interface FlowSettings {
  sources?: string[];
  rate_limit_per_minute?: number;
  max_depth?: number;
  consent_field?: string;
  frequency_cap?: { max: number; per: string };
}

/** The envelope with one setting changed; an emptied `settings` is removed altogether. */
export function withSetting(graph: FlowGraph, key: keyof FlowSettings, value: unknown): FlowGraph {
  const settings: Record<string, unknown> = { ...((graph.settings as FlowSettings | undefined) ?? {}) };
  if (value === undefined) delete settings[key]; else settings[key] = value;
  const next: FlowGraph = { ...graph, settings };
  if (!Object.keys(settings).length) delete next.settings;
  return next;
}

export function FlowSettingsEditor({ graph, onChange, fields }: { graph: FlowGraph; onChange: (g: FlowGraph) => void; fields: FieldDef[] }) {
  const { t, i18n } = useTranslation('flows');
  const settings = (graph.settings as FlowSettings | undefined) ?? {};
  const set = (key: keyof FlowSettings, value: unknown) => onChange(withSetting(graph, key, value));
  const checkboxes = fields.filter((f) => f.type === 'checkbox').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  return (
    <div data-testid="flow-settings">
      <Setting label={t('flowName')}>
        <LabelInput value={graph.name} testId="flow-settings-name" onChange={(name: Label | undefined) => onChange({ ...graph, name: name ?? '' })} />
      </Setting>
      <Setting label={t('description')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} value={(graph.description as string) ?? ''} data-testid="flow-description"
          onChange={(e) => { const { description: _old, ...rest } = graph; onChange(e.target.value ? { ...rest, description: e.target.value } : rest); }} />
      </Setting>
      <Setting label={t('sources')} help={t('flowSourcesHelp')}>
        <Checkbox.Group value={settings.sources ?? []} onChange={(v) => set('sources', v.length ? v : undefined)}
          options={SOURCES.map((x) => ({ value: x, label: t(`source.${x}`) }))} />
      </Setting>
      <Setting label={t('rateLimit')} help={t('rateLimitHelp')}>
        <InputNumber min={1} max={100000} value={settings.rate_limit_per_minute} placeholder="6000" data-testid="flow-rate-limit"
          onChange={(v) => set('rate_limit_per_minute', v ?? undefined)} />
      </Setting>
      <Setting label={t('maxDepth')} help={t('maxDepthHelp')}>
        <InputNumber min={0} max={10} value={settings.max_depth} placeholder="3" onChange={(v) => set('max_depth', v ?? undefined)} />
      </Setting>
      <Setting label={t('consentField')} help={t('flowConsentHelp')}>
        <Select allowClear style={{ width: '100%' }} value={settings.consent_field || undefined} options={checkboxes}
          onChange={(v: string | undefined) => set('consent_field', v)} />
      </Setting>
      <Setting label={t('frequencyCap')} help={t('frequencyCapHelp')}>
        <FrequencyCapInput value={settings.frequency_cap} onChange={(v) => set('frequency_cap', v)} />
      </Setting>
    </div>
  );
}
