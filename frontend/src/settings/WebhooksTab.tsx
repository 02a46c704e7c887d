// Outbound webhooks: URL, events, optional form, signing secret.
import { useState } from 'react';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { itemsOf, type Page, type Webhook } from '../api/types';
import { applyFieldErrors } from '../common/errors';
import { useNotify } from '../common/useNotify';

const key = ['webhooks'] as const;
const EVENTS = ['record.created', 'record.updated', 'record.deleted'] as const;

function randomSecret(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

interface WebhookInput { url: string; events: string[]; form_id?: string; secret: string }

export function WebhooksTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const notify = useNotify();
  const { modal } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<WebhookInput>();
  const hooks = useQuery({ queryKey: key, queryFn: async () => itemsOf(await api.get<Page<Webhook> | Webhook[]>('/webhooks')) });
  const create = useMutation({ mutationFn: (v: WebhookInput) => api.post('/webhooks', v), onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
  const remove = useMutation({ mutationFn: (id: string) => api.delete(`/webhooks/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: key }) });

  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); form.setFieldsValue({ events: ['record.created'], secret: randomSecret() }); setOpen(true); }}>
          {t('settings.addWebhook')}
        </Button>
      </div>
      <Table<Webhook>
        rowKey="id" loading={hooks.isPending} dataSource={hooks.data ?? []} pagination={false} scroll={{ x: 560 }}
        columns={[
          { title: t('settings.webhookUrl'), dataIndex: 'url', render: (v) => <span className="fl-mono">{v}</span> },
          { title: t('settings.webhookEvents'), dataIndex: 'events', render: (evs: string[]) => evs.map((e) => <Tag key={e}>{t(`events.${e}`, { defaultValue: e })}</Tag>) },
          {
            title: t('common.actions'), width: 100,
            render: (_, h) => (
              <Button size="small" danger onClick={() => modal.confirm({
                title: t('settings.deleteWebhookConfirm', { url: h.url }), okText: t('common.delete'),
                okButtonProps: { danger: true }, cancelText: t('common.cancel'),
                onOk: () => remove.mutateAsync(h.id).catch(notify.error),
              })}>{t('common.delete')}</Button>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('settings.addWebhook')} okText={t('common.create')} cancelText={t('common.cancel')}
        confirmLoading={create.isPending} onCancel={() => setOpen(false)}
        onOk={async () => {
          const v = await form.validateFields();
          const body: WebhookInput = { url: v.url, events: v.events, secret: v.secret };
          if (v.form_id) body.form_id = v.form_id;
          create.mutate(body, {
            onSuccess: () => { notify.success(t('common.saved')); setOpen(false); },
            onError: (err) => { if (!applyFieldErrors(form, err, ['url', 'events', 'form_id', 'secret'])) notify.error(err); },
          });
        }}>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="url" label={t('settings.webhookUrl')} rules={[{ required: true, type: 'url', message: t('settings.urlInvalid') }]}>
            <Input placeholder="https://" />
          </Form.Item>
          <Form.Item name="events" label={t('settings.webhookEvents')} rules={[{ required: true, message: t('errors.required') }]}>
            <Select mode="multiple" options={EVENTS.map((e) => ({ value: e, label: t(`events.${e}`) }))} />
          </Form.Item>
          <Form.Item name="form_id" label={t('settings.webhookForm')}>
            <Input className="fl-mono" />
          </Form.Item>
          <Form.Item label={t('settings.webhookSecret')} extra={t('settings.webhookSecretHelp')}>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name="secret" noStyle rules={[{ required: true, message: t('errors.required') }]}>
                <Input className="fl-mono" />
              </Form.Item>
              <Button onClick={() => form.setFieldValue('secret', randomSecret())}>{t('settings.generateSecret')}</Button>
            </Space.Compact>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
