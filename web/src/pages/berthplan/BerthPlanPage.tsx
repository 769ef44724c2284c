// Berth plan: the port calls of a terminal as a Gantt chart — one row per berth, the planned
// window (PTA-Berth → PTD-Berth, else PTA + the expected time alongside) hollow and the actual
// window (ATA-Berth → ATD-Berth, or → now while alongside) solid, coloured by state.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, DatePicker, Empty, Flex, Select, Space, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, type Berth, type PortCall, type Terminal } from '../../api';
import { EChart } from '../../components/charts/EChart';
import { errorMessage } from '../../components/errors';
import { BAR_COLORS, barsOf, ganttOption, type BarState } from './gantt';

const DAY = 86_400_000;
/** Calls that arrived this long before the window may still be alongside in it. */
const LOOKBACK_MS = 14 * DAY;
/** At most this many calls' details are read for their PTD-Berth. */
const MAX_DETAILS = 60;

interface Data {
  berths: Berth[];
  calls: PortCall[];
  names: Map<string, string>;
  ptd: Map<string, string>;
}

export default function BerthPlanPage() {
  const { t } = useTranslation();
  const [terminals, setTerminals] = useState<Terminal[]>();
  const [terminal, setTerminal] = useState<string>();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(2, 'day').startOf('hour'), dayjs().add(3, 'day').startOf('hour')]);
  const [state, setState] = useState<{ data?: Data; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    Promise.all([api.terminals(), api.session().catch(() => undefined)]).then(([list, session]) => {
      setTerminals(list);
      const own = list.find((x) => x.operatorPartyId === session?.party.id);
      setTerminal((own ?? list[0])?.terminalCode);
      if (!list.length) setState({ loading: false });
    }, (error: unknown) => setState({ error, loading: false }));
  }, []);

  useEffect(() => {
    if (!terminal) return;
    let cancelled = false;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    const [from, to] = [range[0].valueOf(), range[1].valueOf()];
    (async () => {
      const [berths, vessels, expected, inPort] = await Promise.all([
        api.berths(terminal),
        api.vessels(),
        api.allPortCalls({ terminal, from: new Date(from - LOOKBACK_MS).toISOString(), to: new Date(to).toISOString(), limit: 500 }),
        api.allPortCalls({ terminal, status: ['ARRIVED', 'ALONGSIDE'], limit: 500 }),
      ]);
      const calls = [...new Map([...expected, ...inPort].map((c) => [c.portCallID, c])).values()].filter((c) => c.berthId);
      // PTD-Berth is only in a call's detail: read it for the calls that may show in the window.
      const shown = calls.filter((c) => !c.berthDeparture.actual || Date.parse(c.berthDeparture.actual) >= from).slice(0, MAX_DETAILS);
      const details = await Promise.allSettled(shown.map((c) => api.portCall(c.portCallID)));
      const ptd = new Map<string, string>();
      for (const d of details) {
        if (d.status !== 'fulfilled') continue;
        const plan = d.value.latestTimestamps.find((x) => x.timestampDefinition === 'PTD-Berth');
        if (plan?.serviceDateTime) ptd.set(d.value.portCallID, plan.serviceDateTime);
      }
      return { berths, calls, names: new Map(vessels.map((v) => [v.imoNumber, v.name])), ptd };
    })().then(
      (data) => { if (!cancelled) { setNow(Date.now()); setState({ data, loading: false }); } },
      (error: unknown) => { if (!cancelled) setState({ error, loading: false }); },
    );
    return () => { cancelled = true; };
  }, [terminal, range, nonce]);

  const stateLabels = useMemo(() => Object.fromEntries((Object.keys(BAR_COLORS) as BarState[]).map((s) => [s, t(`berthPlan.state.${s}`)])) as Record<BarState, string>, [t]);
  const { option, count } = useMemo(() => {
    const d = state.data;
    if (!d) return { option: undefined, count: 0 };
    const bars = barsOf(d.calls, d.berths, d.names, d.ptd, now);
    const window: [number, number] = [range[0].valueOf(), range[1].valueOf()];
    const visible = bars.filter((b) => [b.planned, b.actual].some((w) => w && w[1] >= window[0] && w[0] <= window[1]));
    return {
      count: visible.length,
      option: ganttOption(d.berths, bars, window, now, {
        planned: t('berthPlan.planned'), actual: t('berthPlan.actual'), estimate: t('berthPlan.estimate'), now: t('berthPlan.now'),
        voyage: t('berthPlan.voyage'), state: stateLabels,
      }),
    };
  }, [state.data, range, now, t, stateLabels]);

  const message = state.error ? errorMessage(t, state.error) : undefined;
  return (
    <Flex vertical gap={16} style={{ maxWidth: 1400 }}>
      <Card>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('berthPlan.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('berthPlan.description')}</Typography.Paragraph>
        <Flex gap={12} wrap align="center">
          <Select
            style={{ width: 260 }}
            loading={!terminals}
            aria-label={t('berthPlan.terminal')}
            placeholder={t('berthPlan.terminal')}
            value={terminal}
            onChange={setTerminal}
            options={(terminals ?? []).map((x) => ({ value: x.terminalCode, label: `${x.terminalCode} · ${x.name}` }))}
          />
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            allowClear={false}
            value={range}
            onChange={(r) => { if (r?.[0] && r[1]) setRange([r[0], r[1]]); }}
          />
          <Button icon={<ReloadOutlined />} onClick={() => setNonce((n) => n + 1)}>{t('tracking.refresh')}</Button>
        </Flex>
      </Card>
      {message && <Alert type="error" showIcon title={message.title} description={message.detail} role="alert" />}
      <Card
        loading={state.loading && !state.data}
        title={t('berthPlan.chartTitle', { count })}
        extra={(
          <Space size={4} wrap>
            {(Object.keys(BAR_COLORS) as BarState[]).map((s) => <Tag key={s} color={BAR_COLORS[s]}>{stateLabels[s]}</Tag>)}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('berthPlan.legend')}</Typography.Text>
          </Space>
        )}
      >
        {terminals && !terminals.length && <Empty description={t('berthPlan.noTerminals')} />}
        {state.data && !state.data.berths.length && <Empty description={t('berthPlan.noBerths')} />}
        {option && state.data && state.data.berths.length > 0 && (
          <EChart testId="berth-plan-chart" option={option} style={{ height: Math.max(260, 90 + state.data.berths.length * 56) }} />
        )}
      </Card>
    </Flex>
  );
}
