// Personal API tokens: create (the secret is shown once), list, revoke.
import { useState } from 'react';
import { KeyOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Form, Input, Modal, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { itemsOf, type ApiToken, type Page } from '../api/types';
import { useNotify } from '../common/useNotify';

const key = ['tokens'] as const;
const fmt = (v?: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : null);

export function TokensTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const notify = useNotify();
  const { modal } = AntApp.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [created, setCreated] = useState<ApiToken | null>(null);
  const tokens = useQuery({ queryKey: key, queryFn: async () => itemsOf(await api.get<Page<ApiToken> | ApiToken[]>('/tokens')) });
  const create = useMutation({
    mutationFn: (name: string) => api.post<ApiToken>('/tokens', { name }),
    onSuccess: (tok) => { setCreated(tok); form.resetFields(); void qc.invalidateQueries({ queryKey: key }); },
    onError: notify.error,
  });
  const revoke = useMutation({ mutationFn: (id: string) => api.delete(`/tokens/${id}`), onSuccess: () => qc.invalidateQueries({ queryKey: key }) });

  return (
    <>
      <Form form={form} layout="inline" onFinish={(v) => create.mutate(v.name)} style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item name="name" rules={[{ required: true, message: t('errors.required') }]}>
          <Input placeholder={t('settings.tokenName')} aria-label={t('settings.tokenName')} style={{ width: 240 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<KeyOutlined />} loading={create.isPending}>{t('settings.createToken')}</Button>
      </Form>
      <Table<ApiToken>
        rowKey="id" loading={tokens.isPending} dataSource={tokens.data ?? []} pagination={false} scroll={{ x: 480 }}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('common.createdAt'), dataIndex: 'created_at', render: fmt },
          { title: t('settings.lastUsed'), dataIndex: 'last_used_at', render: (v) => fmt(v) ?? t('settings.never') },
          {
            title: t('common.actions'), width: 100,
            render: (_, tok) => (
              <Button size="small" danger onClick={() => modal.confirm({
                title: t('settings.revokeConfirm', { name: tok.name }), okText: t('settings.revoke'),
                okButtonProps: { danger: true }, cancelText: t('common.cancel'),
                onOk: () => revoke.mutateAsync(tok.id).catch(notify.error),
              })}>{t('settings.revoke')}</Button>
            ),
          },
        ]}
      />
      <Modal open={!!created} title={t('settings.tokenCreated')} onCancel={() => setCreated(null)} destroyOnHidden
        footer={<Button type="primary" onClick={() => setCreated(null)}>{t('common.done')}</Button>}>
        <Alert type="warning" showIcon title={t('settings.tokenShowOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: created?.token ?? '' }} className="fl-mono" data-testid="new-token"
          style={{ wordBreak: 'break-all', background: '#f6f8fa', padding: 8, borderRadius: 6 }}>
          {created?.token}
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('settings.tokenUsage')}</Typography.Text>
      </Modal>
    </>
  );
}
