// Sign up: creates a user and a workspace (the first user owns it).
import { Alert, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { antdFieldErrors, errorMessage } from '../common/errors';
import { AuthLayout } from './AuthLayout';
import { useSignup, type SignupInput } from './session';

const FIELDS = ['email', 'password', 'name', 'workspace'];

export function SignupPage() {
  const { t, i18n } = useTranslation();
  const signup = useSignup();
  const navigate = useNavigate();
  const [form] = Form.useForm<SignupInput>();

  const onFinish = (values: SignupInput) => {
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
    const language = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
    signup.mutate({ ...values, timezone, language }, {
      onSuccess: () => navigate('/', { replace: true }),
      onError: (err) => form.setFields(antdFieldErrors(err, FIELDS)),
    });
  };
  const fieldErrs = signup.error ? antdFieldErrors(signup.error, FIELDS) : [];

  return (
    <AuthLayout title={t('auth.signupTitle')}>
      {signup.error && fieldErrs.length === 0 && (
        <Alert type="error" title={errorMessage(signup.error, t)} showIcon style={{ marginBottom: 16 }} />
      )}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item name="name" label={t('auth.name')} rules={[{ required: true, message: t('errors.required') }]}>
          <Input autoComplete="name" autoFocus />
        </Form.Item>
        <Form.Item name="email" label={t('auth.email')}
          rules={[{ required: true, type: 'email', message: t('auth.emailInvalid') }]}>
          <Input autoComplete="email" />
        </Form.Item>
        <Form.Item name="password" label={t('auth.password')} extra={t('auth.passwordHint')}
          rules={[{ required: true, min: 8, message: t('auth.passwordHint') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="workspace" label={t('auth.workspace')}
          rules={[{ required: true, message: t('errors.required') }]}>
          <Input autoComplete="organization" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={signup.isPending}>
          {t('auth.signup')}
        </Button>
      </Form>
      <p style={{ marginTop: 16, marginBottom: 0 }}>
        {t('auth.haveAccount')} <Link to="/login">{t('auth.login')}</Link>
      </p>
    </AuthLayout>
  );
}
