// Members: list, invite by email with a role, change role, remove.
import { useState } from 'react';
import { UserAddOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Form, Input, Modal, Select, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { itemsOf, ROLES, type Member, type Page, type Role } from '../api/types';
import { applyFieldErrors } from '../common/errors';
import { useNotify } from '../common/useNotify';

const key = ['members'] as const;

export function useMembers() {
  return useQuery({
    queryKey: key,
    queryFn: async () => itemsOf(await api.get<Page<Member> | Member[]>('/members', { limit: 1000 })),
  });
}

export function MembersTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const members = useMembers();
  const notify = useNotify();
  const { modal } = AntApp.useApp();
  const [inviting, setInviting] = useState(false);
  const [form] = Form.useForm<{ email: string; role: Role }>();
  const refresh = () => qc.invalidateQueries({ queryKey: key });

  const invite = useMutation({ mutationFn: (v: { email: string; role: Role }) => api.post('/members', v), onSuccess: refresh });
  const update = useMutation({ mutationFn: ({ id, role }: { id: string; role: Role }) => api.patch(`/members/${id}`, { role }), onSuccess: refresh });
  const remove = useMutation({ mutationFn: (id: string) => api.delete(`/members/${id}`), onSuccess: refresh });

  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }));

  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<UserAddOutlined />} onClick={() => { form.resetFields(); setInviting(true); }}>
          {t('settings.invite')}
        </Button>
      </div>
      <Table<Member>
        rowKey="id"
        loading={members.isPending}
        dataSource={members.data ?? []}
        pagination={false}
        scroll={{ x: 560 }}
        columns={[
          { title: t('common.name'), dataIndex: 'name', render: (v, m) => v || m.email },
          { title: t('auth.email'), dataIndex: 'email' },
          {
            title: t('settings.role'), dataIndex: 'role', width: 160,
            render: (role: Role, m) => (
              <Select size="small" value={role} options={roleOptions} style={{ width: 130 }} disabled={role === 'owner'}
                onChange={(r) => update.mutate({ id: m.id, role: r }, { onSuccess: () => notify.success(t('common.saved')), onError: notify.error })} />
            ),
          },
          {
            title: t('common.actions'), width: 100,
            render: (_, m) => m.role !== 'owner' && (
              <Button size="small" danger onClick={() => modal.confirm({
                title: t('settings.removeMemberConfirm', { email: m.email }),
                okText: t('common.remove'), okButtonProps: { danger: true }, cancelText: t('common.cancel'),
                onOk: () => remove.mutateAsync(m.id).catch(notify.error),
              })}>{t('common.remove')}</Button>
            ),
          },
        ]}
      />
      <Modal open={inviting} title={t('settings.inviteTitle')} okText={t('settings.invite')} cancelText={t('common.cancel')}
        confirmLoading={invite.isPending} onCancel={() => setInviting(false)}
        onOk={async () => {
          const v = await form.validateFields();
          invite.mutate(v, {
            onSuccess: () => { notify.success(t('settings.invited')); setInviting(false); },
            onError: (err) => { if (!applyFieldErrors(form, err, ['email', 'role'])) notify.error(err); },
          });
        }}>
        <Form form={form} layout="vertical" initialValues={{ role: 'member' }} requiredMark={false}>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('auth.emailInvalid') }]}>
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="role" label={t('settings.role')}>
            <Select options={roleOptions.filter((o) => o.value !== 'owner')} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
