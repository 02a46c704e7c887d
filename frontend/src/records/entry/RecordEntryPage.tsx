// New or existing record: the form rendered from its definition, saved through the API.
import { useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Result, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { RecordItem } from '../../api/types';
import { useForm, useForms } from '../../apps/queries';
import { errorMessage } from '../../common/errors';
import { labelText } from '../../common/label';
import { useNotify } from '../../common/useNotify';
import { useRecord } from '../shared/relations';
import { useEvalContext } from '../shared/useEvalContext';
import { useUnsavedGuard } from '../shared/useUnsavedGuard';
import { payloadOf, type RecordData } from './liveRules';
import { RecordForm } from './RecordForm';

export default function RecordEntryPage() {
  const { appId = '', formId = '', recordId } = useParams();
  const { t, i18n } = useTranslation();
  const form = useForm(formId);
  const forms = useForms(appId);
  const record = useRecord(recordId);
  const evalContext = useEvalContext(recordId);
  const navigate = useNavigate();
  const notify = useNotify();
  const qc = useQueryClient();
  const [dirty, setDirty] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const andNew = useRef(false);
  const release = useUnsavedGuard(dirty);

  const save = useMutation({
    mutationFn: ({ data, touched }: { data: RecordData; touched: Set<string> }) => {
      const def = form.data!.definition;
      if (recordId) {
        return api.patch<RecordItem>(`/records/${recordId}`, { data: payloadOf(def, data, touched), version: record.data!.version });
      }
      return api.post<RecordItem>(`/forms/${formId}/records`, { data: payloadOf(def, data) });
    },
    onSuccess: (saved) => {
      setDirty(false);
      void qc.invalidateQueries({ queryKey: ['records', formId] });
      qc.setQueryData(['record', saved.id], saved);
      notify.success(t('records.saved'));
      if (andNew.current) {
        setFormKey((k) => k + 1);
        return;
      }
      release();
      navigate(`/apps/${appId}/forms/${formId}/data`);
    },
  });

  if (form.isPending || (recordId && record.isPending)) return <div className="fl-page"><Skeleton active /></div>;
  if (form.error || record.error) {
    return <Result status="warning" title={errorMessage(form.error ?? record.error, t)} extra={<Link to={`/apps/${appId}`}>{t('common.back')}</Link>} />;
  }
  const def = form.data.definition;
  const err = save.error;
  const serverErrors = err instanceof ApiError ? err.fields : undefined;
  const serverMessage = err ? (err instanceof ApiError && err.status === 409 && !Object.keys(err.fields).length ? t('records.staleVersion') : Object.keys(serverErrors ?? {}).length ? null : errorMessage(err, t)) : null;

  return (
    <div className="fl-page" style={{ maxWidth: 960 }}>
      <div className="fl-page-title">
        <h1>{labelText(def.name, i18n.language, def.key)} · {recordId ? t('records.editRecord') : t('records.newRecord')}</h1>
        <Link to={`/apps/${appId}/forms/${formId}/data`}><Button>{t('records.backToData')}</Button></Link>
      </div>
      <Card>
        <RecordForm
          key={`${formKey}-${record.data?.version ?? 0}`}
          definition={def}
          initial={record.data?.data}
          isNew={!recordId}
          evalContext={evalContext}
          appId={appId}
          forms={forms.data}
          serverErrors={serverErrors}
          serverMessage={serverMessage}
          submitting={save.isPending}
          onDirtyChange={setDirty}
          secondarySubmitLabel={recordId ? undefined : t('records.saveAndNew')}
          onSubmit={(data, touched, secondary) => { andNew.current = secondary; save.mutate({ data, touched }); }}
        />
      </Card>
    </div>
  );
}
