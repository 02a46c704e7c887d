// The flows of an app: open, create, enable/disable, delete.
import { Button, Card, Empty, List, Popconfirm, Space, Switch, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { labelText } from '../common/label';
import { useNotify } from '../common/useNotify';
import { useDeleteFlow, useFlows, useToggleFlow } from './api';

export default function FlowListPage() {
  const { appId } = useParams();
  const { t, i18n } = useTranslation('flows');
  const notify = useNotify();
  const navigate = useNavigate();
  const flows = useFlows(appId);
  const toggle = useToggleFlow();
  const remove = useDeleteFlow();
  return (
    <div className="fl-page">
      <div className="fl-page-title">
        <h1>{t('title')}</h1>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/apps/${appId}/flows/new`)} data-testid="new-flow">{t('newFlow')}</Button>
      </div>
      <Card>
        {(flows.data ?? []).length === 0 && !flows.isPending ? <Empty description={t('empty')} /> : (
          <List loading={flows.isPending} dataSource={flows.data ?? []} renderItem={(flow) => (
            <List.Item data-testid="flow-item" actions={[
              <Switch key="on" size="small" checked={flow.enabled} onChange={(v) => toggle.mutate({ id: flow.id, enable: v }, { onError: notify.error })} />,
              <Popconfirm key="del" title={t('deleteConfirm')} onConfirm={() => remove.mutate(flow.id, { onError: notify.error })}>
                <Button size="small" type="link" danger>{t('remove')}</Button>
              </Popconfirm>,
            ]}>
              <List.Item.Meta
                title={<Link to={`/apps/${appId}/flows/${flow.id}`}>{labelText(flow.name ?? flow.graph?.name, i18n.language, flow.key)}</Link>}
                description={<Space><span className="fl-mono">{flow.key}</span><Tag>v{flow.version}</Tag>
                  <Tag color={flow.enabled ? 'green' : undefined}>{t(flow.enabled ? 'enabled' : 'disabled')}</Tag></Space>} />
            </List.Item>
          )} />
        )}
      </Card>
    </div>
  );
}
