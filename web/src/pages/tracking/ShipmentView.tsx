import { Card, Empty, Flex, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { FileTextOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ShipmentContainers } from '../../api';
import { EventTimeline } from './EventTimeline';
import { useCodeLabels } from './labels';
import { viewerTime } from './model';

type Row = ShipmentContainers['containers'][number];

/** The containers of a booking or B/L with their status; a click opens a container's timeline. */
export function ShipmentView({ data, selected, onSelect }: { data: ShipmentContainers; selected?: string; onSelect: (equipmentReference: string) => void }) {
  const { t } = useTranslation();
  const label = useCodeLabels();

  const columns: TableColumnsType<Row> = [
    {
      key: 'container', title: t('tracking.columns.container'), dataIndex: 'equipmentReference',
      render: (v: string) => <Typography.Link style={{ fontFamily: 'monospace' }}>{v}</Typography.Link>,
    },
    {
      key: 'status', title: t('tracking.columns.status'),
      render: (_, r) => (r.status
        ? <Space size={6}><Tag color="blue">{label.equipment(r.status.equipmentEventTypeCode)}</Tag><Typography.Text type="secondary">{r.status.equipmentEventTypeCode}</Typography.Text></Space>
        : <Typography.Text type="secondary">{t('tracking.noStatus')}</Typography.Text>),
    },
    { key: 'load', title: t('tracking.columns.loadState'), render: (_, r) => (r.status?.emptyIndicatorCode ? label.emptyIndicator(r.status.emptyIndicatorCode) : '—') },
    { key: 'time', title: t('tracking.columns.time'), render: (_, r) => (r.status ? viewerTime(r.status.eventDateTime).text : '—') },
    { key: 'location', title: t('tracking.columns.location'), render: (_, r) => r.status?.UNLocationCode ?? '—' },
  ];

  return (
    <Card
      data-testid="shipment-view"
      title={
        <Space>
          <FileTextOutlined />
          <span>{label.documentType(data.referenceType)}</span>
          <Typography.Text strong copyable>{data.reference}</Typography.Text>
        </Space>
      }
    >
      <Flex vertical gap={16}>
        <div>
          <Typography.Title level={5} style={{ marginTop: 0 }}>{t('tracking.containers', { count: data.containers.length })}</Typography.Title>
          <Table<Row>
            rowKey="equipmentReference"
            size="middle"
            columns={columns}
            dataSource={data.containers}
            pagination={data.containers.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tracking.noContainers')} /> }}
            rowSelection={{ type: 'radio', selectedRowKeys: selected ? [selected] : [], onChange: (keys) => keys[0] && onSelect(String(keys[0])) }}
            onRow={(r) => ({ onClick: () => onSelect(r.equipmentReference), style: { cursor: 'pointer' } })}
            scroll={{ x: 'max-content' }}
          />
        </div>
        {data.events.length > 0 && (
          <div>
            <Typography.Title level={5}>{t('tracking.shipmentEvents')}</Typography.Title>
            <EventTimeline events={data.events} />
          </div>
        )}
      </Flex>
    </Card>
  );
}
