// Log in with email and password; on success go where the user was heading.
import { Alert, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { errorMessage } from '../common/errors';
import { AuthLayout } from './AuthLayout';
import { useLogin } from './session';

export function LoginPage() {
  const { t } = useTranslation();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  const onFinish = (values: { email: string; password: string }) =>
    login.mutate(values, { onSuccess: () => navigate(from, { replace: true }) });

  const err = login.error;
  const errText = err
    ? err instanceof ApiError && err.status === 401
      ? t('auth.badCredentials')
      : errorMessage(err, t)
    : null;

  return (
    <AuthLayout title={t('auth.loginTitle')}>
      {errText && <Alert type="error" title={errText} showIcon style={{ marginBottom: 16 }} />}
      <Form layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item name="email" label={t('auth.email')}
          rules={[{ required: true, type: 'email', message: t('auth.emailInvalid') }]}>
          <Input autoComplete="email" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')}
          rules={[{ required: true, message: t('errors.required') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={login.isPending}>
          {t('auth.login')}
        </Button>
      </Form>
      <p style={{ marginTop: 16, marginBottom: 0 }}>
        {t('auth.noAccount')} <Link to="/signup">{t('auth.signup')}</Link>
      </p>
    </AuthLayout>
  );
}
