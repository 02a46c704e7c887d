// Inside an app: a side navigation with its forms, flows and dashboards.
import { ApartmentOutlined, DashboardOutlined, FormOutlined, HomeOutlined, PlusOutlined } from '@ant-design/icons';
import { Layout, Menu, Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { labelText } from '../common/label';
import { AppIcon } from './AppIcon';
import { useApp, useForms } from './queries';

export function AppLayout() {
  const { appId } = useParams();
  const { t, i18n } = useTranslation();
  const app = useApp(appId);
  const forms = useForms(appId);
  const { pathname } = useLocation();

  if (app.isPending) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (app.error) {
    const status = app.error instanceof ApiError && app.error.status === 404 ? '404' : 'error';
    return <Result status={status} title={t(status === '404' ? 'errors.notFound' : 'errors.generic')}
      extra={<Link to="/">{t('common.backHome')}</Link>} />;
  }

  const base = `/apps/${appId}`;
  const selected = pathname.match(/\/forms\/([^/]+)/)?.[1] ?? (pathname.endsWith('/flows') ? 'flows' : pathname.endsWith('/dashboards') ? 'dashboards' : 'home');
  const items = [
    { key: 'home', icon: <HomeOutlined />, label: <Link to={base}>{labelText(app.data.name, i18n.language, app.data.key)}</Link> },
    {
      key: 'forms', type: 'group' as const, label: t('apps.forms'),
      children: [
        ...(forms.data ?? []).map((f) => ({
          key: f.id, icon: <FormOutlined />,
          label: <Link to={`${base}/forms/${f.id}/data`}>{labelText(f.definition?.name ?? f.name, i18n.language, f.key)}</Link>,
        })),
        { key: 'new', icon: <PlusOutlined />, label: <Link to={`${base}/forms/new/design`}>{t('forms.create')}</Link> },
      ],
    },
    { key: 'flows', icon: <ApartmentOutlined />, label: <Link to={`${base}/flows`}>{t('apps.flows')}</Link> },
    { key: 'dashboards', icon: <DashboardOutlined />, label: <Link to={`${base}/dashboards`}>{t('apps.dashboards')}</Link> },
  ];

  return (
    <Layout style={{ minHeight: 'calc(100vh - 56px)' }}>
      <Layout.Sider theme="light" width={220} breakpoint="md" collapsedWidth={0}
        style={{ borderRight: '1px solid #e8eaee' }}>
        <div style={{ padding: '12px 16px', display: 'flex', gap: 8, alignItems: 'center' }}>
          <AppIcon icon={app.data.icon} />
        </div>
        <Menu mode="inline" selectedKeys={[selected]} items={items} style={{ borderInlineEnd: 'none' }} />
      </Layout.Sider>
      <Layout.Content style={{ minWidth: 0 }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
