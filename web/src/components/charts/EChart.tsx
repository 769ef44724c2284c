// Apache ECharts for the pages that draw charts, tree-shaken: `echarts/core` with only the charts
// and components registered here. Imported only by lazily loaded pages, so it is a chunk of its own
// that the other pages never load.
import { useEffect, useRef, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, CustomSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption, GridComponentOption, LegendComponentOption, MarkLineComponentOption, TitleComponentOption, TooltipComponentOption,
} from 'echarts/components';

// Chinese month and weekday names for the time axes (the rest of ECharts' own texts are not shown).
echarts.registerLocale('ZH', {
  time: {
    month: ['一月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月', '十一月', '十二月'],
    monthAbbr: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
    dayOfWeek: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
    dayOfWeekAbbr: ['日', '一', '二', '三', '四', '五', '六'],
  },
} as unknown as Parameters<typeof echarts.registerLocale>[1]);

echarts.use([BarChart, LineChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, TitleComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | CustomSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption |
  DataZoomComponentOption | MarkLineComponentOption | TitleComponentOption
>;

export { echarts };

/**
 * A chart that follows its option and the size of its box. `onChart` receives each new instance
 * (and null when it goes), for pages that listen to its mouse events.
 */
export function EChart({ option, style, testId, onChart }: { option: ChartOption; style?: CSSProperties; testId?: string; onChart?: (chart: echarts.ECharts | null) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { i18n } = useTranslation();
  const locale = i18n.language === 'zh-CN' ? 'ZH' : 'EN';
  const latest = useRef(option);
  latest.current = option;
  const listener = useRef(onChart);
  listener.current = onChart;

  // A new instance per language: ECharts takes its locale at init only.
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current, undefined, { renderer: 'canvas', locale });
    c.setOption(latest.current);
    chart.current = c;
    listener.current?.(c);
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      listener.current?.(null);
      c.dispose();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} data-testid={testId} style={{ width: '100%', height: 420, ...style }} />;
}
