// Centered card with the logo and a language switch, for login and signup.
import type { ReactNode } from 'react';
import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../shell/LanguageSwitch';

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="fl-auth">
      <Card className="fl-auth-card" extra={<LanguageSwitch />} title={
        <span className="fl-logo"><img src="/favicon.svg" alt="" />{t('common.appName')}</span>
      }>
        <Typography.Title level={4} style={{ marginTop: 0 }}>{title}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('auth.tagline')}</Typography.Paragraph>
        {children}
      </Card>
    </div>
  );
}
