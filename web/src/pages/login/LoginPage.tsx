import { useState } from 'react';
import { Alert, Button, Card, Flex, Form, Input, Layout, Typography } from 'antd';
import { InfoCircleOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Session } from '../../api';
import { errorMessage } from '../../components/errors';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { Logo } from '../../components/Logo';
import { navigate } from '../../router';

interface Credentials {
  username: string;
  password: string;
}

/** Username and password → `POST /v1/session`, which sets the HttpOnly session cookie. */
export function LoginPage({ onLogin, notice }: { onLogin: (session: Session) => void; notice?: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async ({ username, password }: Credentials) => {
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await api.login(username.trim(), password));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const message = error === undefined ? undefined
    : error instanceof ApiError && error.status === 401 ? { title: t('login.wrongCredentials') }
    : error instanceof ApiError && error.status === 429 ? { title: t('login.throttled') }
    : error instanceof ApiError && error.status === 503 ? { title: t('login.busy') }
    : errorMessage(t, error);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Flex justify="flex-end" style={{ padding: 16 }}>
        <LanguageSwitch />
      </Flex>
      <Flex vertical align="center" justify="center" style={{ flex: 1, padding: '0 16px 64px' }}>
        <Flex vertical align="center" gap={4} style={{ marginBottom: 24 }}>
          <Logo size={48} />
          <Typography.Title level={2} style={{ margin: '8px 0 0' }}>{t('app.name')}</Typography.Title>
          <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
        </Flex>
        <Card style={{ width: '100%', maxWidth: 380 }} title={t('login.title')}>
          <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
          {notice && !message && <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} />}
          {message && <Alert type="error" showIcon title={message.title} description={message.detail} style={{ marginBottom: 16 }} role="alert" />}
          <Form<Credentials> layout="vertical" requiredMark={false} onFinish={submit} disabled={busy}>
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block size="large" loading={busy}>{t('login.submit')}</Button>
          </Form>
          <Typography.Paragraph type="secondary" style={{ margin: '16px 0 0', fontSize: 12 }} data-testid="demo-hint">
            <InfoCircleOutlined style={{ marginInlineEnd: 6 }} />{t('login.demoHint')}
          </Typography.Paragraph>
        </Card>
        <Typography.Text type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
          {t('login.apiHint')} <a href="/docs" target="_blank" rel="noreferrer">{t('nav.apiDocs')}</a>
          {' · '}
          <a href="/status" data-testid="status-link" onClick={(e) => { e.preventDefault(); navigate('/status'); }}>{t('login.statusLink')}</a>
        </Typography.Text>
      </Flex>
      <Layout.Footer style={{ textAlign: 'center', fontSize: 12 }}>
        <Typography.Text type="secondary">{t('app.footer')}</Typography.Text>
      </Layout.Footer>
    </Layout>
  );
}
