// Dry run on a chosen record (path highlighted on the canvas), a real manual run, and the backtest.
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Divider, InputNumber, List, Select, Space, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { itemsOf, type FormInfo, type Page, type RecordItem } from '../api/types';
import { useNotify } from '../common/useNotify';
import { backtestFlow, startRun, testFlow } from './api';
import type { TestResult, TestStep } from './types';

/** A dry-run step's output: its `would` sentence when it has one, else compact JSON. */
export function describeOutput(output: unknown): string {
  if (output && typeof output === 'object' && 'would' in output) return String((output as { would: unknown }).would);
  return typeof output === 'string' ? output : JSON.stringify(output);
}

export function recordTitle(record: RecordItem, form: FormInfo | undefined): string {
  const key = form?.definition.title_field ?? form?.definition.fields.find((f) => f.type === 'text')?.key;
  const value = key ? record.data[key] : undefined;
  return value != null && value !== '' ? String(value) : record.id;
}

export function TestPanel({ flowId, form, saved, onResult, nodeLabel }: {
  flowId: string; form: FormInfo | undefined; saved: boolean; onResult: (r: TestResult | null) => void; nodeLabel: (id: string) => string;
}) {
  const { t } = useTranslation('flows');
  const notify = useNotify();
  const [recordId, setRecordId] = useState<string>();
  const [days, setDays] = useState(30);
  const records = useQuery({
    queryKey: ['records', form?.id, 'flow-test'],
    queryFn: async () => itemsOf(await api.get<Page<RecordItem>>(`/forms/${form!.id}/records`, { limit: 100, sort: '-created_at' })),
    enabled: !!form?.id,
  });
  const test = useMutation({ mutationFn: () => testFlow(flowId, recordId!), onSuccess: onResult, onError: notify.error });
  const run = useMutation({ mutationFn: () => startRun(flowId, recordId!), onSuccess: () => notify.success(t('runStarted')), onError: notify.error });
  const backtest = useMutation({ mutationFn: () => backtestFlow(flowId, days), onError: notify.error });
  const result = test.data;

  return (
    <div data-testid="test-panel">
      {!saved && <Typography.Text type="warning">{t('saveBeforeTest')}</Typography.Text>}
      <Select showSearch optionFilterProp="label" style={{ width: '100%', margin: '8px 0' }} placeholder={t('chooseRecord')}
        value={recordId} onChange={setRecordId} loading={records.isPending} data-testid="test-record"
        options={(records.data ?? []).map((r) => ({ value: r.id, label: recordTitle(r, form) }))} />
      <Space wrap>
        <Button type="primary" disabled={!recordId} loading={test.isPending} onClick={() => test.mutate()} data-testid="run-test">{t('dryRun')}</Button>
        <Button disabled={!recordId} loading={run.isPending} onClick={() => run.mutate()}>{t('realRun')}</Button>
        {result && <Button onClick={() => { test.reset(); onResult(null); }}>{t('clearPath')}</Button>}
      </Space>
      {result && (
        <List size="small" style={{ marginTop: 8 }} dataSource={result.path}
          header={result.trigger && !result.trigger.matches
            ? <Typography.Text type="warning" data-testid="test-not-start">{t('wouldNotStart')}{result.trigger.error ? `: ${result.trigger.error}` : ''}</Typography.Text>
            : t('pathTaken')}
          renderItem={(s: TestStep) => (
            <List.Item data-testid="test-step">
              <Space direction="vertical" size={0}>
                <Space><b>{nodeLabel(s.node)}</b>{s.branch ? <Tag>{t(`branch.${s.branch}`, { defaultValue: s.branch })}</Tag> : null}</Space>
                {s.error ? <Typography.Text type="danger">{s.error}</Typography.Text> : null}
                {s.output != null ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{describeOutput(s.output)}</Typography.Text> : null}
              </Space>
            </List.Item>
          )} />
      )}
      <Divider />
      <Typography.Text strong>{t('backtest')}</Typography.Text>
      <div style={{ margin: '8px 0' }}>
        <Space>
          <InputNumber min={1} max={3650} value={days} onChange={(v) => setDays(Number(v ?? 30))} suffix={t('days')} />
          <Button loading={backtest.isPending} onClick={() => backtest.mutate()} data-testid="run-backtest">{t('runBacktest')}</Button>
        </Space>
      </div>
      {backtest.data && <Statistic title={t('backtestResult', { days: backtest.data.days, candidates: backtest.data.candidates })} value={backtest.data.entered} />}
    </div>
  );
}
