// Flows and dashboards of an app (their editors come with the flow and dashboard issues).
import { Card, Empty, List, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../api/client';
import { itemsOf, type Label, type Page } from '../api/types';
import { labelText } from '../common/label';

interface Item { id: string; key: string; name?: Label; version?: number; enabled?: boolean }

export function AppSectionList({ kind }: { kind: 'flows' | 'dashboards' }) {
  const { appId } = useParams();
  const { t, i18n } = useTranslation();
  const list = useQuery({
    queryKey: [kind, appId],
    queryFn: async () => itemsOf(await api.get<Page<Item> | Item[]>(`/apps/${appId}/${kind}`)),
  });
  return (
    <div className="fl-page">
      <div className="fl-page-title"><h1>{t(kind === 'flows' ? 'apps.flows' : 'apps.dashboards')}</h1></div>
      <Card>
        {(list.data ?? []).length === 0 && !list.isPending ? (
          <Empty description={t(kind === 'flows' ? 'forms.flowsEmpty' : 'forms.dashboardsEmpty')} />
        ) : (
          <List loading={list.isPending} dataSource={list.data ?? []} renderItem={(item) => (
            <List.Item extra={item.enabled !== undefined && <Tag color={item.enabled ? 'green' : undefined}>{item.enabled ? '●' : '○'}</Tag>}>
              <List.Item.Meta title={labelText(item.name, i18n.language, item.key)} description={<span className="fl-mono">{item.key}</span>} />
            </List.Item>
          )} />
        )}
      </Card>
    </div>
  );
}
