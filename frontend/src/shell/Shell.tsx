// Signed-in frame: header with navigation, language switch, notifications and user menu.
import { AppstoreOutlined, CheckSquareOutlined, LogoutOutlined, MenuOutlined, SettingOutlined, ShopOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown, Menu, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { useLogout, useMe } from '../auth/session';
import { NotificationBell } from '../notifications/NotificationBell';
import { LanguageSwitch } from './LanguageSwitch';

function useSection(): string {
  const { pathname } = useLocation();
  if (pathname.startsWith('/templates')) return 'templates';
  if (pathname.startsWith('/settings')) return 'settings';
  if (pathname.startsWith('/inbox')) return 'inbox';
  return 'apps';
}

export function Shell() {
  const { t } = useTranslation();
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const section = useSection();
  const qc = useQueryClient();

  if (me.isPending) return <Spin fullscreen />;
  if (!me.data) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;

  const nav = [
    { key: 'apps', icon: <AppstoreOutlined />, label: <Link to="/">{t('shell.apps')}</Link> },
    { key: 'inbox', icon: <CheckSquareOutlined />, label: <Link to="/inbox" data-testid="nav-inbox">{t('inbox:nav')}</Link> },
    { key: 'templates', icon: <ShopOutlined />, label: <Link to="/templates">{t('shell.templates')}</Link> },
    { key: 'settings', icon: <SettingOutlined />, label: <Link to="/settings/members">{t('shell.settings')}</Link> },
  ];
  const others = (me.data.workspaces ?? []).filter((w) => w.id !== me.data!.workspace?.id);
  const userMenu = {
    items: [
      { key: 'ws', label: me.data.workspace?.name ?? t('shell.workspace'), disabled: true },
      ...(others.length ? [{
        key: 'switch', label: t('shell.switchWorkspace'),
        children: others.map((w) => ({ key: `ws:${w.id}`, label: w.name })),
      }] : []),
      { type: 'divider' as const },
      { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout') },
    ],
    onClick: ({ key }: { key: string }) => {
      if (key === 'logout') logout.mutate(undefined, { onSettled: () => navigate('/login') });
      if (key.startsWith('ws:')) {
        void api.post('/auth/switch', { workspace_id: key.slice(3) }).then(() => {
          qc.clear();
          navigate('/');
        });
      }
    },
  };

  return (
    <div style={{ minHeight: '100%' }}>
      <header className="fl-header">
        <Link to="/" className="fl-logo"><img src="/favicon.svg" alt="" /><span className="fl-only-desktop">{t('common.appName')}</span></Link>
        <Menu className="fl-header-nav fl-only-desktop" mode="horizontal" selectedKeys={[section]} items={nav} />
        <div className="fl-header-right">
          <Dropdown menu={{ items: nav }} trigger={['click']}>
            <Button className="fl-only-mobile" type="text" icon={<MenuOutlined />} aria-label={t('shell.menu')} />
          </Dropdown>
          <LanguageSwitch />
          <NotificationBell />
          <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
            <Button type="text" icon={<UserOutlined />} aria-label={t('shell.userMenu')} data-testid="user-menu">
              <span className="fl-only-desktop">{me.data.user.name || me.data.user.email}</span>
            </Button>
          </Dropdown>
        </div>
      </header>
      <Outlet />
    </div>
  );
}
