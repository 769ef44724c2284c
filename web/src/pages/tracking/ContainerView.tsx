import { Badge, Button, Card, Descriptions, Flex, Space, Tag, Tooltip, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { ContainerOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { EventTimeline } from './EventTimeline';
import { useCodeLabels } from './labels';
import { documentReferences, placeOf, viewerTime, type SearchMode } from './model';
import { SearchProblem } from './SearchProblem';
import { useContainer, type LiveState } from './useContainer';

const { Text } = Typography;

export function LiveBadge({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  if (state === 'live') {
    return (
      <Tooltip title={t('tracking.liveTooltip')}>
        <span data-testid="live-badge"><Badge status="processing" color="green" text={t('tracking.live')} /></span>
      </Tooltip>
    );
  }
  return <Badge status={state === 'offline' ? 'warning' : 'default'} text={t(state === 'offline' ? 'tracking.offline' : 'tracking.connecting')} />;
}

/** Status card and timeline of one container, live while shown. */
export function ContainerView({ equipmentReference, mode = 'container' }: { equipmentReference: string; mode?: SearchMode }) {
  const { t } = useTranslation();
  const label = useCodeLabels();
  const { loading, error, data, live, fresh, refresh } = useContainer(equipmentReference);

  if (error) return <SearchProblem error={error} query={equipmentReference} mode={mode === 'auto' ? 'container' : mode} />;
  if (!data) return <Card loading title={equipmentReference} />;

  const status = data.status;
  const statusEvent = status ? data.events.find((e) => e.eventID === status.eventID) : undefined;
  const place = statusEvent ? placeOf(statusEvent) : undefined;
  const sizeType = [...data.events].reverse().find((e) => e.ISOEquipmentCode)?.ISOEquipmentCode;
  const refs = documentReferences(data.events);

  const items: DescriptionsProps['items'] = [
    {
      key: 'status',
      label: t('tracking.currentStatus'),
      children: status ? (
        <Space size={6} data-testid="current-status">
          <Tag color="blue" style={{ fontSize: 14, padding: '2px 10px', marginInlineEnd: 0 }}>{label.equipment(status.equipmentEventTypeCode)}</Tag>
          <Text type="secondary">{status.equipmentEventTypeCode}</Text>
        </Space>
      ) : <Text type="secondary">{t('tracking.noStatus')}</Text>,
    },
    ...(status ? [
      { key: 'since', label: t('tracking.since'), children: `${viewerTime(status.eventDateTime).text} (${viewerTime(status.eventDateTime).offset})` },
      {
        key: 'location',
        label: t('tracking.location'),
        children: [place?.locationName, place?.UNLocationCode ?? status.UNLocationCode].filter(Boolean).join(' · ') || '—',
      },
      { key: 'load', label: t('tracking.loadState'), children: status.emptyIndicatorCode ? label.emptyIndicator(status.emptyIndicatorCode) : '—' },
    ] : []),
    ...(sizeType ? [{ key: 'size', label: t('tracking.sizeType'), children: sizeType }] : []),
    { key: 'count', label: t('tracking.eventCount'), children: data.events.length },
    ...(refs.length ? [{
      key: 'refs',
      label: t('tracking.references'),
      span: 'filled' as const,
      children: <Flex wrap gap={4}>{refs.map((r) => <Tag key={`${r.type}:${r.value}`}>{label.documentType(r.type)} {r.value}</Tag>)}</Flex>,
    }] : []),
  ];

  return (
    <Flex vertical gap={16} data-testid="container-view">
      <Card
        title={
          <Space>
            <ContainerOutlined />
            <span>{t('tracking.container')}</span>
            <Text strong copyable style={{ fontFamily: 'monospace', fontSize: 16 }}>{data.equipmentReference}</Text>
          </Space>
        }
        extra={
          <Space size="middle">
            <LiveBadge state={live} />
            <Tooltip title={t('tracking.refresh')}>
              <Button type="text" icon={<ReloadOutlined />} loading={loading} onClick={refresh} aria-label={t('tracking.refresh')} />
            </Tooltip>
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={items} />
      </Card>
      <Card title={t('tracking.timeline')}>
        <EventTimeline events={data.events} fresh={fresh} />
      </Card>
    </Flex>
  );
}
