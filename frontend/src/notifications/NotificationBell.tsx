// In-app notification bell: unread count, a short list, mark read.
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { itemsOf, type NotificationItem, type Page } from '../api/types';

const key = ['notifications'] as const;

function isUnread(n: NotificationItem) {
  return n.read === false || (n.read === undefined && !n.read_at);
}

export function NotificationBell() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { data } = useQuery({
    queryKey: key,
    queryFn: () => api.get<Page<NotificationItem>>('/notifications', { limit: 20 }),
    refetchInterval: 60_000,
  });
  const items = itemsOf(data);
  const unread = items.filter(isUnread);
  const markRead = useMutation({
    mutationFn: (id: string) => api.post(`/notifications/${id}/read`),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const markAll = useMutation({
    mutationFn: () => api.post('/notifications/read-all'),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });

  const content = (
    <div style={{ width: 320, maxWidth: '80vw' }}>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          style={{ maxHeight: 360, overflow: 'auto' }}
          renderItem={(n) => (
            <List.Item
              style={{ cursor: n.link ? 'pointer' : undefined, opacity: isUnread(n) ? 1 : 0.6 }}
              onClick={() => {
                if (isUnread(n)) markRead.mutate(n.id);
                if (n.link) navigate(n.link);
              }}
            >
              <List.Item.Meta
                title={n.title ?? n.message}
                description={
                  <>
                    {n.body && <div>{n.body}</div>}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {dayjs(n.created_at).format('YYYY-MM-DD HH:mm')}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
      {unread.length > 0 && (
        <Button type="link" size="small" onClick={() => markAll.mutate()} loading={markAll.isPending} style={{ padding: 0 }}>
          {t('notifications.markAllRead')}
        </Button>
      )}
    </div>
  );

  return (
    <Popover content={content} title={t('notifications.title')} trigger="click" placement="bottomRight">
      <Badge count={unread.length} size="small" offset={[-4, 4]}>
        <Button type="text" shape="circle" icon={<BellOutlined />} aria-label={t('shell.notifications')}
          data-testid="notification-bell" />
      </Badge>
    </Popover>
  );
}
