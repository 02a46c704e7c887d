// Home: the workspace's apps as cards; create, rename, delete.
import { useState } from 'react';
import { DeleteOutlined, EditOutlined, MoreOutlined, PlusOutlined, ShopOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Dropdown, Empty, Skeleton, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { AppInfo } from '../api/types';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { AppDialog } from './AppDialog';
import { AppIcon } from './AppIcon';
import { useApps, useDeleteApp } from './queries';

export function AppListPage() {
  const { t, i18n } = useTranslation();
  const apps = useApps();
  const del = useDeleteApp();
  const notify = useNotify();
  const { modal } = AntApp.useApp();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<{ open: boolean; app?: AppInfo | null }>({ open: false });

  const confirmDelete = (app: AppInfo) =>
    modal.confirm({
      title: t('apps.deleteConfirm', { name: labelText(app.name, i18n.language) }),
      content: t('common.cannotUndo'),
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => del.mutateAsync(app.id).then(() => notify.success(t('common.deleted')), notify.error),
    });

  return (
    <div className="fl-page">
      <div className="fl-page-title">
        <h1>{t('apps.title')}</h1>
        <Space wrap>
          <Link to="/templates"><Button icon={<ShopOutlined />}>{t('apps.fromTemplate')}</Button></Link>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ open: true })} data-testid="create-app">
            {t('apps.create')}
          </Button>
        </Space>
      </div>
      {apps.isPending ? (
        <Skeleton active />
      ) : (apps.data ?? []).length === 0 ? (
        <Empty description={t('apps.empty')} />
      ) : (
        <div className="fl-app-grid">
          {apps.data!.map((app) => (
            <Card key={app.id} hoverable onClick={() => navigate(`/apps/${app.id}`)} data-testid="app-card">
              <Card.Meta
                avatar={<AppIcon icon={app.icon} />}
                title={labelText(app.name, i18n.language, app.key)}
                description={<span className="fl-mono">{app.key}</span>}
              />
              <div style={{ position: 'absolute', top: 8, right: 8 }} onClick={(e) => e.stopPropagation()}>
                <Dropdown trigger={['click']} menu={{
                  items: [
                    { key: 'rename', icon: <EditOutlined />, label: t('common.rename') },
                    { key: 'delete', icon: <DeleteOutlined />, label: t('common.delete'), danger: true },
                  ],
                  onClick: ({ key }) => (key === 'rename' ? setDialog({ open: true, app }) : confirmDelete(app)),
                }}>
                  <Button type="text" size="small" icon={<MoreOutlined />} aria-label={t('common.more')} />
                </Dropdown>
              </div>
            </Card>
          ))}
        </div>
      )}
      <AppDialog open={dialog.open} app={dialog.app} onClose={(saved) => {
        const creating = !dialog.app;
        setDialog({ open: false });
        if (saved && creating) navigate(`/apps/${saved.id}`);
      }} />
    </div>
  );
}
