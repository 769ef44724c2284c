// "Recent containers": the boxes with the latest activity this party may see (`GET /v1/containers`),
// newest first. The page's main content when nothing is searched; a collapsed panel under a result.
import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import { Alert, Button, Card, Collapse, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { HistoryOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, type RecentContainer } from '../../api';
import { errorMessage } from '../../components/errors';
import { useCodeLabels } from './labels';
import { classifierColor, viewerTime } from './model';

const LIMIT = 20;
const REFRESH_MS = 30_000;

interface State {
  loading: boolean;
  data?: RecentContainer[];
  error?: unknown;
}

/** The list, loaded while `active` and then every 30 s as long as the browser tab is visible. */
export function useRecentContainers(active: boolean) {
  const [state, setState] = useState<State>({ loading: false });
  const [nonce, setNonce] = useState(0);
  const loadedAt = useRef(0);

  useEffect(() => {
    if (!active) return;
    let cancelled = false;
    let inFlight = false;
    const load = () => {
      if (inFlight || document.visibilityState === 'hidden') return;
      inFlight = true;
      setState((s) => ({ ...s, loading: true }));
      api.recentContainers(LIMIT).then(
        (data) => { if (!cancelled) setState({ loading: false, data }); },
        (error: unknown) => { if (!cancelled) setState((s) => ({ loading: false, data: s.data, error })); },
      ).finally(() => {
        inFlight = false;
        loadedAt.current = Date.now();
      });
    };
    // Back to a tab that was hidden for a while: catch up at once instead of at the next tick.
    const onVisibility = () => { if (document.visibilityState === 'visible' && Date.now() - loadedAt.current >= REFRESH_MS) load(); };
    load();
    const timer = setInterval(load, REFRESH_MS);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [active, nonce]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, refresh };
}

interface Props {
  /** A search result is shown: the panel is collapsible and starts collapsed. */
  secondary: boolean;
  /** The container whose timeline is shown, marked in the list. */
  selected?: string;
  /** The page address of a container's timeline (for the link) and how to open it. */
  hrefOf: (equipmentReference: string) => string;
  onOpen: (equipmentReference: string) => void;
}

export function RecentContainers({ secondary, selected, hrefOf, onOpen }: Props) {
  const { t } = useTranslation();
  const label = useCodeLabels();
  const [expanded, setExpanded] = useState(false);
  const shown = !secondary || expanded;
  const { loading, data, error, refresh } = useRecentContainers(shown);

  // A plain click goes to the row (which opens the timeline); other clicks (new tab, …) stay the link's.
  const linkClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) e.stopPropagation();
    else e.preventDefault();
  };

  const columns: TableColumnsType<RecentContainer> = [
    {
      key: 'container', title: t('tracking.columns.container'), dataIndex: 'equipmentReference',
      render: (v: string) => (
        <Typography.Link href={hrefOf(v)} onClick={linkClick} strong={v === selected} aria-current={v === selected ? 'true' : undefined} style={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }}>
          {v}
        </Typography.Link>
      ),
    },
    {
      key: 'event', title: t('tracking.recent.lastEvent'),
      render: (_, r) => (
        <Space size={6} wrap>
          <Tag color="blue" style={{ marginInlineEnd: 0 }}>{label.equipment(r.equipmentEventTypeCode)}</Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.equipmentEventTypeCode}</Typography.Text>
          {r.eventClassifierCode !== 'ACT' && (
            <Tag color={{ blue: 'processing', gray: 'default' }[classifierColor(r.eventClassifierCode)] ?? 'default'} variant="outlined" style={{ marginInlineEnd: 0 }}>
              {label.classifier(r.eventClassifierCode)}
            </Tag>
          )}
        </Space>
      ),
    },
    { key: 'time', title: t('tracking.columns.time'), render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{viewerTime(r.eventDateTime).text}</span> },
    { key: 'location', title: t('tracking.columns.location'), render: (_, r) => r.UNLocationCode ?? '—' },
  ];

  const failed = error !== undefined && (() => {
    const m = errorMessage(t, error);
    return <Alert type="warning" showIcon title={m.title} description={m.detail} style={{ marginBottom: 12 }} data-testid="recent-containers-error" />;
  })();

  const table = (
    <>
      {failed}
      <Table<RecentContainer>
        rowKey="equipmentReference"
        size="small"
        columns={columns}
        dataSource={data ?? []}
        loading={loading && !data}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tracking.recent.empty')} /> }}
        onRow={(r) => ({ onClick: () => onOpen(r.equipmentReference), style: { cursor: 'pointer' } })}
      />
    </>
  );

  const refreshButton = (
    <Tooltip title={t('tracking.recent.autoRefresh')}>
      <Button
        type="text"
        size="small"
        icon={<ReloadOutlined />}
        loading={loading && !!data}
        aria-label={t('tracking.refresh')}
        onClick={(e) => { e.stopPropagation(); refresh(); }}
      />
    </Tooltip>
  );

  const title = (
    <Space>
      <HistoryOutlined />
      <span>{t('tracking.recent.title')}</span>
      {data && data.length > 0 && <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>({data.length})</Typography.Text>}
    </Space>
  );

  if (secondary) {
    return (
      <Collapse
        data-testid="recent-containers"
        activeKey={expanded ? ['recent'] : []}
        onChange={(keys) => setExpanded(keys.length > 0)}
        style={{ background: 'transparent' }}
        items={[{ key: 'recent', label: title, extra: expanded ? refreshButton : undefined, children: table }]}
      />
    );
  }
  return (
    <Card data-testid="recent-containers" title={title} extra={refreshButton}>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>{t('tracking.recent.hint')}</Typography.Paragraph>
      {table}
    </Card>
  );
}
