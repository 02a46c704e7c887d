// Run history, one run's timeline with retry/cancel, and the "why it did not run" log.
import { useState } from 'react';
import { Alert, Button, Collapse, Empty, List, Segmented, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../common/useNotify';
import { useRun, useRunAction, useRuns, useSkips } from './api';
import type { FlowRun, StepRun } from './types';

const STATUS_COLOR: Record<string, string> = {
  completed: 'green', succeeded: 'green', done: 'green', running: 'blue', queued: 'default',
  waiting: 'gold', failed: 'red', cancelled: 'default', skipped: 'default',
};

const when = (v?: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm:ss') : '');
const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

export function RunsPanel({ flowId, nodeLabel }: { flowId: string; nodeLabel: (id: string) => string }) {
  const { t } = useTranslation('flows');
  const [tab, setTab] = useState<'runs' | 'skips'>('runs');
  const [status, setStatus] = useState<string>('');
  const [runId, setRunId] = useState<string | null>(null);
  const runs = useRuns(flowId, status || undefined);
  const skips = useSkips(flowId);

  if (runId) return <RunTimeline runId={runId} onBack={() => setRunId(null)} nodeLabel={nodeLabel} />;
  return (
    <div data-testid="runs-panel">
      <Segmented value={tab} onChange={(v) => setTab(v as 'runs' | 'skips')} style={{ marginBottom: 8 }}
        options={[{ value: 'runs', label: t('runs') }, { value: 'skips', label: t('skips') }]} />
      {tab === 'runs' ? (
        <>
          <Segmented size="small" value={status} onChange={(v) => setStatus(String(v))} style={{ marginBottom: 8 }}
            options={['', 'running', 'completed', 'failed', 'cancelled'].map((s) => ({ value: s, label: t(`runStatus.${s || 'all'}`) }))} />
          <List size="small" loading={runs.isPending} dataSource={runs.data ?? []} locale={{ emptyText: t('noRuns') }}
            renderItem={(run: FlowRun) => (
              <List.Item style={{ cursor: 'pointer' }} onClick={() => setRunId(run.id)} data-testid="run-item">
                <Space direction="vertical" size={0}>
                  <Space><Tag color={STATUS_COLOR[run.status]}>{t(`runStatus.${run.status}`, { defaultValue: run.status })}</Tag>
                    <Typography.Text type="secondary">v{run.version ?? '?'}</Typography.Text></Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{when(run.started_at)} · {run.record_id ?? ''}</Typography.Text>
                </Space>
              </List.Item>
            )} />
        </>
      ) : (
        <List size="small" loading={skips.isPending} dataSource={skips.data ?? []}
          locale={{ emptyText: skips.error ? t('skipsUnavailable') : t('noSkips') }}
          renderItem={(s) => (
            <List.Item data-testid="skip-item">
              <Space direction="vertical" size={0}>
                <span><Tag>{t(`skipReason.${s.reason}`, { defaultValue: s.reason })}</Tag>{s.detail}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{when(s.created_at)} · {s.event ?? ''} {s.record_id ?? ''}</Typography.Text>
              </Space>
            </List.Item>
          )} />
      )}
    </div>
  );
}

function RunTimeline({ runId, onBack, nodeLabel }: { runId: string; onBack: () => void; nodeLabel: (id: string) => string }) {
  const { t } = useTranslation('flows');
  const notify = useNotify();
  const run = useRun(runId);
  const action = useRunAction();
  const act = (kind: 'cancel' | 'retry') =>
    action.mutate({ runId, action: kind }, { onSuccess: () => notify.success(t(kind === 'cancel' ? 'cancelled' : 'retried')), onError: notify.error });
  const data = run.data;
  const active = data && ['running', 'waiting', 'queued'].includes(data.status);
  const steps = data?.steps ?? [];
  return (
    <div data-testid="run-timeline">
      <Space style={{ marginBottom: 8 }} wrap>
        <Button size="small" onClick={onBack}>{t('back')}</Button>
        {data && <Tag color={STATUS_COLOR[data.status]} data-testid="run-status">{t(`runStatus.${data.status}`, { defaultValue: data.status })}</Tag>}
        {active && <Button size="small" danger onClick={() => act('cancel')}>{t('cancelRun')}</Button>}
        {data?.status === 'failed' && <Button size="small" onClick={() => act('retry')}>{t('retryRun')}</Button>}
      </Space>
      {data?.error != null && <Alert type="error" title={json(data.error)} style={{ marginBottom: 8 }} />}
      {steps.length === 0 ? <Empty description={t('noSteps')} /> : (
        <Timeline items={steps.map((step: StepRun) => ({
          color: STATUS_COLOR[step.status] === 'default' ? 'gray' : STATUS_COLOR[step.status] ?? 'blue',
          children: (
            <div data-testid="run-step">
              <Space wrap>
                <b>{nodeLabel(step.node_id)}</b>
                <Tag color={STATUS_COLOR[step.status]}>{t(`runStatus.${step.status}`, { defaultValue: step.status })}</Tag>
                {step.branch && <Tag>{t(`branch.${step.branch}`, { defaultValue: step.branch })}</Tag>}
                {(step.attempts ?? 1) > 1 && <Tag>{t('attempts', { n: step.attempts })}</Tag>}
                {step.status === 'failed' && <Button size="small" type="link" onClick={() => act('retry')}>{t('retryFromHere')}</Button>}
              </Space>
              <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{when(step.started_at ?? step.queued_at)}{step.finished_at ? ` → ${when(step.finished_at)}` : ''}</Typography.Text></div>
              {step.error != null && <Typography.Text type="danger">{json(step.error)}</Typography.Text>}
              {(step.input != null || step.output != null) && (
                <Collapse size="small" ghost items={[
                  ...(step.input != null ? [{ key: 'in', label: t('input'), children: <pre className="fl-mono" style={{ fontSize: 11, whiteSpace: 'pre-wrap' }}>{json(step.input)}</pre> }] : []),
                  ...(step.output != null ? [{ key: 'out', label: t('output'), children: <pre className="fl-mono" style={{ fontSize: 11, whiteSpace: 'pre-wrap' }}>{json(step.output)}</pre> }] : []),
                ]} />
              )}
            </div>
          ),
        }))} />
      )}
    </div>
  );
}
