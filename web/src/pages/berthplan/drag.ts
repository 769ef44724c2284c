// Dragging a ship's planned bar on the berth plan Gantt. ECharts' custom series has no drag of
// its own: a mousedown on a planned bar (the series' mouse event) starts it, the chart's zrender
// mousemove/mouseup follow the pointer, and `convertFromPixel` turns the pointer into a berth row
// and a time. The ghost bar is drawn by the page (an overlay), so the chart's option — and with it
// the other bars — stays untouched while dragging.
import { useEffect, useState } from 'react';
import type { echarts } from '../../components/charts/EChart';
import type { Bar } from './gantt';

type Chart = ReturnType<typeof echarts.init>;

const SNAP_MS = 15 * 60_000;
/** A press that moves less than this is a click (the tooltip), not a drag. */
const DRAG_MIN_PX = 5;

export interface DropPlace {
  berthIndex: number;
  start: number;
}

export interface Ghost extends DropPlace {
  bar: Bar;
  /** Pixels in the chart's box. */
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where each movable bar and each berth row sits in the chart (pixels), for the text alternative and tests. */
export interface Layout {
  bars: { bar: Bar; x: number; y: number }[];
  rows: number[];
  pxPerHour: number;
}

const HOUR = 3_600_000;

function rowHeight(chart: Chart, rows: number): number {
  if (rows < 2) return 40;
  const a = chart.convertToPixel({ gridIndex: 0 }, [0, 0]) as number[];
  const b = chart.convertToPixel({ gridIndex: 0 }, [0, 1]) as number[];
  return Math.abs(b[1] - a[1]);
}

export function useGanttDrag(chart: Chart | null, bars: Bar[], berthCount: number, onDrop: (bar: Bar, place: DropPlace) => void) {
  const [ghost, setGhost] = useState<Ghost>();
  const [layout, setLayout] = useState<Layout>({ bars: [], rows: [], pxPerHour: 0 });

  useEffect(() => {
    if (!chart || !berthCount) return;
    const zr = chart.getZr();
    let drag: { bar: Bar; grab: number; duration: number; x: number; y: number } | undefined;

    const placeAt = (x: number, y: number): Ghost | undefined => {
      if (!drag) return undefined;
      const [t, row] = chart.convertFromPixel({ gridIndex: 0 }, [x, y]) as number[];
      if (!Number.isFinite(t) || !Number.isFinite(row)) return undefined;
      const berthIndex = Math.min(berthCount - 1, Math.max(0, Math.round(row)));
      const start = Math.round((t - drag.grab) / SNAP_MS) * SNAP_MS;
      const [x0, y0] = chart.convertToPixel({ gridIndex: 0 }, [start, berthIndex]) as number[];
      const [x1] = chart.convertToPixel({ gridIndex: 0 }, [start + drag.duration, berthIndex]) as number[];
      const height = rowHeight(chart, berthCount) * 0.7;
      return { bar: drag.bar, berthIndex, start, left: x0, top: y0 - height / 2, width: Math.max(4, x1 - x0), height };
    };
    const down = (p: { componentType?: string; value?: unknown; event?: { offsetX: number; offsetY: number } }) => {
      const v = p.value as number[] | undefined;
      if (p.componentType !== 'series' || !v || v[4] !== 0 || !p.event) return;
      const bar = bars[v[3]];
      if (!bar?.draggable || !bar.planned) return;
      const [t] = chart.convertFromPixel({ gridIndex: 0 }, [p.event.offsetX, p.event.offsetY]) as number[];
      drag = { bar, grab: t - bar.planned[0], duration: bar.planned[1] - bar.planned[0], x: p.event.offsetX, y: p.event.offsetY };
    };
    const move = (e: { offsetX: number; offsetY: number }) => {
      if (!drag) return;
      if (Math.hypot(e.offsetX - drag.x, e.offsetY - drag.y) < DRAG_MIN_PX) return;
      setGhost(placeAt(e.offsetX, e.offsetY));
    };
    const up = (e: { offsetX: number; offsetY: number }) => {
      if (!drag) return;
      const moved = Math.hypot(e.offsetX - drag.x, e.offsetY - drag.y) >= DRAG_MIN_PX;
      const place = placeAt(e.offsetX, e.offsetY);
      const bar = drag.bar;
      drag = undefined;
      setGhost(undefined);
      if (moved && place) onDrop(bar, { berthIndex: place.berthIndex, start: place.start });
    };
    // Recomputed after every render of the chart (zoom, resize, new data).
    const measure = () => {
      const at = (t: number, row: number) => chart.convertToPixel({ gridIndex: 0 }, [t, row]) as number[];
      const next: Layout = {
        bars: bars.filter((b) => b.draggable && b.planned).map((bar) => {
          const [x, y] = at((bar.planned![0] + bar.planned![1]) / 2, bar.berthIndex);
          return { bar, x: Math.round(x), y: Math.round(y) };
        }),
        rows: Array.from({ length: berthCount }, (_, k) => Math.round(at(Date.now(), k)[1])),
        pxPerHour: at(Date.now() + HOUR, 0)[0] - at(Date.now(), 0)[0],
      };
      setLayout((old) => (JSON.stringify(old.bars.map((b) => [b.bar.call.portCallID, b.x, b.y])) === JSON.stringify(next.bars.map((b) => [b.bar.call.portCallID, b.x, b.y]))
        && JSON.stringify(old.rows) === JSON.stringify(next.rows) && Math.abs(old.pxPerHour - next.pxPerHour) < 0.01 ? old : next));
    };
    chart.on('mousedown', down as never);
    zr.on('mousemove', move);
    zr.on('mouseup', up);
    chart.on('finished', measure);
    measure();
    return () => {
      chart.off('mousedown', down as never);
      zr.off('mousemove', move);
      zr.off('mouseup', up);
      chart.off('finished', measure);
    };
  }, [chart, bars, berthCount, onDrop]);

  return { ghost, layout };
}
