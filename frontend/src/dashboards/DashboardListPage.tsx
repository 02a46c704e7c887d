// The dashboards of an app: open, create, delete.
import { Button, Card, Empty, List, Popconfirm, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { useDashboards, useDeleteDashboard } from './api';

export default function DashboardListPage() {
  const { appId } = useParams();
  const { t, i18n } = useTranslation('dashboards');
  const notify = useNotify();
  const navigate = useNavigate();
  const list = useDashboards(appId);
  const remove = useDeleteDashboard(appId!);
  return (
    <div className="fl-page">
      <div className="fl-page-title">
        <h1>{t('title')}</h1>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/apps/${appId}/dashboards/new`)} data-testid="new-dashboard">{t('newDashboard')}</Button>
      </div>
      <Card>
        {(list.data ?? []).length === 0 && !list.isPending ? <Empty description={t('empty')} /> : (
          <List loading={list.isPending} dataSource={list.data ?? []} renderItem={(d) => (
            <List.Item data-testid="dashboard-item" actions={[
              <Popconfirm key="del" title={t('deleteConfirm')} onConfirm={() => remove.mutate(d.id, { onError: notify.error })}>
                <Button size="small" type="link" danger>{t('remove')}</Button>
              </Popconfirm>,
            ]}>
              <List.Item.Meta title={<Link to={`/apps/${appId}/dashboards/${d.id}`}>{labelText(d.definition?.name, i18n.language, d.key)}</Link>}
                description={<><span className="fl-mono">{d.key}</span> <Tag>{t('widgetCount', { count: d.definition?.widgets?.length ?? 0 })}</Tag></>} />
            </List.Item>
          )} />
        )}
      </Card>
    </div>
  );
}
