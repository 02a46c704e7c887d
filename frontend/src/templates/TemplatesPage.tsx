// Templates gallery: every template with its description and contents; install with optional demo
// data, a progress bar, then open the new app.
import { useState } from 'react';
import { AppstoreAddOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Empty, Modal, Progress, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { itemsOf, type AppInfo, type Page, type TemplateInfo } from '../api/types';
import { AppIcon } from '../apps/AppIcon';
import { appsKey } from '../apps/queries';
import { errorMessage } from '../common/errors';
import { labelText } from '../common/label';
import { useInstall } from './useInstall';

interface TemplateDetail extends TemplateInfo {
  forms?: { key: string; name: unknown }[] | number;
  flows?: unknown[] | number;
  dashboards?: unknown[] | number;
}

const count = (v: unknown[] | number | undefined) => (Array.isArray(v) ? v.length : typeof v === 'number' ? v : null);

export default function TemplatesPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: async () => itemsOf(await api.get<Page<TemplateDetail> | TemplateDetail[]>('/templates')),
  });
  const [chosen, setChosen] = useState<TemplateDetail | null>(null);
  const [demo, setDemo] = useState(true);
  const install = useInstall();

  const start = () => {
    if (!chosen) return;
    install.run(chosen.key, demo, (app: AppInfo) => {
      void qc.invalidateQueries({ queryKey: appsKey });
      setChosen(null);
      navigate(`/apps/${app.id}`);
    });
  };

  return (
    <div className="fl-page">
      <div className="fl-page-title"><h1>{t('templates.title')}</h1></div>
      <Typography.Paragraph type="secondary">{t('templates.intro')}</Typography.Paragraph>
      {templates.isPending ? <Skeleton active /> : templates.error ? (
        <Alert type="error" showIcon title={errorMessage(templates.error, t)} />
      ) : !templates.data?.length ? <Empty description={t('templates.empty')} /> : (
        <div className="fl-app-grid">
          {templates.data.map((tpl) => (
            <Card key={tpl.key} data-testid={`template-${tpl.key}`}
              actions={[<Button key="use" type="link" icon={<AppstoreAddOutlined />} onClick={() => { setChosen(tpl); setDemo(true); install.reset(); }}>{t('templates.use')}</Button>]}>
              <Card.Meta
                avatar={<AppIcon icon={tpl.icon ?? 'apps'} />}
                title={labelText(tpl.name, i18n.language, tpl.key)}
                description={labelText(tpl.description, i18n.language)}
              />
              <div style={{ marginTop: 12 }}>
                <Tag>v{tpl.version}</Tag>
                {count(tpl.forms) !== null && <Tag>{t('templates.forms', { count: count(tpl.forms)! })}</Tag>}
                {count(tpl.flows) !== null && <Tag>{t('templates.flows', { count: count(tpl.flows)! })}</Tag>}
                {count(tpl.dashboards) !== null && <Tag>{t('templates.dashboards', { count: count(tpl.dashboards)! })}</Tag>}
              </div>
            </Card>
          ))}
        </div>
      )}
      <Modal open={!!chosen} title={chosen ? t('templates.installTitle', { name: labelText(chosen.name, i18n.language, chosen.key) }) : ''}
        okText={t('templates.install')} cancelText={t('common.cancel')} onOk={start} onCancel={() => !install.busy && setChosen(null)}
        okButtonProps={{ loading: install.busy, disabled: install.busy, ...({ 'data-testid': 'template-install' } as Record<string, string>) }} maskClosable={!install.busy}
        closable={!install.busy}>
        <Typography.Paragraph>{chosen && labelText(chosen.description, i18n.language)}</Typography.Paragraph>
        <Checkbox checked={demo} disabled={install.busy} onChange={(e) => setDemo(e.target.checked)}>{t('templates.withDemo')}</Checkbox>
        {(install.busy || install.percent > 0) && (
          <div style={{ marginTop: 16 }} data-testid="template-progress">
            <Progress percent={install.percent} status={install.error ? 'exception' : install.busy ? 'active' : 'success'} />
            <Typography.Text type="secondary">{install.stage ? t(`templates.stages.${install.stage}`) : ''}</Typography.Text>
          </div>
        )}
        {install.error !== null && <Alert type="error" showIcon style={{ marginTop: 12 }} title={errorMessage(install.error, t)} />}
      </Modal>
    </div>
  );
}
