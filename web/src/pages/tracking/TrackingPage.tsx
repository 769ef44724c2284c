// Container tracking: one search box for a container number, a booking or a B/L. The search is
// in the URL (/tracking?q=…&by=…&box=…), so results can be linked, reloaded and navigated back.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Flex, Input, Segmented, Space, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type ShipmentContainers } from '../../api';
import { navigate, useLocation } from '../../router';
import { ContainerView } from './ContainerView';
import { isSearchMode, planSearch, SEARCH_MODES, type SearchMode } from './model';
import { RecentContainers } from './RecentContainers';
import { SearchProblem } from './SearchProblem';
import { ShipmentView } from './ShipmentView';

const PATH = '/tracking';
const searchUrl = (q: string, by: SearchMode, box?: string) =>
  `${PATH}?${new URLSearchParams({ q, by, ...(box ? { box } : {}) })}`;
/** A container's timeline: the same as searching its number. */
const containerUrl = (equipmentReference: string) => searchUrl(equipmentReference, 'container');
const openContainer = (equipmentReference: string) => {
  navigate(containerUrl(equipmentReference));
  window.scrollTo({ top: 0, behavior: 'smooth' });
};

export default function TrackingPage() {
  const { t } = useTranslation();
  const { params } = useLocation();
  const q = params.get('q')?.trim() ?? '';
  const byParam = params.get('by');
  const by: SearchMode = isSearchMode(byParam) ? byParam : 'auto';
  const box = params.get('box') ?? undefined;
  const plan = useMemo(() => (q ? planSearch(q, by) : undefined), [q, by]);
  const shownBox = plan?.kind === 'container' ? plan.equipmentReference : box;

  const [input, setInput] = useState(q);
  const [mode, setMode] = useState<SearchMode>(by);
  const [again, setAgain] = useState(0);
  useEffect(() => { setInput(q); setMode(by); }, [q, by]);

  const search = () => {
    const value = input.trim();
    if (!value) return;
    const url = searchUrl(value, mode);
    if (url === window.location.pathname + window.location.search) setAgain((n) => n + 1);
    else navigate(url);
  };

  return (
    <Flex vertical gap={16} style={{ maxWidth: 1200 }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('tracking.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('tracking.description')}</Typography.Paragraph>
        <Flex gap={12} wrap align="center">
          <Segmented<SearchMode>
            aria-label={t('tracking.searchBy')}
            value={mode}
            onChange={setMode}
            options={SEARCH_MODES.map((m) => ({ value: m, label: t(`tracking.mode.${m}`) }))}
          />
          <Space.Compact style={{ flex: '1 1 360px', maxWidth: 640 }}>
            <Input
              size="large"
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('tracking.placeholder')}
              aria-label={t('tracking.placeholder')}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              onPressEnter={search}
              spellCheck={false}
              autoFocus={!q}
            />
            <Button size="large" type="primary" onClick={search}>{t('tracking.search')}</Button>
          </Space.Compact>
        </Flex>
        {!q && <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0', maxWidth: 760, fontSize: 13 }}>{t('tracking.emptyHint')}</Typography.Paragraph>}
      </Card>
      {q && <SearchResult key={`${q}|${by}|${again}`} query={q} mode={by} box={box} />}
      {/* Always at this place in the tree, so the list survives opening a container from it. */}
      <RecentContainers secondary={!!q} selected={shownBox} hrefOf={containerUrl} onOpen={openContainer} />
    </Flex>
  );
}

function SearchResult({ query, mode, box }: { query: string; mode: SearchMode; box?: string }) {
  const plan = useMemo(() => planSearch(query, mode), [query, mode]);
  if (plan.kind === 'container') return <ContainerView equipmentReference={plan.equipmentReference} mode={mode} />;
  return <ShipmentSearch reference={plan.reference} tries={plan.tries} query={query} mode={mode} box={box} />;
}

/** Booking (`/v1/bookings/{ref}/containers`) or B/L; Auto tries the booking first, then the B/L on 404. */
function ShipmentSearch({ reference, tries, query, mode, box }: { reference: string; tries: ('BKG' | 'TRD')[]; query: string; mode: SearchMode; box?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ data?: ShipmentContainers; error?: unknown }>({});

  useEffect(() => {
    let cancelled = false;
    (async () => {
      for (const [i, type] of tries.entries()) {
        try {
          const data = await api.shipment(type, reference);
          if (!cancelled) setState({ data });
          return;
        } catch (error) {
          const more = i < tries.length - 1;
          if (error instanceof ApiError && error.status === 404 && more) continue;
          if (!cancelled) setState({ error });
          return;
        }
      }
    })();
    return () => { cancelled = true; };
  }, [reference, tries]);

  if (state.error) return <SearchProblem error={state.error} query={reference} mode={mode} />;
  if (!state.data) return <Card loading />;
  const { data } = state;
  // One container: show its timeline at once.
  const shown = box ?? (data.containers.length === 1 ? data.containers[0].equipmentReference : undefined);
  return (
    <Flex vertical gap={16}>
      <ShipmentView data={data} selected={shown} onSelect={(b) => navigate(searchUrl(query, mode, b))} />
      {shown
        ? <ContainerView key={shown} equipmentReference={shown} />
        : data.containers.length > 0 && <Alert type="info" showIcon title={t('tracking.selectContainer')} />}
    </Flex>
  );
}
