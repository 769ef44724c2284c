// The status page for anyone, logged in or not: what a party looks at when the platform does not
// answer it as it should. Linked from the login page.
import { Button, Flex, Layout, Typography } from 'antd';
import { LoginOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { Logo } from '../../components/Logo';
import { navigate } from '../../router';
import { StatusBoard } from './StatusBoard';

export default function PublicStatusPage() {
  const { t } = useTranslation();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Flex align="center" gap={12} style={{ padding: '12px 24px' }}>
        <a href="/" onClick={(e) => { e.preventDefault(); navigate('/'); }} style={{ display: 'flex', alignItems: 'center', gap: 10, color: 'inherit' }}>
          <Logo />
          <Typography.Text strong style={{ fontSize: 18 }}>{t('app.name')}</Typography.Text>
        </a>
        <Flex align="center" gap={12} style={{ marginLeft: 'auto' }}>
          <LanguageSwitch />
          <Button icon={<LoginOutlined />} onClick={() => navigate('/')}>{t('status.logIn')}</Button>
        </Flex>
      </Flex>
      <Layout.Content style={{ padding: '0 24px 48px', maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <StatusBoard admin={false} />
      </Layout.Content>
    </Layout>
  );
}
