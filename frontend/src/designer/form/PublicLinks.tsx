// Public fill-in link and public look-up link of a saved form.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import type { FormDefinition } from '../../api/types';
import { labelText } from '../../common/label';
import { useNotify } from '../../common/useNotify';
import { storedFields } from '../../forms/model';

/** Field types a public link can show (the server's PUBLIC_TYPES). */
const PUBLIC_TYPES = new Set(['text', 'textarea', 'number', 'checkbox', 'date', 'datetime', 'select', 'multiselect', 'phone', 'email', 'url', 'rating', 'address', 'location', 'subform', 'file', 'image']);

interface Link { url: string; token: string; enabled: boolean; config?: Record<string, unknown>; submissions?: number }

function useLink(formId: string, path: 'public' | 'public-query') {
  return useQuery({
    queryKey: ['public-link', formId, path],
    queryFn: async () => {
      try {
        return await api.get<Link>(`/forms/${formId}/${path}`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
}

/** The link as this browser reaches the server (the server's BASE_URL may differ in development). */
export function localUrl(link: Link, kind: 'f' | 'q'): string {
  return `${window.location.origin}/${kind}/${link.token}`;
}

export function PublicLinks({ formId, definition }: { formId: string; definition: FormDefinition }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const notify = useNotify();
  const fill = useLink(formId, 'public');
  const query = useLink(formId, 'public-query');
  const fields = storedFields(definition.fields).filter((f) => !['formula', 'lookup', 'rollup', 'serial'].includes(f.type));
  const uniqueFields = storedFields(definition.fields).filter((f) => f.unique || f.type === 'serial');
  const publicFields = storedFields(definition.fields).filter((f) => PUBLIC_TYPES.has(f.type));
  const current = (fill.data?.config?.fields as string[] | undefined) ?? null;
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [thanks, setThanks] = useState<string | null>(null);
  const fillFields = chosen ?? current ?? publicFields.map((f) => f.key);
  const fillThanks = thanks ?? ((fill.data?.config?.thank_you as string | undefined) ?? '');
  const [lookup, setLookup] = useState<string | undefined>();
  const [shown, setShown] = useState<string[]>([]);
  const [password, setPassword] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: ['public-link', formId] });
  const toggle = useMutation({
    mutationFn: (on: boolean) => (on
      ? api.post(`/forms/${formId}/public`, { fields: fillFields, thank_you: fillThanks || null })
      : api.delete(`/forms/${formId}/public`)),
    onSuccess: () => { setChosen(null); setThanks(null); return refresh(); }, onError: notify.error,
  });
  const enableQuery = useMutation({
    mutationFn: () => api.post(`/forms/${formId}/public-query`, { lookup_field: lookup, fields: shown, password: password || null }),
    onSuccess: refresh, onError: notify.error,
  });
  const disableQuery = useMutation({ mutationFn: () => api.delete(`/forms/${formId}/public-query`), onSuccess: refresh, onError: notify.error });
  const label = (key: string) => labelText(storedFields(definition.fields).find((f) => f.key === key)?.label, i18n.language, key);
  const fillOn = !!fill.data?.enabled;

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Switch checked={fillOn} loading={fill.isPending || toggle.isPending} onChange={(on) => toggle.mutate(on)} data-testid="public-switch" />
        <span>{t('forms.publicLink')}</span>
      </Space>
      {fillOn && fill.data && (
        <>
          <Typography.Paragraph copyable={{ text: localUrl(fill.data, 'f') }} className="fl-mono" style={{ marginBottom: 0, wordBreak: 'break-all' }} data-testid="public-url">
            <a href={localUrl(fill.data, 'f')} target="_blank" rel="noreferrer">{localUrl(fill.data, 'f')}</a>
          </Typography.Paragraph>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('forms.publicEnabled')} {t('designer.submissions', { count: fill.data.submissions ?? 0 })}</Typography.Text>
        </>
      )}
      <Form layout="vertical" size="small">
        <Form.Item label={t('designer.publicFields')} extra={t('designer.publicFieldsHelp')}>
          <Select mode="multiple" value={fillFields} onChange={setChosen} data-testid="public-fields"
            options={publicFields.map((f) => ({ value: f.key, label: label(f.key) }))} />
        </Form.Item>
        <Form.Item label={t('designer.thankYou')}>
          <Input value={fillThanks} onChange={(e) => setThanks(e.target.value)} placeholder={t('designer.thankYouDefault')} />
        </Form.Item>
        {fillOn && (chosen !== null || thanks !== null) && (
          <Button size="small" type="primary" loading={toggle.isPending} onClick={() => toggle.mutate(true)}>{t('designer.updateLink')}</Button>
        )}
      </Form>
      <Typography.Text strong style={{ marginTop: 8 }}>{t('designer.publicQuery')}</Typography.Text>
      {query.data?.enabled ? (
        <>
          <Typography.Paragraph copyable={{ text: localUrl(query.data, 'q') }} className="fl-mono" style={{ wordBreak: 'break-all', marginBottom: 0 }}>
            <a href={localUrl(query.data, 'q')} target="_blank" rel="noreferrer">{localUrl(query.data, 'q')}</a>
          </Typography.Paragraph>
          <Button size="small" danger onClick={() => disableQuery.mutate()}>{t('designer.disableQuery')}</Button>
        </>
      ) : (
        <Form layout="vertical" size="small">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.publicQueryHelp')}</Typography.Text>
          <Form.Item label={t('designer.lookupBy')}>
            <Select value={lookup} onChange={setLookup} options={uniqueFields.map((f) => ({ value: f.key, label: label(f.key) }))} notFoundContent={t('designer.needUnique')} />
          </Form.Item>
          <Form.Item label={t('designer.fieldsShown')}>
            <Select mode="multiple" value={shown} onChange={setShown} options={fields.map((f) => ({ value: f.key, label: label(f.key) }))} />
          </Form.Item>
          <Form.Item label={t('designer.queryPassword')}><Input.Password value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" /></Form.Item>
          <Button size="small" type="primary" disabled={!lookup || !shown.length} loading={enableQuery.isPending} onClick={() => enableQuery.mutate()}>{t('designer.enableQuery')}</Button>
        </Form>
      )}
    </Space>
  );
}
