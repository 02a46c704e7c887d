// Import wizard: upload a CSV/XLSX, check the column mapping on a preview, pick a mode, run with a
// progress bar, then download the error report.
import { useState } from 'react';
import { InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Progress, Radio, Result, Select, Space, Steps, Table, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiUrl, upload } from '../../api/client';
import type { FieldDef } from '../../api/types';
import { errorMessage } from '../../common/errors';
import { labelText } from '../../common/label';
import { FINISHED, jobPercent, useJob } from './useJob';

interface Preview {
  file_id: string;
  headers: string[];
  mapping: Record<string, string | null>;
  rows: { row: number; cells: string[] }[];
  fields: { key: string; label: string | { zh?: string; en?: string }; type: string; unique?: boolean }[];
}

interface Props { formId: string; fields: FieldDef[]; open: boolean; onClose: () => void }

export function ImportWizard({ formId, open, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [mode, setMode] = useState<'create' | 'upsert'>('create');
  const [key, setKey] = useState<string | null>(null);
  const [onError, setOnError] = useState<'skip_bad' | 'all_or_nothing'>('skip_bad');
  const [uploadPct, setUploadPct] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const job = useJob(jobId);

  const reset = () => {
    setStep(0); setPreview(null); setMapping({}); setMode('create'); setKey(null); setError(null); setJobId(null); setUploadPct(null);
  };
  const close = () => {
    if (jobId) void qc.invalidateQueries({ queryKey: ['records', formId] });
    reset();
    onClose();
  };

  const sendFile = (file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    setError(null);
    setUploadPct(0);
    upload<Preview>(`/forms/${formId}/import/preview`, form, (f) => setUploadPct(Math.round(f * 100)))
      .then((p) => { setPreview(p); setMapping(p.mapping ?? {}); setStep(1); }, (e) => setError(errorMessage(e, t)))
      .finally(() => setUploadPct(null));
    return false;
  };

  const start = () => {
    if (!preview) return;
    const form = new FormData();
    form.append('file_id', preview.file_id);
    form.append('mapping', JSON.stringify(Object.fromEntries(Object.entries(mapping).filter(([, v]) => v))));
    form.append('mode', mode);
    if (mode === 'upsert' && key) form.append('key', key);
    form.append('on_error', onError);
    setStarting(true);
    setError(null);
    upload<{ job_id: string }>(`/forms/${formId}/import`, form)
      .then((r) => { setJobId(r.job_id); setStep(3); }, (e) => setError(errorMessage(e, t)))
      .finally(() => setStarting(false));
  };

  const fieldOptions = (preview?.fields ?? []).map((f) => ({ value: f.key, label: labelText(f.label, i18n.language, f.key) }));
  const mapped = Object.values(mapping).filter(Boolean).length;
  const j = job.data;
  const finished = !!j && FINISHED.has(j.status);
  const errorCount = j?.error_count ?? j?.errors?.length ?? 0;
  const result = (j?.result ?? {}) as { created?: number; updated?: number; bad_rows?: number };

  return (
    <Modal open={open} onCancel={close} width={860} title={t('import.title')} destroyOnHidden maskClosable={false}
      footer={
        <Space>
          {step === 1 && <Button onClick={reset}>{t('common.back')}</Button>}
          {step === 1 && <Button type="primary" disabled={!mapped} onClick={() => setStep(2)}>{t('common.next')}</Button>}
          {step === 2 && <Button onClick={() => setStep(1)}>{t('common.back')}</Button>}
          {step === 2 && <Button type="primary" loading={starting} disabled={mode === 'upsert' && !key} onClick={start} data-testid="import-start">{t('import.start')}</Button>}
          {step === 3 && <Button type={finished ? 'primary' : 'default'} onClick={close}>{finished ? t('common.done') : t('import.runInBackground')}</Button>}
        </Space>
      }>
      <Steps size="small" current={step} style={{ marginBottom: 20 }}
        items={[{ title: t('import.stepUpload') }, { title: t('import.stepMapping') }, { title: t('import.stepMode') }, { title: t('import.stepRun') }]} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}

      {step === 0 && (
        <>
          <Upload.Dragger accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" showUploadList={false}
            beforeUpload={sendFile} disabled={uploadPct !== null} data-testid="import-upload">
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p>{t('import.dropHere')}</p>
            <p style={{ color: '#8a919f' }}>{t('import.formats')}</p>
          </Upload.Dragger>
          {uploadPct !== null && <Progress percent={uploadPct} style={{ marginTop: 12 }} />}
        </>
      )}

      {step === 1 && preview && (
        <>
          <Typography.Paragraph type="secondary">{t('import.mappingHelp', { mapped, total: preview.headers.length })}</Typography.Paragraph>
          <Table size="small" pagination={false} rowKey="header" scroll={{ y: 360, x: 'max-content' }}
            dataSource={preview.headers.map((h, i) => ({ header: h, index: i }))}
            columns={[
              { title: t('import.column'), dataIndex: 'header', width: 180 },
              { title: t('import.sample'), render: (_, r) => <span style={{ color: '#5b6270' }}>{preview.rows.slice(0, 3).map((row) => row.cells[r.index]).filter(Boolean).join(' · ')}</span> },
              {
                title: t('import.field'), width: 220,
                render: (_, r) => (
                  <Select style={{ width: 200 }} allowClear value={mapping[r.header] ?? undefined} options={fieldOptions}
                    placeholder={t('import.skip')} onChange={(v) => setMapping((m) => ({ ...m, [r.header]: v ?? null }))} />
                ),
              },
            ]} />
        </>
      )}

      {step === 2 && preview && (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <div>
            <Typography.Title level={5}>{t('import.mode')}</Typography.Title>
            <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)}>
              <Space direction="vertical">
                <Radio value="create">{t('import.modeCreate')}</Radio>
                <Radio value="upsert">{t('import.modeUpsert')}</Radio>
              </Space>
            </Radio.Group>
            {mode === 'upsert' && (
              <div style={{ marginTop: 8 }}>
                <Select style={{ width: 240 }} value={key ?? undefined} placeholder={t('import.keyField')} onChange={setKey}
                  options={fieldOptions.filter((o) => Object.values(mapping).includes(o.value))} />
              </div>
            )}
          </div>
          <div>
            <Typography.Title level={5}>{t('import.onError')}</Typography.Title>
            <Radio.Group value={onError} onChange={(e) => setOnError(e.target.value)}>
              <Space direction="vertical">
                <Radio value="skip_bad">{t('import.skipBad')}</Radio>
                <Radio value="all_or_nothing">{t('import.allOrNothing')}</Radio>
              </Space>
            </Radio.Group>
          </div>
        </Space>
      )}

      {step === 3 && (
        <div data-testid="import-progress">
          <Progress percent={jobPercent(j)} status={j?.status === 'failed' ? 'exception' : finished ? 'success' : 'active'} />
          <Typography.Paragraph type="secondary">
            {j?.progress?.total ? t('import.rowsDone', { done: j.progress.done, total: j.progress.total }) : t(j?.status === 'queued' ? 'import.queued' : 'import.running')}
          </Typography.Paragraph>
          {finished && j?.status !== 'failed' && (
            <Result status={errorCount ? 'warning' : 'success'} title={t('import.finished')}
              subTitle={t('import.summary', { created: result.created ?? 0, updated: result.updated ?? 0, bad: result.bad_rows ?? errorCount })} />
          )}
          {finished && j?.status === 'failed' && <Alert type="error" showIcon title={t('import.failed')} />}
          {errorCount > 0 && (
            <>
              <Table size="small" pagination={{ pageSize: 8 }} rowKey="__i" style={{ marginTop: 12 }}
                dataSource={(j?.errors ?? []).map((e, i) => ({ ...(typeof e === 'string' ? { message: e } : e), __i: i }))}
                columns={[
                  { title: t('import.row'), dataIndex: 'row', width: 80 },
                  { title: t('import.column'), dataIndex: 'column', width: 160 },
                  { title: t('import.problem'), dataIndex: 'message' },
                ]} />
              <a href={apiUrl(`/jobs/${jobId}/errors.csv`)} download>{t('import.downloadErrors', { count: errorCount })}</a>
            </>
          )}
        </div>
      )}
    </Modal>
  );
}
