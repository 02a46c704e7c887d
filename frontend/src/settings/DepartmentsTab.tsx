// Departments as a tree; add a department under a parent.
import { useMemo, useState } from 'react';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Empty, Form, Input, Modal, Tree, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { itemsOf, type Department, type Page } from '../api/types';
import { applyFieldErrors } from '../common/errors';
import { useNotify } from '../common/useNotify';

const key = ['departments'] as const;

export function useDepartments() {
  return useQuery({
    queryKey: key,
    queryFn: async () => itemsOf(await api.get<Page<Department> | Department[]>('/departments', { limit: 1000 })),
  });
}

export interface DeptNode { key: string; value: string; title: string; children: DeptNode[] }

export function departmentTree(list: Department[]): DeptNode[] {
  const nodes = new Map<string, DeptNode>();
  for (const d of list) nodes.set(d.id, { key: d.id, value: d.id, title: d.name, children: [] });
  const roots: DeptNode[] = [];
  for (const d of list) {
    const node = nodes.get(d.id)!;
    const parent = d.parent_id ? nodes.get(d.parent_id) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export function DepartmentsTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const depts = useDepartments();
  const notify = useNotify();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ name: string; parent_id?: string }>();
  const tree = useMemo(() => departmentTree(depts.data ?? []), [depts.data]);
  const create = useMutation({
    mutationFn: (v: { name: string; parent_id?: string }) => api.post('/departments', v),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });

  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => { form.resetFields(); setOpen(true); }}>
          {t('settings.addDepartment')}
        </Button>
      </div>
      {tree.length === 0 ? <Empty description={t('settings.noDepartments')} /> : <Tree key={(depts.data ?? []).length} treeData={tree} defaultExpandAll selectable={false} />}
      <Modal open={open} title={t('settings.addDepartment')} okText={t('common.create')} cancelText={t('common.cancel')}
        confirmLoading={create.isPending} onCancel={() => setOpen(false)}
        onOk={async () => {
          const v = await form.validateFields();
          const body = v.parent_id ? v : { name: v.name };
          create.mutate(body, {
            onSuccess: () => { notify.success(t('common.saved')); setOpen(false); },
            onError: (err) => { if (!applyFieldErrors(form, err, ['name', 'parent_id'])) notify.error(err); },
          });
        }}>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item name="name" label={t('settings.departmentName')} rules={[{ required: true, message: t('errors.required') }]}>
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="parent_id" label={t('settings.parentDepartment')}>
            <TreeSelect treeData={tree} allowClear treeDefaultExpandAll />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
