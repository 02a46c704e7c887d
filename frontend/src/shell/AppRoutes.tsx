// URL map of the SPA; heavy pages load lazily in their own chunks.
import { lazy, Suspense, type ReactNode } from 'react';
import { Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, createRoutesFromElements, Link, Route } from 'react-router';
import { AppHomePage } from '../apps/AppHomePage';
import { AppLayout } from '../apps/AppLayout';
import { AppListPage } from '../apps/AppListPage';
import { LoginPage } from '../auth/LoginPage';
import { SignupPage } from '../auth/SignupPage';
import { SettingsPage } from '../settings/SettingsPage';
import { RouteError } from './RouteError';
import { Shell } from './Shell';

const FormDesignerPage = lazy(() => import('../designer/form/FormDesignerPage'));
const DataViewPage = lazy(() => import('../records/view/DataViewPage'));
const RecordEntryPage = lazy(() => import('../records/entry/RecordEntryPage'));
const TemplatesPage = lazy(() => import('../templates/TemplatesPage'));
const InboxPage = lazy(() => import('../inbox/InboxPage'));
const FlowListPage = lazy(() => import('../flows/FlowListPage'));
const FlowDesignerPage = lazy(() => import('../flows/FlowDesignerPage'));
const DashboardListPage = lazy(() => import('../dashboards/DashboardListPage'));
const DashboardPage = lazy(() => import('../dashboards/DashboardPage'));

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>{children}</Suspense>;
}

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title={t('common.notFound')} extra={<Link to="/">{t('common.backHome')}</Link>} />;
}

/** Data router (needed for useBlocker, the unsaved-change guard). */
export function makeRouter() {
  return createBrowserRouter(createRoutesFromElements(
    <Route errorElement={<RouteError />}>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/signup" element={<SignupPage />} />
      <Route element={<Shell />}>
        <Route index element={<AppListPage />} />
        <Route path="templates" element={<Lazy><TemplatesPage /></Lazy>} />
        <Route path="inbox" element={<Lazy><InboxPage /></Lazy>} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="settings/:tab" element={<SettingsPage />} />
        <Route path="apps/:appId" element={<AppLayout />}>
          <Route index element={<AppHomePage />} />
          <Route path="flows" element={<Lazy><FlowListPage /></Lazy>} />
          <Route path="flows/:flowId" element={<Lazy><FlowDesignerPage /></Lazy>} />
          <Route path="dashboards" element={<Lazy><DashboardListPage /></Lazy>} />
          <Route path="dashboards/:dashboardId" element={<Lazy><DashboardPage /></Lazy>} />
          <Route path="forms/:formId/design" element={<Lazy><FormDesignerPage /></Lazy>} />
          <Route path="forms/:formId/data" element={<Lazy><DataViewPage /></Lazy>} />
          <Route path="forms/:formId/records/new" element={<Lazy><RecordEntryPage /></Lazy>} />
          <Route path="forms/:formId/records/:recordId" element={<Lazy><RecordEntryPage /></Lazy>} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Route>
    </Route>,
  ));
}
