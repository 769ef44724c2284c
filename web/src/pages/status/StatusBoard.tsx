// The status page's content: the overall state, each component with the figures behind its
// state, current and scheduled notices and the last 90 days' history (GET /v1/status, public).
// An admin also gets the forms to post a notice and its updates (NoticeForms.tsx).
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Col, Collapse, Empty, Flex, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type Bilingual, type ComponentHealth, type ComponentState, type StatusNotice, type StatusPage } from '../../api';
import { errorMessage } from '../../components/errors';
import { viewerTime } from '../tracking/model';
import { NewNoticeButton, NoticeUpdateButton } from './NoticeForms';

const { Text, Paragraph, Title } = Typography;
const REFRESH_MS = 30_000;
const STATE_COLOR: Record<ComponentState, string> = { operational: 'success', degraded: 'warning', outage: 'error' };
const SEVERITY_COLOR: Record<string, string> = { minor: 'gold', major: 'orange', critical: 'red' };

/** The text of the reader's language. */
export function useBilingual() {
  const { i18n } = useTranslation();
  return (text: Bilingual) => (i18n.language === 'zh-CN' ? text.zh : text.en);
}

const at = (iso: string) => viewerTime(iso).text;

function Figure({ name, value }: { name: string; value: number | boolean | string | null }) {
  const { t } = useTranslation();
  let shown: string;
  if (value === null) shown = '—';
  else if (typeof value === 'boolean') shown = t(value ? 'status.yes' : 'status.no');
  else if (name.endsWith('Seconds')) shown = t('status.units.seconds', { n: value });
  else if (name.endsWith('Ms')) shown = t('status.units.ms', { n: value });
  else if (name.endsWith('Mb')) shown = t('status.units.mb', { n: value });
  else if (name.endsWith('At') && typeof value === 'string') shown = at(value);
  else shown = String(value);
  return (
    <Flex justify="space-between" gap={12}>
      <Text type="secondary">{t(`status.figures.${name}`, { defaultValue: name })}</Text>
      <Text>{shown}</Text>
    </Flex>
  );
}

function ComponentCard({ health }: { health: ComponentHealth }) {
  const { t } = useTranslation();
  return (
    <Card size="small" data-testid={`component-${health.component}`}
      title={t(`status.components.${health.component}`)}
      extra={<Tag color={STATE_COLOR[health.state]}>{t(`status.state.${health.state}`)}</Tag>}>
      {health.reasons.map((r) => <Alert key={r} type={health.state === 'outage' ? 'error' : 'warning'} showIcon title={t(`status.reasons.${r}`)} style={{ marginBottom: 8 }} />)}
      {Object.entries(health.figures).map(([name, value]) => <Figure key={name} name={name} value={value} />)}
    </Card>
  );
}

function NoticeCard({ notice, admin, onChanged }: { notice: StatusNotice; admin: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const text = useBilingual();
  const closed = notice.resolvedAt !== null;
  const window = [
    `${t(Date.parse(notice.startsAt) <= Date.now() ? 'status.started' : 'status.starts')} ${at(notice.startsAt)}`,
    ...(notice.endsAt ? [`${t('status.ends')} ${at(notice.endsAt)}`] : []),
    ...(notice.resolvedAt ? [`${t(notice.kind === 'incident' ? 'status.resolvedAt' : 'status.completedAt')} ${at(notice.resolvedAt)}`] : []),
  ];
  return (
    <Card size="small" data-testid="status-notice"
      title={<Space wrap><Tag color={notice.kind === 'incident' ? 'volcano' : 'blue'}>{t(`status.kind.${notice.kind}`)}</Tag>{text(notice.title)}</Space>}
      extra={<Space wrap>
        <Tag color={SEVERITY_COLOR[notice.severity]}>{t(`status.severity.${notice.severity}`)}</Tag>
        <Tag>{t(`status.noticeStatus.${notice.status}`)}</Tag>
        {admin && !closed && <NoticeUpdateButton notice={notice} onDone={onChanged} />}
      </Space>}>
      <Paragraph type="secondary" style={{ marginBottom: 8 }}>{window.join(' · ')}</Paragraph>
      {notice.components.length > 0 && (
        <Paragraph style={{ marginBottom: 8 }}>
          <Text type="secondary">{t('status.affects')} </Text>
          {notice.components.map((c) => <Tag key={c}>{t(`status.components.${c}`)}</Tag>)}
        </Paragraph>
      )}
      <Paragraph style={{ whiteSpace: 'pre-wrap' }}>{text(notice.body)}</Paragraph>
      <Timeline items={notice.updates.map((u) => ({
        key: u.id,
        color: u.status === 'resolved' || u.status === 'completed' ? 'green' : 'blue',
        content: (
          <div>
            <Space size={8}><Text strong>{t(`status.noticeStatus.${u.status}`)}</Text><Text type="secondary">{at(u.at)}</Text></Space>
            <div style={{ whiteSpace: 'pre-wrap' }}>{text(u.message)}</div>
          </div>
        ),
      }))} />
    </Card>
  );
}

function Section({ title, children, empty, count }: { title: string; children: ReactNode; empty: string; count: number }) {
  return (
    <section style={{ marginTop: 24 }}>
      <Title level={4}>{title}</Title>
      {count ? <Flex vertical gap={12}>{children}</Flex> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />}
    </section>
  );
}

export function StatusBoard({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const text = useBilingual();
  const [page, setPage] = useState<StatusPage>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(() => {
    setLoading(true);
    api.status().then((p) => { setPage(p); setError(undefined); }, setError).finally(() => setLoading(false));
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  if (!page && !error) return <Flex justify="center" style={{ padding: 48 }}><Spin /></Flex>;
  const failure = error ? errorMessage(t, error) : undefined;
  return (
    <div data-testid="status-board">
      <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
        <Title level={3} style={{ margin: 0 }}>{t('status.title')}</Title>
        <Space wrap>
          {page && <Text type="secondary">{t('status.generatedAt', { time: at(page.generatedAt) })}</Text>}
          <Button icon={<ReloadOutlined />} onClick={load} loading={loading}>{t('status.refresh')}</Button>
          {admin && <NewNoticeButton onDone={load} />}
        </Space>
      </Flex>
      {failure && <Alert type="error" showIcon title={failure.title} description={failure.detail} style={{ marginBottom: 16 }} />}
      {page && (
        <>
          {/* The measurements may look healthy while an operator handles an incident: the banner says so. */}
          {page.overall === 'operational' && page.notices.active.some((n) => n.kind === 'incident')
            ? <Alert type="warning" showIcon title={t('status.overall.incident')} data-testid="status-overall" style={{ marginBottom: 16 }} />
            : <Alert type={STATE_COLOR[page.overall] as 'success' | 'warning' | 'error'} showIcon title={t(`status.overall.${page.overall}`)} data-testid="status-overall" style={{ marginBottom: 16 }} />}
          <Row gutter={[16, 16]}>
            {page.components.map((c) => <Col key={c.component} xs={24} md={12} xl={8}><ComponentCard health={c} /></Col>)}
          </Row>
          <Section title={t('status.active')} empty={t('status.noActive')} count={page.notices.active.length}>
            {page.notices.active.map((n) => <NoticeCard key={n.id} notice={n} admin={admin} onChanged={load} />)}
          </Section>
          <Section title={t('status.upcoming')} empty={t('status.noUpcoming')} count={page.notices.upcoming.length}>
            {page.notices.upcoming.map((n) => <NoticeCard key={n.id} notice={n} admin={admin} onChanged={load} />)}
          </Section>
          <Section title={t('status.history')} empty={t('status.noHistory')} count={page.notices.history.length}>
            <Collapse items={page.notices.history.map((n) => ({
              key: n.id,
              label: <Space wrap><Text type="secondary">{at(n.startsAt)}</Text><Tag>{t(`status.kind.${n.kind}`)}</Tag>{text(n.title)}</Space>,
              children: <NoticeCard notice={n} admin={false} onChanged={load} />,
            }))} />
          </Section>
        </>
      )}
    </div>
  );
}
