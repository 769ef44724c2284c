// Port calls: the calls this party may see (its own as carrier or terminal; all for the port
// authority and the MSA), filtered and paged with the server's cursor. A row opens the detail in
// a drawer; the open call is in the URL (/port-calls?call=…), so it can be linked and reloaded.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, DatePicker, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, PORT_CALL_STATUSES, type PortCall, type PortCallFilter, type Terminal } from '../../api';
import { errorMessage } from '../../components/errors';
import { navigate, useLocation } from '../../router';
import { localTime, STATUS_COLORS } from './model';
import { PortCallDrawer } from './PortCallDetail';

const PATH = '/port-calls';
const PAGE_SIZE = 50;

interface Filters {
  terminal?: string;
  vessel: string;
  service: string;
  status: string[];
  range: [Dayjs | null, Dayjs | null] | null;
}

const toQuery = (f: Filters): PortCallFilter => ({
  terminal: f.terminal, vessel: f.vessel.trim() || undefined, service: f.service.trim() || undefined,
  status: f.status, from: f.range?.[0]?.toISOString(), to: f.range?.[1]?.toISOString(), limit: PAGE_SIZE,
});

export default function PortCallsPage() {
  const { t } = useTranslation();
  const { params } = useLocation();
  const open = params.get('call') ?? undefined;
  const [filters, setFilters] = useState<Filters>({ vessel: '', service: '', status: [], range: null });
  const [applied, setApplied] = useState<PortCallFilter>(() => toQuery(filters));
  const [rows, setRows] = useState<PortCall[]>([]);
  const [next, setNext] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>();
  const [terminals, setTerminals] = useState<Terminal[]>([]);
  const [vesselNames, setVesselNames] = useState<Map<string, string>>(new Map());
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    api.terminals().then(setTerminals, () => undefined);
    api.vessels().then((vs) => setVesselNames(new Map(vs.map((v) => [v.imoNumber, v.name]))), () => undefined);
  }, []);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(undefined);
    api.portCalls(applied).then(
      (page) => { if (!cancelled) { setRows(page.items); setNext(page.next); setLoading(false); } },
      (e: unknown) => { if (!cancelled) { setError(e); setRows([]); setNext(undefined); setLoading(false); } },
    );
    return () => { cancelled = true; };
  }, [applied, nonce]);

  const more = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const page = await api.portCalls(applied, next);
      setRows((r) => [...r, ...page.items]);
      setNext(page.next);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  const openCall = (id: string) => navigate(`${PATH}?call=${encodeURIComponent(id)}`);
  const close = useCallback(() => navigate(PATH), []);
  const changed = useCallback(() => setNonce((n) => n + 1), []);

  const columns: TableProps<PortCall>['columns'] = useMemo(() => [
    {
      key: 'vessel', title: t('portCalls.columns.vessel'),
      render: (_, c) => (
        <Flex vertical>
          <Typography.Text strong>{vesselNames.get(c.vesselIMONumber) ?? c.vesselIMONumber}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>IMO {c.vesselIMONumber}</Typography.Text>
        </Flex>
      ),
    },
    {
      key: 'voyage', title: t('portCalls.columns.voyage'),
      render: (_, c) => (
        <Flex vertical>
          <Typography.Text>{c.carrierServiceCode}{c.carrierServiceName ? ` · ${c.carrierServiceName}` : ''}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{[...new Set([c.importVoyageNumber, c.exportVoyageNumber])].join(' / ')}</Typography.Text>
        </Flex>
      ),
    },
    { key: 'terminal', title: t('portCalls.columns.terminal'), dataIndex: 'terminalCode' },
    { key: 'berth', title: t('portCalls.columns.berth'), render: (_, c) => c.berthId ?? '—' },
    {
      key: 'status', title: t('portCalls.columns.status'),
      render: (_, c) => <Tag color={STATUS_COLORS[c.status]}>{t(`portCalls.status.${c.status}`)}</Tag>,
    },
    {
      key: 'eta', title: t('portCalls.columns.eta'), render: (_, c) => localTime(c.berthArrival.estimated),
      sorter: (a, b) => (a.berthArrival.expected ?? '').localeCompare(b.berthArrival.expected ?? ''),
    },
    { key: 'pta', title: t('portCalls.columns.pta'), render: (_, c) => localTime(c.berthArrival.planned) },
    { key: 'ata', title: t('portCalls.columns.ata'), render: (_, c) => localTime(c.berthArrival.actual) },
    { key: 'atd', title: t('portCalls.columns.atd'), render: (_, c) => localTime(c.berthDeparture.actual) },
  ], [t, vesselNames]);

  const message = error ? errorMessage(t, error) : undefined;
  return (
    <Flex vertical gap={16} style={{ maxWidth: 1400 }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('portCalls.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('portCalls.description')}</Typography.Paragraph>
        <Flex gap={12} wrap align="center">
          <Select
            allowClear
            style={{ width: 200 }}
            placeholder={t('portCalls.filters.terminal')}
            aria-label={t('portCalls.filters.terminal')}
            value={filters.terminal}
            onChange={(terminal) => setFilters((f) => ({ ...f, terminal }))}
            options={terminals.map((x) => ({ value: x.terminalCode, label: `${x.terminalCode} · ${x.name}` }))}
          />
          <Input
            allowClear
            style={{ width: 170 }}
            placeholder={t('portCalls.filters.vessel')}
            aria-label={t('portCalls.filters.vessel')}
            value={filters.vessel}
            onChange={(e) => setFilters((f) => ({ ...f, vessel: e.target.value }))}
          />
          <Input
            allowClear
            style={{ width: 130 }}
            placeholder={t('portCalls.filters.service')}
            aria-label={t('portCalls.filters.service')}
            value={filters.service}
            onChange={(e) => setFilters((f) => ({ ...f, service: e.target.value }))}
          />
          <Select
            mode="multiple"
            allowClear
            style={{ minWidth: 200 }}
            placeholder={t('portCalls.filters.status')}
            aria-label={t('portCalls.filters.status')}
            value={filters.status}
            onChange={(status) => setFilters((f) => ({ ...f, status }))}
            options={PORT_CALL_STATUSES.map((s) => ({ value: s, label: t(`portCalls.status.${s}`) }))}
          />
          <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
              placeholder={[t('portCalls.filters.from'), t('portCalls.filters.to')]}
              value={filters.range}
              onChange={(range) => setFilters((f) => ({ ...f, range }))}
            />
          <Button type="primary" icon={<SearchOutlined />} onClick={() => setApplied(toQuery(filters))}>{t('portCalls.filters.apply')}</Button>
          <Button icon={<ReloadOutlined />} onClick={changed} aria-label={t('tracking.refresh')} />
        </Flex>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>{t('portCalls.filters.hint')}</Typography.Paragraph>
      </Card>
      {message && <Alert type="error" showIcon title={message.title} description={message.detail} role="alert" data-testid="port-calls-error" />}
      <Card data-testid="port-calls">
        <Table<PortCall>
          rowKey="portCallID"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('portCalls.empty') }}
          onRow={(c) => ({ onClick: () => openCall(c.portCallID), style: { cursor: 'pointer' } })}
          rowClassName={(c) => (c.portCallID === open ? 'ant-table-row-selected' : '')}
        />
        <Flex justify="center" style={{ marginTop: 12 }} gap={12} align="center">
          <Typography.Text type="secondary">{t('portCalls.shown', { count: rows.length })}</Typography.Text>
          {next && <Button onClick={more} loading={loading}>{t('portCalls.more')}</Button>}
        </Flex>
      </Card>
      <PortCallDrawer portCallID={open} onClose={close} onChanged={changed} />
    </Flex>
  );
}
