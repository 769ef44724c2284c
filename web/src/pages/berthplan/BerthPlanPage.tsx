// Berth plan: the port calls of a terminal as a Gantt chart — one row per berth, the planned
// window (PTA-Berth → PTD-Berth, else PTA + the expected time alongside) hollow and the actual
// window (ATA-Berth → ATD-Berth, or → now while alongside) solid, coloured by state.
//
// The terminal's planner works on the plan here: proposes a plan (the optimiser's), drags a ship's
// bar to another berth or time (the server re-plans the others around it and explains each ship),
// accepts or discards the proposal, and — when a new ETA or an omitted call has made the accepted
// plan stale — re-plans with one click. The server's explanations are said in the reader's
// language (explain.ts). A proposal is drawn in place of the calls' own plans until it is accepted.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, DatePicker, Empty, Flex, Select, Space, Table, Tag, Typography } from 'antd';
import { CheckOutlined, CloseOutlined, ReloadOutlined, ScheduleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Berth, type BerthPlan, type PlannedCall, type PortCall, type Terminal } from '../../api';
import { EChart, type echarts } from '../../components/charts/EChart';
import { errorMessage } from '../../components/errors';
import { problemItemText, problemText } from '../../components/problems';
import { localTime } from '../portcalls/model';
import { useGanttDrag, type DropPlace } from './drag';
import { explain } from './explain';
import { BAR_COLORS, barsOf, ganttOption, type Bar, type BarState, type ProposedPlace } from './gantt';

const DAY = 86_400_000;
/** Calls that arrived this long before the window may still be alongside in it. */
const LOOKBACK_MS = 14 * DAY;
/** At most this many calls' details are read for their PTD-Berth. */
const MAX_DETAILS = 60;
const MAX_PLAN_DAYS = 14;
/** The solver's budget for a proposal the planner waits for. */
const PROPOSAL_SECONDS = 1;

interface Data {
  berths: Berth[];
  calls: PortCall[];
  names: Map<string, string>;
  ptd: Map<string, string>;
  /** The terminal's accepted plan (null: none). */
  current: BerthPlan | null;
}

export default function BerthPlanPage() {
  const { t } = useTranslation();
  const [terminals, setTerminals] = useState<Terminal[]>();
  const [terminal, setTerminal] = useState<string>();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(2, 'day').startOf('hour'), dayjs().add(3, 'day').startOf('hour')]);
  const [state, setState] = useState<{ data?: Data; error?: unknown; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [proposal, setProposal] = useState<BerthPlan>();
  const [planError, setPlanError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [chart, setChart] = useState<ReturnType<typeof echarts.init> | null>(null);

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
      const [berths, vessels, expected, inPort, current] = await Promise.all([
        api.berths(terminal),
        api.vessels(),
        api.allPortCalls({ terminal, from: new Date(from - LOOKBACK_MS).toISOString(), to: new Date(to).toISOString(), limit: 500 }),
        api.allPortCalls({ terminal, status: ['ARRIVED', 'ALONGSIDE'], limit: 500 }),
        api.currentBerthPlan(terminal),
      ]);
      // Calls without a berth yet stay in: a proposal may give them one.
      const calls = [...new Map([...expected, ...inPort].map((c) => [c.portCallID, c])).values()];
      // PTD-Berth is only in a call's detail: read it for the calls that may show in the window.
      const shown = calls.filter((c) => !c.berthDeparture.actual || Date.parse(c.berthDeparture.actual) >= from).slice(0, MAX_DETAILS);
      const details = await Promise.allSettled(shown.map((c) => api.portCall(c.portCallID)));
      const ptd = new Map<string, string>();
      for (const d of details) {
        if (d.status !== 'fulfilled') continue;
        const plan = d.value.latestTimestamps.find((x) => x.timestampDefinition === 'PTD-Berth');
        if (plan?.serviceDateTime) ptd.set(d.value.portCallID, plan.serviceDateTime);
      }
      return { berths, calls, names: new Map(vessels.map((v) => [v.imoNumber, v.name])), ptd, current };
    })().then(
      (data) => { if (!cancelled) { setNow(Date.now()); setState({ data, loading: false }); } },
      (error: unknown) => { if (!cancelled) setState({ error, loading: false }); },
    );
    return () => { cancelled = true; };
  }, [terminal, range, nonce]);

  const stateLabels = useMemo(() => Object.fromEntries((Object.keys(BAR_COLORS) as BarState[]).map((s) => [s, t(`berthPlan.state.${s}`)])) as Record<BarState, string>, [t]);
  const proposed = useMemo(() => proposal && new Map<string, ProposedPlace>(proposal.calls.map((c) => [c.portCallID, {
    berthId: c.berthId, start: Date.parse(c.plannedBerthArrival), end: Date.parse(c.plannedBerthDeparture),
  }])), [proposal]);
  const bars = useMemo(() => (state.data ? barsOf(state.data.calls, state.data.berths, state.data.names, state.data.ptd, now, proposed) : []), [state.data, now, proposed]);
  const { option, count } = useMemo(() => {
    const d = state.data;
    if (!d) return { option: undefined, count: 0 };
    const window: [number, number] = [range[0].valueOf(), range[1].valueOf()];
    const visible = bars.filter((b) => [b.planned, b.actual].some((w) => w && w[1] >= window[0] && w[0] <= window[1]));
    return {
      count: visible.length,
      option: ganttOption(d.berths, bars, window, now, {
        planned: t('berthPlan.planned'), actual: t('berthPlan.actual'), estimate: t('berthPlan.estimate'), now: t('berthPlan.now'),
        voyage: t('berthPlan.voyage'), state: stateLabels,
      }),
    };
  }, [state.data, bars, range, now, t, stateLabels]);

  const current = state.data?.current ?? null;
  /** A proposal's window: the one being changed, else from this hour to the end of the shown range. */
  const planWindow = useCallback(() => {
    if (proposal) return { from: proposal.from, to: proposal.to };
    const from = dayjs().startOf('hour').valueOf();
    const end = Math.min(Math.max(range[1].valueOf(), from + DAY), from + MAX_PLAN_DAYS * DAY);
    return { from: new Date(from).toISOString(), to: new Date(end).toISOString() };
  }, [proposal, range]);
  const act = useCallback(async (what: string, work: () => Promise<void>) => {
    setBusy(what);
    setPlanError(undefined);
    setNotice(undefined);
    try {
      await work();
    } catch (e) {
      setPlanError(e);
    } finally {
      setBusy(undefined);
    }
  }, []);
  const proposeWith = useCallback((pins: BerthPlan['parameters']['pins']) => act('propose', async () => {
    if (!terminal) return;
    setProposal(await api.proposeBerthPlan(terminal, { ...planWindow(), pins, timeLimitSeconds: PROPOSAL_SECONDS, ...(current ? { basedOnPlanId: current.id } : {}) }));
  }), [act, terminal, planWindow, current]);
  const onDrop = useCallback((bar: Bar, place: DropPlace) => {
    const berth = state.data?.berths[place.berthIndex];
    if (!berth) return;
    // The dragged ship joins the planner's earlier pins of this proposal (its own old pin replaced).
    const pins = [...(proposal?.parameters.pins ?? []).filter((p) => p.portCallID !== bar.call.portCallID),
      { portCallID: bar.call.portCallID, berthId: berth.berthId, start: new Date(place.start).toISOString() }];
    void proposeWith(pins);
  }, [state.data, proposal, proposeWith]);
  const { ghost, layout } = useGanttDrag(chart, bars, state.data?.berths.length ?? 0, onDrop);
  const accept = () => act('accept', async () => {
    if (!terminal || !proposal) return;
    const res = await api.acceptBerthPlan(terminal, proposal.id);
    setProposal(undefined);
    setNotice(t('berthPlan.accepted', { count: res.timestampsSent }));
    setNonce((n) => n + 1);
  });
  const discard = () => act('discard', async () => {
    if (!terminal || !proposal) return;
    await api.discardBerthPlan(terminal, proposal.id);
    setProposal(undefined);
  });
  const replan = () => act('replan', async () => {
    if (!terminal || !current) return;
    setProposal(await api.replanBerthPlan(terminal, current.id));
  });
  useEffect(() => { setProposal(undefined); setPlanError(undefined); setNotice(undefined); }, [terminal]);

  const message = state.error ? errorMessage(t, state.error) : undefined;
  const refused = planError ? errorMessage(t, planError) : undefined;
  // Every reason (an accept names each call that no longer allows the plan), in the reader's
  // language, each with its rule code for the planner who reports it.
  const refusedReasons = planError instanceof ApiError ? (planError.problem?.errors ?? []).map((e) => ({ rule: e.rule, text: problemText(t, e) })) : [];
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
          <Button type="primary" icon={<ScheduleOutlined />} loading={busy === 'propose'} disabled={!state.data?.berths.length} onClick={() => void proposeWith(proposal?.parameters.pins ?? [])}>
            {t('berthPlan.propose')}
          </Button>
          {current && !current.stale && <Tag color="green" data-testid="berth-plan-current">{t('berthPlan.current', { time: localTime(current.acceptedAt) })}</Tag>}
        </Flex>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>{t('berthPlan.dragHint')}</Typography.Paragraph>
      </Card>
      {message && <Alert type="error" showIcon title={message.title} description={message.detail} role="alert" />}
      {current?.stale && (
        <Alert
          type="warning" showIcon data-testid="berth-plan-stale"
          title={t('berthPlan.staleTitle')}
          description={(
            <Flex vertical gap={4}>
              {current.staleReasons.map((r) => <span key={`${r.portCallID}|${r.rule}`} data-rule={r.rule}>{explain(t, r.message)}</span>)}
              <Typography.Text type="secondary">{t('berthPlan.replanHint', { hours: current.parameters.freezeHours })}</Typography.Text>
            </Flex>
          )}
          action={<Button type="primary" loading={busy === 'replan'} onClick={replan}>{t('berthPlan.replan')}</Button>}
        />
      )}
      {refused && (
        <Alert type="error" showIcon role="alert" data-testid="berth-plan-refused" closable onClose={() => setPlanError(undefined)}
          title={planError instanceof ApiError && planError.status === 400 ? t('berthPlan.refused') : refused.title}
          description={refusedReasons.length ? (
            <Flex vertical gap={2}>
              {refusedReasons.map((r, i) => <span key={i} data-rule={r.rule}>{`${r.text} (${r.rule})`}</span>)}
            </Flex>
          ) : refused.detail} />
      )}
      {notice && <Alert type="success" showIcon title={notice} data-testid="berth-plan-notice" closable onClose={() => setNotice(undefined)} />}
      {proposal && <ProposalCard plan={proposal} busy={busy} onAccept={accept} onDiscard={discard} />}
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
          <div style={{ position: 'relative' }}>
            <EChart testId="berth-plan-chart" option={option} onChart={setChart} style={{ height: Math.max(260, 90 + state.data.berths.length * 56) }} />
            {ghost && (
              <div data-testid="berth-plan-ghost" style={{
                position: 'absolute', left: ghost.left, top: ghost.top, width: ghost.width, height: ghost.height, pointerEvents: 'none',
                border: `2px dashed ${BAR_COLORS.proposed}`, background: `${BAR_COLORS.proposed}22`, borderRadius: 3, fontSize: 11, color: BAR_COLORS.proposed,
                overflow: 'hidden', whiteSpace: 'nowrap', padding: '0 4px',
              }}>
                {`${ghost.bar.vesselName} → ${state.data.berths[ghost.berthIndex]?.berthId} ${localTime(new Date(ghost.start).toISOString())}`}
              </div>
            )}
            {/* The text alternative of the chart: the ships that can be moved, where they are. */}
            <ul aria-label={t('berthPlan.barsLabel')} data-testid="berth-plan-bars" data-px-per-hour={layout.pxPerHour} style={VISUALLY_HIDDEN}>
              {layout.bars.map(({ bar, x, y }) => (
                <li key={bar.call.portCallID} data-call={bar.call.portCallID} data-x={x} data-y={y}>
                  {`${bar.vesselName}: ${state.data!.berths[bar.berthIndex]?.berthId} ${localTime(new Date(bar.planned![0]).toISOString())} – ${localTime(new Date(bar.planned![1]).toISOString())}`}
                </li>
              ))}
              {layout.rows.map((y, k) => <li key={`row-${k}`} data-berth={state.data!.berths[k]?.berthId} data-y={y} aria-hidden />)}
            </ul>
          </div>
        )}
      </Card>
    </Flex>
  );
}

const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, margin: -1, padding: 0, overflow: 'hidden', clip: 'rect(0 0 0 0)', border: 0 } as const;

/** A proposal: what it costs against first come, first served, and why each ship is where it is. */
function ProposalCard({ plan, busy, onAccept, onDiscard }: { plan: BerthPlan; busy?: string; onAccept: () => void; onDiscard: () => void }) {
  const { t } = useTranslation();
  const hours = (minutes: number) => (minutes / 60).toFixed(1);
  const pinned = plan.calls.filter((c) => c.pinned).map((c) => c.vesselName);
  return (
    <Card
      data-testid="berth-plan-proposal"
      title={<Space><Tag color={BAR_COLORS.proposed}>{t('berthPlan.state.proposed')}</Tag>{t('berthPlan.proposalTitle')}</Space>}
      extra={(
        <Space>
          <Button icon={<CloseOutlined />} loading={busy === 'discard'} onClick={onDiscard}>{t('berthPlan.discard')}</Button>
          <Button type="primary" icon={<CheckOutlined />} loading={busy === 'accept'} disabled={!plan.feasible} onClick={onAccept}>{t('berthPlan.accept')}</Button>
        </Space>
      )}
    >
      <Typography.Paragraph>
        {t('berthPlan.objective', { count: plan.calls.length, hours: hours(plan.objectiveMinutes) })}
        {plan.firstComeFirstServedMinutes !== null && ` · ${t('berthPlan.fcfs', { hours: hours(plan.firstComeFirstServedMinutes) })}`}
        {pinned.length > 0 && ` · ${t('berthPlan.pinned', { ships: pinned.join(', ') })}`}
      </Typography.Paragraph>
      {!plan.feasible && (
        // Why Accept is disabled: what the independent checker found wrong with the plan.
        <Alert type="error" showIcon data-testid="berth-plan-infeasible" title={t('berthPlan.infeasible')} style={{ marginBottom: 12 }}
          description={<Flex vertical>{(plan.violationItems?.map((v) => problemItemText(t, v)) ?? plan.violations).map((text, i) => <span key={i}>{text}</span>)}</Flex>} />
      )}
      {plan.unplaceable.length > 0 && (
        <Alert type="warning" showIcon title={t('berthPlan.unplaceable', { ships: plan.unplaceable.map((u) => u.vesselName).join(', ') })} style={{ marginBottom: 12 }}
          description={<Flex vertical>{plan.unplaceable.map((u) => <span key={u.portCallID}>{`${u.vesselName}: ${explain(t, u.why)}`}</span>)}</Flex>} />
      )}
      <Table<PlannedCall>
        size="small" pagination={false} rowKey="portCallID" dataSource={plan.calls}
        columns={[
          { key: 'vessel', title: t('berthPlan.column.vessel'), dataIndex: 'vesselName', render: (v: string, c) => <Space>{v}{c.pinned && <Tag color={BAR_COLORS.proposed}>{t('berthPlan.pin')}</Tag>}{c.kept && <Tag>{t('berthPlan.kept')}</Tag>}</Space> },
          { key: 'berth', title: t('berthPlan.column.berth'), dataIndex: 'berthId' },
          { key: 'arrival', title: t('berthPlan.column.arrival'), dataIndex: 'plannedBerthArrival', render: (v: string) => localTime(v) },
          { key: 'wait', title: t('berthPlan.column.wait'), dataIndex: 'waitMinutes', render: (v: number) => t('berthPlan.waitMinutes', { minutes: v }) },
          { key: 'why', title: t('berthPlan.column.why'), render: (_: unknown, c) => <Flex vertical><span>{explain(t, c.why.berth)}</span><Typography.Text type="secondary">{explain(t, c.why.wait)}</Typography.Text></Flex> },
        ]}
      />
    </Card>
  );
}
