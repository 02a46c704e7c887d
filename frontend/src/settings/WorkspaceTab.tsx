// Workspace facts from /me: name and time zone.
import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth/session';

export function WorkspaceTab() {
  const { t } = useTranslation();
  const me = useMe();
  const ws = me.data?.workspace;
  return (
    <Descriptions bordered column={1} size="small" style={{ maxWidth: 560 }}>
      <Descriptions.Item label={t('settings.workspaceName')}>{ws?.name ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('settings.timeZone')}>{ws?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone}</Descriptions.Item>
    </Descriptions>
  );
}
