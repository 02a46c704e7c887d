// An app's home: its forms with quick links to data, design and a new record.
import { DeleteOutlined, EditOutlined, PlusOutlined, TableOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Empty, List, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { FormInfo } from '../api/types';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { useApp, useDeleteForm, useForms } from './queries';

export function AppHomePage() {
  const { appId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const app = useApp(appId);
  const forms = useForms(appId);
  const del = useDeleteForm(appId);
  const notify = useNotify();
  const { modal } = AntApp.useApp();
  const base = `/apps/${appId}`;
  const formName = (f: FormInfo) => labelText(f.definition?.name ?? f.name, i18n.language, f.key);

  const confirmDelete = (f: FormInfo) =>
    modal.confirm({
      title: t('forms.deleteConfirm', { name: formName(f) }),
      content: t('common.cannotUndo'),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => del.mutateAsync(f.id).then(() => notify.success(t('common.deleted')), notify.error),
    });

  return (
    <div className="fl-page">
      <div className="fl-page-title">
        <h1>{labelText(app.data?.name, i18n.language, app.data?.key)}</h1>
        <Link to={`${base}/forms/new/design`}>
          <Button type="primary" icon={<PlusOutlined />} data-testid="create-form">{t('forms.create')}</Button>
        </Link>
      </div>
      <Card title={t('forms.title')}>
        {(forms.data ?? []).length === 0 && !forms.isPending ? (
          <Empty description={t('forms.empty')} />
        ) : (
          <List
            loading={forms.isPending}
            dataSource={forms.data ?? []}
            renderItem={(f) => (
              <List.Item
                actions={[
                  <Link key="data" to={`${base}/forms/${f.id}/data`}><Button size="small" icon={<TableOutlined />}>{t('forms.data')}</Button></Link>,
                  <Link key="new" to={`${base}/forms/${f.id}/records/new`}><Button size="small" icon={<PlusOutlined />}>{t('forms.newRecord')}</Button></Link>,
                  <Link key="design" to={`${base}/forms/${f.id}/design`}><Button size="small" icon={<EditOutlined />}>{t('forms.design')}</Button></Link>,
                  <Button key="del" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => confirmDelete(f)} />,
                ]}
              >
                <List.Item.Meta
                  title={<Link to={`${base}/forms/${f.id}/data`}>{formName(f)}</Link>}
                  description={<Space><span className="fl-mono">{f.key}</span><Tag>{t('forms.version', { version: f.version })}</Tag></Space>}
                />
              </List.Item>
            )}
          />
        )}
      </Card>
    </div>
  );
}
