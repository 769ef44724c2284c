// Pure: the bars of the berth plan Gantt from a terminal's port calls, and the ECharts option.
import { format } from 'echarts/core';
import type { Berth, PortCall } from '../../api';
import type { ChartOption } from '../../components/charts/EChart';
import { localTime } from '../portcalls/model';

const HOUR = 3_600_000;
/** As the server's berth planner assumes (berthplan.ts): moves per crane-hour, overhead, default moves. */
const MOVES_PER_CRANE_HOUR = 28;
const OVERHEAD_HOURS = 2;
const DEFAULT_MOVES = 1200;
/** An arrival this much later than planned counts as late. */
const LATE_AFTER_MS = HOUR;
/** Narrower bars carry no label. */
const LABEL_MIN_PX = 60;

export type BarState = 'planned' | 'alongside' | 'departed' | 'late' | 'proposed';
export const BAR_COLORS: Record<BarState, string> = { planned: '#1677ff', alongside: '#389e0d', departed: '#8c8c8c', late: '#d4380d', proposed: '#722ed1' };

/** A proposed plan's place for a call, drawn instead of the call's own plan. */
export interface ProposedPlace {
  berthId: string;
  start: number;
  end: number;
}

export interface Bar {
  call: PortCall;
  vesselName: string;
  berthIndex: number;
  planned?: [number, number];
  /** The planned start is the ETA (no PTA-Berth yet). */
  plannedFromEstimate: boolean;
  actual?: [number, number];
  state: BarState;
  /** The planner may drag its planned window: the ship has not reached the berth yet. */
  draggable: boolean;
}

/** ECharts' own HTML escaping, for text put into tooltip HTML. */
const esc = (text: string | number | null | undefined) => format.encodeHTML(String(text ?? ''));

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

/** Hours alongside a call is expected to need: its moves over its cranes, plus mooring. */
export function expectedHours(call: PortCall, berth?: Berth): number {
  const cranes = call.cranesUsed ?? berth?.craneCount ?? 3;
  return (call.expectedMoves ?? DEFAULT_MOVES) / (Math.max(cranes, 1) * MOVES_PER_CRANE_HOUR) + OVERHEAD_HOURS;
}

export function barsOf(calls: PortCall[], berths: Berth[], names: Map<string, string>, ptd: Map<string, string>, now: number, proposed?: Map<string, ProposedPlace>): Bar[] {
  return calls.flatMap((call): Bar[] => {
    const place = proposed?.get(call.portCallID);
    const berthIndex = berths.findIndex((b) => b.berthId === (place?.berthId ?? call.berthId));
    if (berthIndex < 0 || call.status === 'OMITTED') return [];
    const pta = ms(call.berthArrival.planned);
    const startPlan = pta ?? ms(call.berthArrival.estimated);
    const endPlan = ms(ptd.get(call.portCallID)) ?? (startPlan !== undefined ? startPlan + expectedHours(call, berths[berthIndex]) * HOUR : undefined);
    const ata = ms(call.berthArrival.actual);
    const atd = ms(call.berthDeparture.actual);
    const actual: [number, number] | undefined = ata !== undefined ? [ata, atd ?? Math.max(now, ata)] : undefined;
    const late = pta !== undefined && ((ata !== undefined && ata - pta > LATE_AFTER_MS) || (ata === undefined && now - pta > LATE_AFTER_MS));
    const state: BarState = late ? 'late' : atd !== undefined ? 'departed' : ata !== undefined ? 'alongside' : 'planned';
    const vesselName = names.get(call.vesselIMONumber) ?? call.vesselIMONumber;
    const draggable = ata === undefined && atd === undefined;
    if (place) return [{ call, vesselName, berthIndex, state: actual ? state : 'proposed', actual, plannedFromEstimate: false, planned: [place.start, place.end], draggable }];
    if (startPlan === undefined && !actual) return [];
    return [{
      call, vesselName, berthIndex, state, actual, plannedFromEstimate: pta === undefined, draggable: draggable && startPlan !== undefined,
      planned: startPlan !== undefined && endPlan !== undefined ? [startPlan, Math.max(endPlan, startPlan + HOUR)] : undefined,
    }];
  });
}

interface Labels {
  planned: string;
  actual: string;
  estimate: string;
  now: string;
  state: Record<BarState, string>;
  voyage: string;
}

/** A custom-series Gantt: one row per berth; the planned window hollow, the actual window solid. */
export function ganttOption(berths: Berth[], bars: Bar[], window: [number, number], now: number, labels: Labels): ChartOption {
  // One data item per window: [berthIndex, start, end, barIndex, kind (0 planned, 1 actual)].
  const data = bars.flatMap((b, i) => [
    ...(b.planned ? [[b.berthIndex, b.planned[0], b.planned[1], i, 0]] : []),
    ...(b.actual ? [[b.berthIndex, b.actual[0], b.actual[1], i, 1]] : []),
  ]);
  return {
    animation: false,
    grid: { left: 140, right: 24, top: 24, bottom: 64 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const value = (p as { value: number[] }).value;
        const b = bars[value[3]];
        const c = b.call;
        // The tooltip is HTML and its values come from other parties (a carrier names its voyages):
        // every value is escaped, only the markup here is ours.
        const rows = [
          `<b>${esc(b.vesselName)}</b> · IMO ${esc(c.vesselIMONumber)}`,
          esc(`${labels.voyage}: ${c.carrierServiceCode ?? ''} ${c.importVoyageNumber ?? ''} / ${c.exportVoyageNumber ?? ''}`),
          esc(labels.state[b.state]),
          b.planned ? esc(`${b.plannedFromEstimate ? labels.estimate : labels.planned}: ${localTime(new Date(b.planned[0]).toISOString())} → ${localTime(new Date(b.planned[1]).toISOString())}`) : '',
          b.actual ? esc(`${labels.actual}: ${localTime(new Date(b.actual[0]).toISOString())} → ${c.berthDeparture.actual ? localTime(c.berthDeparture.actual) : labels.now}`) : '',
        ];
        return rows.filter(Boolean).join('<br/>');
      },
    },
    // Dragging on the grid moves a ship's bar, so the inside zoom only zooms (wheel); the slider pans.
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter', moveOnMouseMove: false }, { type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', height: 20, bottom: 12 }],
    xAxis: {
      type: 'time', min: window[0], max: window[1], position: 'top',
      splitLine: { show: true, lineStyle: { color: '#f0f0f0' } },
      axisLabel: { hideOverlap: true },
    },
    yAxis: {
      type: 'category', inverse: true,
      data: berths.map((b) => `${b.berthId} · ${b.name}`),
      splitLine: { show: true, lineStyle: { color: '#f0f0f0' } },
      axisTick: { show: false },
    },
    series: [{
      type: 'custom',
      encode: { x: [1, 2], y: 0 },
      data,
      clip: true,
      renderItem: (params, api) => {
        const berth = api.value(0) as number;
        const start = api.coord([api.value(1), berth]);
        const end = api.coord([api.value(2), berth]);
        const bar = bars[api.value(3) as number];
        const actual = api.value(4) === 1;
        const rowHeight = (api.size!([0, 1]) as number[])[1];
        const height = rowHeight * (actual ? 0.42 : 0.7);
        const color = BAR_COLORS[bar.state];
        const actualWidth = (b: Bar) => (b.actual ? api.coord([b.actual[1], berth])[0] - api.coord([b.actual[0], berth])[0] : 0);
        const coordSys = params.coordSys as unknown as { x: number; y: number; width: number; height: number };
        const x = Math.max(start[0], coordSys.x);
        const width = Math.min(end[0], coordSys.x + coordSys.width) - x;
        if (width <= 0) return null;
        return {
          type: 'rect',
          shape: { x, y: start[1] - height / 2, width, height, r: 3 },
          style: actual
            ? { fill: color, stroke: color }
            : { fill: `${color}1f`, stroke: color, lineWidth: 1.5, lineDash: bar.plannedFromEstimate ? [4, 3] : undefined },
          cursor: !actual && bar.draggable ? 'move' : 'pointer',
          // The vessel's name goes on the actual bar, or on the planned one while the actual is too short to hold it.
          textContent: (actual ? width > LABEL_MIN_PX : !bar.actual || actualWidth(bar) <= LABEL_MIN_PX) && width > LABEL_MIN_PX
            ? { type: 'text', style: { text: bar.vesselName, fill: actual ? '#fff' : color, fontSize: 11 } }
            : undefined,
          // A planned bar whose actual holds no label: the name to its right, clear of the actual bar.
          textConfig: { position: !actual && bar.actual ? 'right' : 'inside' },
        };
      },
      markLine: {
        silent: true, symbol: 'none', label: { formatter: labels.now, position: 'end' },
        lineStyle: { color: '#cf1322', type: 'dashed' },
        data: [{ xAxis: now }],
      },
    }],
  };
}
