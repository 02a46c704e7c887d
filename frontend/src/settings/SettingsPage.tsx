// Workspace settings: tabs for members, departments, API tokens, webhooks, workspace.
import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { DepartmentsTab } from './DepartmentsTab';
import { MembersTab } from './MembersTab';
import { TokensTab } from './TokensTab';
import { WebhooksTab } from './WebhooksTab';
import { WorkspaceTab } from './WorkspaceTab';

const TABS = ['members', 'departments', 'tokens', 'webhooks', 'workspace'] as const;

export function SettingsPage() {
  const { t } = useTranslation();
  const { tab = 'members' } = useParams();
  const navigate = useNavigate();
  const panes = { members: <MembersTab />, departments: <DepartmentsTab />, tokens: <TokensTab />, webhooks: <WebhooksTab />, workspace: <WorkspaceTab /> };
  return (
    <div className="fl-page">
      <div className="fl-page-title"><h1>{t('settings.title')}</h1></div>
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(`/settings/${key}`)}
        destroyOnHidden
        items={TABS.map((key) => ({ key, label: t(`settings.${key}`), children: panes[key] }))}
      />
    </div>
  );
}
