// Port efficiency: the KPIs of GET /v1/port-calls/kpis over a period (default: the last 90 days)
// as cards, and by month, terminal or service as a chart. Definitions: src/modules/portcall/kpis/kpis.ts.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Card, Col, DatePicker, Flex, Row, Segmented, Statistic, Tooltip, Typography } from 'antd';
import { InfoCircleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, type KpiGroupBy, type KpiReport, type Kpis } from '../../api';
import { EChart, type ChartOption } from '../../components/charts/EChart';
import { errorMessage } from '../../components/errors';

const GROUPS: KpiGroupBy[] = ['month', 'terminal', 'service'];
const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

interface KpiCard {
  key: string;
  value: number | null;
  suffix?: string;
  precision: number;
  measured: number;
}

function cardsOf(k: Kpis): KpiCard[] {
  return [
    { key: 'berthOnArrival', value: pct(k.berthOnArrival.rate), suffix: '%', precision: 1, measured: k.berthOnArrival.measured },
    { key: 'waitingAverage', value: k.waitingHours.average, suffix: 'h', precision: 1, measured: k.waitingHours.measured },
    { key: 'waitingP90', value: k.waitingHours.p90, suffix: 'h', precision: 1, measured: k.waitingHours.measured },
    { key: 'timeInPort', value: k.timeInPortHours.average, suffix: 'h', precision: 1, measured: k.timeInPortHours.measured },
    { key: 'movesPerShipHour', value: k.movesPerShipHour.value, precision: 1, measured: k.movesPerShipHour.measured },
    { key: 'movesPerCraneHour', value: k.movesPerCraneHour.value, precision: 1, measured: k.movesPerCraneHour.measured },
    { key: 'scheduleReliability', value: pct(k.scheduleReliability.rate), suffix: '%', precision: 1, measured: k.scheduleReliability.measured },
  ];
}

export default function EfficiencyPage() {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(90, 'day').startOf('day'), dayjs().endOf('day')]);
  const [groupBy, setGroupBy] = useState<KpiGroupBy>('month');
  const [total, setTotal] = useState<{ data?: KpiReport; error?: unknown }>({});
  const [grouped, setGrouped] = useState<{ data?: KpiReport; error?: unknown }>({});

  useEffect(() => {
    let cancelled = false;
    setTotal((s) => ({ data: s.data }));
    api.kpis(range[0].toISOString(), range[1].toISOString()).then(
      (data) => { if (!cancelled) setTotal({ data }); }, (error: unknown) => { if (!cancelled) setTotal({ error }); },
    );
    return () => { cancelled = true; };
  }, [range]);

  useEffect(() => {
    let cancelled = false;
    api.kpis(range[0].toISOString(), range[1].toISOString(), groupBy).then(
      (data) => { if (!cancelled) setGrouped({ data }); }, (error: unknown) => { if (!cancelled) setGrouped({ error }); },
    );
    return () => { cancelled = true; };
  }, [range, groupBy]);

  const option = useMemo<ChartOption | undefined>(() => {
    const groups = grouped.data?.groups;
    if (!groups) return undefined;
    const keys = groups.map((g) => g.key ?? '—');
    const names = {
      boa: t('efficiency.kpi.berthOnArrival'), reliability: t('efficiency.kpi.scheduleReliability'),
      wait: t('efficiency.kpi.waitingAverage'), crane: t('efficiency.kpi.movesPerCraneHour'),
    };
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 48, bottom: 32 },
      xAxis: { type: 'category', data: keys },
      yAxis: [
        { type: 'value', name: '%', min: 0, max: 100 },
        { type: 'value', name: t('efficiency.axisRight'), min: 0, splitLine: { show: false } },
      ],
      series: [
        { name: names.boa, type: 'bar', data: groups.map((g) => pct(g.berthOnArrival.rate)), barMaxWidth: 36 },
        { name: names.reliability, type: 'bar', data: groups.map((g) => pct(g.scheduleReliability.rate)), barMaxWidth: 36 },
        { name: names.wait, type: 'line', yAxisIndex: 1, data: groups.map((g) => g.waitingHours.average), connectNulls: true, symbolSize: 8 },
        { name: names.crane, type: 'line', yAxisIndex: 1, data: groups.map((g) => g.movesPerCraneHour.value), connectNulls: true, symbolSize: 8 },
      ],
    };
  }, [grouped.data, t]);

  const all = total.data?.groups[0];
  const error = total.error ?? grouped.error;
  const message = error ? errorMessage(t, error) : undefined;
  return (
    <Flex vertical gap={16} style={{ maxWidth: 1400 }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('efficiency.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('efficiency.description')}</Typography.Paragraph>
        <Flex gap={12} wrap align="center">
          <DatePicker.RangePicker
            allowClear={false}
            value={range}
            onChange={(r) => { if (r?.[0] && r[1]) setRange([r[0].startOf('day'), r[1].endOf('day')]); }}
            presets={[
              { label: t('efficiency.last30'), value: [dayjs().subtract(30, 'day').startOf('day'), dayjs().endOf('day')] },
              { label: t('efficiency.last90'), value: [dayjs().subtract(90, 'day').startOf('day'), dayjs().endOf('day')] },
              { label: t('efficiency.thisYear'), value: [dayjs().startOf('year'), dayjs().endOf('day')] },
            ]}
          />
          {all && <Typography.Text type="secondary" data-testid="kpi-calls">{t('efficiency.calls', { count: all.calls })}</Typography.Text>}
        </Flex>
      </Card>
      {message && <Alert type="error" showIcon title={message.title} description={message.detail} role="alert" />}
      <Row gutter={[16, 16]} data-testid="kpi-cards">
        {(all ? cardsOf(all) : cardsOf(EMPTY)).map((c) => (
          <Col key={c.key} xs={24} sm={12} md={8} xl={6} xxl={6}>
            <Card loading={!total.data && !total.error} size="small" data-testid={`kpi-${c.key}`}>
              <Statistic
                title={(
                  <Flex gap={6} align="center">
                    {t(`efficiency.kpi.${c.key}`)}
                    <Tooltip title={t(`efficiency.help.${c.key}`)}><InfoCircleOutlined /></Tooltip>
                  </Flex>
                )}
                value={c.value ?? '—'}
                precision={c.value === null ? undefined : c.precision}
                suffix={c.value === null ? undefined : c.suffix}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('efficiency.measured', { count: c.measured })}</Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <Card
        title={t('efficiency.byGroup')}
        extra={(
          <Segmented<KpiGroupBy>
            aria-label={t('efficiency.groupBy')}
            value={groupBy}
            onChange={setGroupBy}
            options={GROUPS.map((g) => ({ value: g, label: t(`efficiency.group.${g}`) }))}
          />
        )}
      >
        {option && <EChart testId="kpi-chart" option={option} style={{ height: 380 }} />}
      </Card>
    </Flex>
  );
}

const EMPTY: Kpis = {
  key: null, calls: 0,
  berthOnArrival: { rate: null, onArrival: 0, measured: 0, excluded: 0 },
  waitingHours: { average: null, p90: null, measured: 0 },
  timeInPortHours: { average: null, measured: 0, mainlineCalls: 0, excluded: 0 },
  movesPerShipHour: { value: null, moves: 0, shipHours: 0, measured: 0 },
  movesPerCraneHour: { value: null, moves: 0, craneHours: 0, measured: 0 },
  scheduleReliability: { rate: null, onTime: 0, measured: 0, excluded: 0 },
};
