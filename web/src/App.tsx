import { lazy, Suspense, useCallback, useEffect, useState, type MouseEvent } from 'react';
import { App as AntApp, Button, ConfigProvider, Divider, Flex, Grid, Layout, Menu, Result, Space, Spin, Tag, theme, Tooltip, Typography } from 'antd';
import type { MenuProps } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { LogoutOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, setUnauthenticatedHandler, type Session } from './api';
import { errorMessage } from './components/errors';
import { LanguageSwitch } from './components/LanguageSwitch';
import { Logo } from './components/Logo';
import { LoginPage } from './pages/login/LoginPage';
import { DEFAULT_PATH, LINKS, pageAt, pagesFor } from './pages';
import { navigate, useLocation } from './router';

/** Ant Design follows the i18next language (zh_CN / en_US). */
export function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#0b5cad', borderRadius: 6 } }}>
      <AntApp>
        <App />
      </AntApp>
    </ConfigProvider>
  );
}

function useDocumentTitle(title?: string) {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.documentTitle');
  }, [title, t, i18n.language]);
}

// The status page is public: without a session it has a page of its own, not the login page.
const PublicStatusPage = lazy(() => import('./pages/status/PublicStatusPage'));
const STATUS_PATH = '/status';

/** Logged in (`GET /v1/session` → 200) → the shell; otherwise the login page (or the public status page). */
function App() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null>();
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    api.session().then(setSession, (e: unknown) => {
      setSession(null);
      if (!(e instanceof ApiError && e.status === 401)) setNotice(errorMessage(t, e).title);
    });
    // Only once, at start; `t` changing with the language must not ask again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setSession(null);
      setNotice(t('header.sessionExpired'));
    });
    return () => setUnauthenticatedHandler(undefined);
  }, [t]);

  const onLogin = useCallback((s: Session) => {
    setNotice(undefined);
    setSession(s);
    if (!pageAt(pagesFor(s.party.roles), window.location.pathname)) navigate(DEFAULT_PATH, { replace: true });
  }, []);

  const onLogout = useCallback(async () => {
    await api.logout().catch(() => undefined);
    setSession(null);
    setNotice(t('header.loggedOut'));
  }, [t]);

  if (session === undefined) return <Spin fullscreen tip={t('app.loading')} />;
  if (session === null && path === STATUS_PATH) return <PublicStatus />;
  if (session === null) return <LoggedOut onLogin={onLogin} notice={notice} />;
  return <Shell session={session} onLogout={onLogout} />;
}

function LoggedOut(props: { onLogin: (s: Session) => void; notice?: string }) {
  const { t } = useTranslation();
  useDocumentTitle(t('login.title'));
  return <LoginPage {...props} />;
}

function PublicStatus() {
  const { t } = useTranslation();
  useDocumentTitle(t('status.title'));
  return <Suspense fallback={<Spin fullscreen />}><PublicStatusPage /></Suspense>;
}

/** Header (product, party, language, logout), side navigation from the page list, the page. */
function Shell({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const screens = Grid.useBreakpoint();
  const { path } = useLocation();
  const pages = pagesFor(session.party.roles);
  const page = pageAt(pages, path);
  useDocumentTitle(page ? t(page.titleKey) : undefined);

  useEffect(() => {
    if (path === '/' || path === '/login' || path === '/index.html') navigate(DEFAULT_PATH, { replace: true });
  }, [path]);

  const follow = (to: string) => (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };

  const menuItems: MenuProps['items'] = [
    {
      type: 'group',
      key: 'modules',
      label: t('nav.modules'),
      children: pages.map((p) => ({ key: p.key, icon: p.icon, label: <a href={p.path} onClick={follow(p.path)}>{t(p.titleKey)}</a> })),
    },
    { type: 'divider' },
    ...LINKS.map((l) => ({ key: l.key, icon: l.icon, label: <a href={l.href} target="_blank" rel="noreferrer">{t(l.titleKey)}</a> })),
  ];

  const Page = page?.component;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex', alignItems: 'center', gap: 16, paddingInline: 24, height: 56, lineHeight: 'normal',
          background: token.colorBgContainer, borderBottom: `1px solid ${token.colorBorderSecondary}`, position: 'sticky', top: 0, zIndex: 10,
        }}
      >
        <a href={DEFAULT_PATH} onClick={follow(DEFAULT_PATH)} style={{ display: 'flex', alignItems: 'center', gap: 10, color: 'inherit' }}>
          <Logo />
          <Typography.Text strong style={{ fontSize: 18, whiteSpace: 'nowrap' }}>{t('app.name')}</Typography.Text>
        </a>
        {screens.lg && <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>{t('app.tagline')}</Typography.Text>}
        <Flex align="center" gap={12} style={{ marginLeft: 'auto', minWidth: 0 }}>
          {screens.sm && <Flex align="center" gap={6} style={{ minWidth: 0 }} data-testid="party">
            <Tooltip title={t('header.party')}><TeamOutlined style={{ color: token.colorTextSecondary }} /></Tooltip>
            <Typography.Text strong title={session.party.name} style={{ maxWidth: 260, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
              {session.party.name}
            </Typography.Text>
            {screens.md && session.party.roles.map((r) => <Tag key={r} color="blue" style={{ marginInlineEnd: 0 }}>{t(`roles.${r}`, { defaultValue: r })}</Tag>)}
          </Flex>}
          {screens.md && session.username && (
            <>
              <Divider orientation="vertical" />
              <Tooltip title={t('header.user')}>
                <Space size={6}><UserOutlined style={{ color: token.colorTextSecondary }} /><Typography.Text>{session.username}</Typography.Text></Space>
              </Tooltip>
            </>
          )}
          {screens.sm && <Divider orientation="vertical" />}
          <LanguageSwitch />
          <Button icon={<LogoutOutlined />} onClick={onLogout} type="text">{screens.sm ? t('header.logout') : null}</Button>
        </Flex>
      </Layout.Header>
      <Layout>
        <Layout.Sider
          width={220}
          breakpoint="lg"
          collapsedWidth={screens.md ? 64 : 0}
          theme="light"
          style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}
        >
          <Menu mode="inline" selectedKeys={page ? [page.key] : []} items={menuItems} style={{ borderInlineEnd: 'none', paddingTop: 8 }} />
        </Layout.Sider>
        <Layout.Content style={{ padding: screens.md ? 24 : 12, minWidth: 0 }}>
          <Suspense fallback={<Flex justify="center" style={{ padding: 48 }}><Spin /></Flex>}>
            {Page ? <Page /> : (
              <Result
                status="404"
                title={t('notFoundPage.title')}
                subTitle={t('notFoundPage.subtitle', { path })}
                extra={<Button type="primary" onClick={() => navigate(DEFAULT_PATH)}>{t('notFoundPage.back')}</Button>}
              />
            )}
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
