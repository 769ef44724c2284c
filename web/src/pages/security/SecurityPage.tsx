// "Security": the logged-in user's sessions (end one, or all others) and the party's API keys
// (create, rotate, revoke). A new key is shown once, in a dialog, and never again.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Flex, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { KeyOutlined, LogoutOutlined, PlusOutlined, ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type ApiKeyInfo, type NewApiKey, type UserSession } from '../../api';
import { errorMessage } from '../../components/errors';

/** Lifetimes offered for a new key, in days; 0 = no expiry. */
const KEY_LIFETIMES = [0, 30, 90, 365];
/** How long a rotated key keeps working (the API's default is 24 hours). */
const ROTATION_GRACE_HOURS = 24;

function useLoad<T>(load: () => Promise<T>) {
  const [state, setState] = useState<{ loading: boolean; data?: T; error?: unknown }>({ loading: true });
  const reload = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    load().then((data) => setState({ loading: false, data }), (error: unknown) => setState((s) => ({ loading: false, data: s.data, error })));
  }, [load]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

export default function SecurityPage() {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t('security.title')}</Typography.Title>
      <Sessions />
      <ApiKeys />
    </Flex>
  );
}

function Sessions() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const sessions = useLoad(api.sessions);
  const time = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  const act = (action: () => Promise<unknown>, done: string) => action().then(
    () => { message.success(done); sessions.reload(); },
    (e: unknown) => message.error(errorMessage(t, e).title),
  );

  const columns: TableColumnsType<UserSession> = [
    { title: t('security.sessions.device'), key: 'device', render: (_, s) => (
        <Space>
          <Typography.Text ellipsis={{ tooltip: s.userAgent }} style={{ maxWidth: 420 }}>{s.userAgent ?? t('security.unknown')}</Typography.Text>
          {s.current && <Tag color="green">{t('security.sessions.current')}</Tag>}
        </Space>
      ),
    },
    { title: t('security.sessions.address'), dataIndex: 'address', render: (a: string | null) => a ?? '—' },
    { title: t('security.sessions.created'), dataIndex: 'createdAt', render: time },
    { title: t('security.sessions.expires'), dataIndex: 'expiresAt', render: time },
    {
      key: 'end', align: 'right', render: (_, s) => !s.current && (
        <Popconfirm title={t('security.sessions.endConfirm')} onConfirm={() => act(() => api.endSession(s.id), t('security.sessions.ended'))}>
          <Button size="small" danger icon={<LogoutOutlined />}>{t('security.sessions.end')}</Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Card
      title={t('security.sessions.title')}
      extra={(
        <Space>
          <Button icon={<ReloadOutlined />} onClick={sessions.reload} aria-label={t('security.reload')} />
          <Popconfirm title={t('security.sessions.endOthersConfirm')} onConfirm={() => act(api.endOtherSessions, t('security.sessions.ended'))}>
            <Button danger>{t('security.sessions.endOthers')}</Button>
          </Popconfirm>
        </Space>
      )}
    >
      {sessions.error !== undefined && <Alert type="error" showIcon message={errorMessage(t, sessions.error).title} style={{ marginBottom: 12 }} />}
      <Table rowKey="id" size="small" columns={columns} dataSource={sessions.data} loading={sessions.loading} pagination={false} />
    </Card>
  );
}

function ApiKeys() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const keys = useLoad(api.apiKeys);
  const [shown, setShown] = useState<NewApiKey>();
  const [creating, setCreating] = useState(false);
  const [label, setLabel] = useState('');
  const [lifetime, setLifetime] = useState(0);
  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language) : '—');
  const fail = (e: unknown) => message.error(errorMessage(t, e).title);

  const create = () => {
    const expiresAt = lifetime ? new Date(Date.now() + lifetime * 86_400_000).toISOString() : undefined;
    api.createApiKey({ ...(label.trim() ? { label: label.trim() } : {}), ...(expiresAt ? { expiresAt } : {}) }).then((k) => {
      setCreating(false);
      setLabel('');
      setShown(k);
      keys.reload();
    }, fail);
  };
  const rotate = (id: string) => api.rotateApiKey(id, ROTATION_GRACE_HOURS).then((k) => { setShown(k); keys.reload(); }, fail);
  const revoke = (id: string) => api.revokeApiKey(id).then(() => { message.success(t('security.keys.revoked')); keys.reload(); }, fail);

  const status = (k: ApiKeyInfo) => {
    if (k.revokedAt) return <Tag>{t('security.keys.statusRevoked')}</Tag>;
    if (!k.active) return <Tag>{t('security.keys.statusExpired')}</Tag>;
    return <Tag color="green">{t('security.keys.statusActive')}</Tag>;
  };
  const columns: TableColumnsType<ApiKeyInfo> = [
    { title: t('security.keys.label'), dataIndex: 'label', render: (l: string | null) => l ?? '—' },
    { title: t('security.keys.status'), key: 'status', render: (_, k) => status(k) },
    { title: t('security.keys.created'), dataIndex: 'createdAt', render: time },
    { title: t('security.keys.expires'), dataIndex: 'expiresAt', render: (e: string | null) => (e ? time(e) : t('security.keys.never')) },
    {
      key: 'actions', align: 'right', render: (_, k) => k.active && (
        <Space>
          <Popconfirm title={t('security.keys.rotateConfirm', { hours: ROTATION_GRACE_HOURS })} onConfirm={() => rotate(k.id)}>
            <Button size="small" icon={<SyncOutlined />}>{t('security.keys.rotate')}</Button>
          </Popconfirm>
          <Popconfirm title={t('security.keys.revokeConfirm')} onConfirm={() => revoke(k.id)}>
            <Button size="small" danger>{t('security.keys.revoke')}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('security.keys.title')}
      extra={(
        <Space>
          <Button icon={<ReloadOutlined />} onClick={keys.reload} aria-label={t('security.reload')} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('security.keys.create')}</Button>
        </Space>
      )}
    >
      {keys.error !== undefined && <Alert type="error" showIcon message={errorMessage(t, keys.error).title} style={{ marginBottom: 12 }} />}
      <Table rowKey="id" size="small" columns={columns} dataSource={keys.data} loading={keys.loading} pagination={false} />

      <Modal open={creating} title={t('security.keys.create')} okText={t('security.keys.create')} cancelText={t('security.cancel')} onOk={create} onCancel={() => setCreating(false)}>
        <Flex vertical gap={12}>
          <Input placeholder={t('security.keys.label')} maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} />
          <Select
            value={lifetime}
            onChange={setLifetime}
            options={KEY_LIFETIMES.map((days) => ({ value: days, label: days ? t('security.keys.lifetimeDays', { days }) : t('security.keys.never') }))}
          />
        </Flex>
      </Modal>

      <Modal open={shown !== undefined} title={t('security.keys.newTitle')} onOk={() => setShown(undefined)} onCancel={() => setShown(undefined)} cancelButtonProps={{ style: { display: 'none' } }}>
        {shown && (
          <Flex vertical gap={12}>
            <Alert type="warning" showIcon message={t('security.keys.shownOnce')} />
            <Typography.Paragraph copyable={{ text: shown.key }} code style={{ wordBreak: 'break-all' }} data-testid="new-api-key">
              <KeyOutlined /> {shown.key}
            </Typography.Paragraph>
            {shown.replaces && <Typography.Text type="secondary">{t('security.keys.graceUntil', { time: time(shown.replaces.expiresAt) })}</Typography.Text>}
          </Flex>
        )}
      </Modal>
    </Card>
  );
}
