// Editors of the outgoing steps: send_message (channel, recipients, per-language subject and body,
// marketing consent and frequency cap) and http_request (request, headers, body, signing).
import { Button, Input, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Label } from '../../api/types';
import { labelText } from '../../common/label';
import { patched, type EditorProps } from './context';
import { AssigneeListInput, DurationInput, LocalizedTemplateInput, Setting, TemplateInput, type Assignee } from './inputs';

export function MessageEditor({ node, onChange, fields }: EditorProps) {
  const { t, i18n } = useTranslation('flows');
  const channel = (node.channel as string) ?? 'inapp';
  const toIsTemplate = typeof node.to === 'string';
  const cap = node.frequency_cap as { max: number; per: string } | undefined;
  const checkboxes = fields.filter((f) => f.type === 'checkbox').map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const showCap = !!node.marketing || cap !== undefined;
  return (
    <>
      <Setting label={t('channel')}>
        <Radio.Group value={channel} data-testid="message-channel" optionType="button"
          onChange={(e) => onChange({ ...node, channel: e.target.value, to: e.target.value === 'inapp' && typeof node.to === 'string' ? { user: '' } : node.to })}
          options={['inapp', 'email', 'sms'].map((c) => ({ value: c, label: t(`channels.${c}`) }))} />
      </Setting>
      <Setting label={t('to')} help={channel === 'inapp' ? undefined : t('toHelp')}>
        {channel !== 'inapp' && (
          <Radio.Group size="small" style={{ marginBottom: 6 }} value={toIsTemplate ? 'template' : 'member'}
            onChange={(e) => onChange({ ...node, to: e.target.value === 'template' ? (channel === 'sms' ? '{{record.phone}}' : '{{record.email}}') : { user: '' } })}
            options={[{ value: 'member', label: t('toMember') }, { value: 'template', label: t('toAddress') }]} />
        )}
        {toIsTemplate
          ? <TemplateInput rows={1} value={node.to as string} fields={fields} testId="message-to-address" onChange={(v) => onChange({ ...node, to: v })} />
          : <AssigneeListInput value={node.to as Assignee | Assignee[]} fields={fields} addLabel={t('addRecipient')} testId="message-to"
              onChange={(v) => onChange({ ...node, to: v ?? { user: '' } })} />}
      </Setting>
      {(channel !== 'sms' || node.subject !== undefined) && (
        <Setting label={t('subject')}>
          <LocalizedTemplateInput rows={1} optional value={node.subject as Label | undefined} fields={fields} testId="message-subject"
            onChange={(v) => onChange(patched(node, 'subject', v))} />
        </Setting>
      )}
      <Setting label={t('body')} help={t('bodyHelp')}>
        <LocalizedTemplateInput value={node.body as Label | undefined} fields={fields} testId="message-body"
          onChange={(v) => onChange({ ...node, body: v ?? '' })} />
      </Setting>
      <Setting label={t('marketing')} help={t('marketingHelp')}>
        <Switch checked={!!node.marketing} data-testid="message-marketing" onChange={(v) => onChange(patched(node, 'marketing', v || undefined))} />
      </Setting>
      {showCap && (
        <Setting label={t('frequencyCap')} help={t('frequencyCapHelp')}>
          <FrequencyCapInput value={cap} testId="message-cap" onChange={(v) => onChange(patched(node, 'frequency_cap', v))} />
        </Setting>
      )}
      {/* A step's own consent field guards it even when it is not marketing (a service survey). */}
      <Setting label={t('consentField')} help={t('consentFieldHelp')}>
        <Select allowClear style={{ width: '100%' }} value={(node.consent_field as string) || undefined} options={checkboxes}
          placeholder={node.marketing ? t('fromFlowSettings') : undefined} onChange={(v: string | undefined) => onChange(patched(node, 'consent_field', v))} />
      </Setting>
    </>
  );
}

/** {"max": n, "per": duration}: at most n marketing messages per recipient and channel in that window. */
export function FrequencyCapInput({ value, onChange, testId }: {
  value: { max: number; per: string } | undefined; onChange: (v: { max: number; per: string } | undefined) => void; testId?: string;
}) {
  const { t } = useTranslation('flows');
  return (
    <Space wrap>
      <Switch size="small" checked={!!value} data-testid={testId ? `${testId}-on` : undefined}
        onChange={(on) => onChange(on ? { max: 2, per: '7d' } : undefined)} />
      {value && (
        <>
          <InputNumber min={0} value={value.max} style={{ width: 80 }} data-testid={testId ? `${testId}-max` : undefined}
            onChange={(max) => onChange({ ...value, max: Number(max ?? 0) })} />
          <span>{t('perWindow')}</span>
          <DurationInput value={value.per} onChange={(per) => onChange({ ...value, per: per.replace(/^-/, '') })} />
        </>
      )}
    </Space>
  );
}

type BodyMode = 'none' | 'text' | 'fields';

export function HttpEditor({ node, onChange, fields }: EditorProps) {
  const { t } = useTranslation('flows');
  const headers = Object.entries((node.headers as Record<string, string>) ?? {});
  const setHeaders = (next: [string, string][]) => onChange({ ...node, headers: Object.fromEntries(next) });
  const body = node.body;
  const mode: BodyMode = body === undefined ? 'none' : typeof body === 'string' ? 'text' : 'fields';
  const bodyFields = Object.entries(mode === 'fields' ? (body as Record<string, unknown>) : {});
  const setBodyFields = (next: [string, unknown][]) => onChange({ ...node, body: Object.fromEntries(next) });
  const switchBody = (next: BodyMode) => {
    if (next === 'none') onChange(patched(node, 'body', undefined));
    else if (next === 'text') onChange({ ...node, body: mode === 'fields' ? JSON.stringify(body) : '' });
    else onChange({ ...node, body: {} });
  };
  return (
    <>
      <Setting label={t('request')}>
        <Space2>
          <Select style={{ width: 100 }} value={node.method ?? (body !== undefined ? 'POST' : 'GET')} onChange={(v) => onChange({ ...node, method: v })}
            options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => ({ value: m, label: m }))} />
          <div style={{ flex: 1, minWidth: 0 }}>
            <TemplateInput rows={1} value={node.url as string} fields={fields} testId="http-url" onChange={(v) => onChange({ ...node, url: v })} />
          </div>
        </Space2>
      </Setting>
      <Setting label={t('headers')}>
        {headers.map(([k, v], i) => (
          <Space2 key={i}>
            <Input style={{ width: 140 }} value={k} placeholder={t('headerName')} onChange={(e) => setHeaders(headers.map((h, j) => (j === i ? [e.target.value, h[1]] : h)))} />
            <Input value={v} placeholder={t('headerValue')} onChange={(e) => setHeaders(headers.map((h, j) => (j === i ? [h[0], e.target.value] : h)))} />
            <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => setHeaders(headers.filter((_, j) => j !== i))} />
          </Space2>
        ))}
        <Button size="small" icon={<PlusOutlined />} onClick={() => setHeaders([...headers, ['', '']])}>{t('addHeader')}</Button>
      </Setting>
      <Setting label={t('body')} help={mode === 'fields' ? t('httpFieldsHelp') : t('httpBodyHelp')}>
        <Radio.Group size="small" style={{ marginBottom: 6 }} value={mode} data-testid="http-body-mode" onChange={(e) => switchBody(e.target.value)}
          options={[{ value: 'none', label: t('httpNoBody') }, { value: 'text', label: t('httpTextBody') }, { value: 'fields', label: t('httpJsonFields') }]} />
        {mode === 'text' && <TemplateInput value={body as string} fields={fields} testId="http-body" onChange={(v) => onChange({ ...node, body: v })} />}
        {mode === 'fields' && (
          <>
            {bodyFields.map(([k, v], i) => (
              <Space2 key={i}>
                <Input className="fl-mono" style={{ width: 120 }} value={k} placeholder={t('jsonKey')}
                  onChange={(e) => setBodyFields(bodyFields.map((f, j) => (j === i ? [e.target.value, f[1]] : f)))} />
                {/* Values that are not text (numbers, lists) are sent as they are; typing makes them a template. */}
                <Input value={typeof v === 'string' ? v : JSON.stringify(v)} placeholder="{{record.name}}" addonAfter={typeof v === 'string' ? undefined : 'JSON'}
                  onChange={(e) => setBodyFields(bodyFields.map((f, j) => (j === i ? [f[0], e.target.value] : f)))} />
                <Button type="text" icon={<DeleteOutlined />} aria-label={t('remove')} onClick={() => setBodyFields(bodyFields.filter((_, j) => j !== i))} />
              </Space2>
            ))}
            <Button size="small" icon={<PlusOutlined />} onClick={() => setBodyFields([...bodyFields, ['', '']])}>{t('addJsonField')}</Button>
          </>
        )}
      </Setting>
      <Setting label={t('secret')} help={t('secretHelp')}>
        <Input.Password value={(node.secret as string) ?? ''} autoComplete="new-password" data-testid="http-secret"
          onChange={(e) => onChange(patched(node, 'secret', e.target.value || undefined))} />
      </Setting>
      <Setting label={t('httpTimeout')}>
        <Space>
          <InputNumber min={1} max={30} value={node.timeout as number | undefined} placeholder="10" onChange={(v) => onChange(patched(node, 'timeout', v ?? undefined))} />
          <Typography.Text type="secondary">{t('unit.s')}</Typography.Text>
        </Space>
      </Setting>
      <Setting label={t('failOnError')} help={t('failOnErrorHelp')}>
        <Switch checked={node.fail_on_error !== false} onChange={(v) => onChange(patched(node, 'fail_on_error', v ? undefined : false))} />
      </Setting>
    </>
  );
}

function Space2({ children }: { children: React.ReactNode }) {
  return <div style={{ display: 'flex', gap: 6, marginBottom: 6 }}>{children}</div>;
}
