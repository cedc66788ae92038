/**
 * Charts from query results (spec §2.3, create_data_visualization): an ECharts option built from
 * the rows, rendered to SVG by ECharts itself (server-side rendering, no browser needed).
 */
import * as echarts from 'echarts';

export interface ChartSpec { plotType: 'bar'; xColumn: string; yColumn: string; title: string }
export interface Chart { type: 'echarts'; option: EChartsBarOption; spec: ChartSpec }
export interface EChartsBarOption {
  title: { text: string };
  tooltip: Record<string, unknown>;
  xAxis: { type: 'category'; name: string; data: string[] };
  yAxis: { type: 'value'; name: string };
  series: { type: 'bar'; name: string; data: number[] }[];
}

export class ChartInputError extends Error {}

/** A bar chart option: one bar per row, x from xColumn, height from yColumn (which must be numeric). */
export function barChart(rows: Record<string, unknown>[], spec: ChartSpec): Chart {
  if (rows.length === 0) throw new ChartInputError(`nothing to chart: the query returned no rows (columns wanted: ${spec.xColumn}, ${spec.yColumn})`);
  const columns = Object.keys(rows[0]!);
  for (const c of [spec.xColumn, spec.yColumn]) {
    if (!columns.includes(c)) throw new ChartInputError(`column "${c}" is not in the result: choose from ${columns.join(', ')}`);
  }
  const y = rows.map((r, i) => {
    const v = Number(r[spec.yColumn]);
    if (!Number.isFinite(v)) throw new ChartInputError(`row ${i + 1}: "${spec.yColumn}" is ${JSON.stringify(r[spec.yColumn])}, not a number; a bar's height must be numeric`);
    return v;
  });
  return {
    type: 'echarts',
    spec,
    option: {
      title: { text: spec.title },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', name: spec.xColumn, data: rows.map((r) => String(r[spec.xColumn])) },
      yAxis: { type: 'value', name: spec.yColumn },
      series: [{ type: 'bar', name: spec.yColumn, data: y }],
    },
  };
}

/** Renders the chart to an SVG document with ECharts' server-side renderer. */
export function renderSvg(chart: Chart, width = 800, height = 480): string {
  const instance = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    instance.setOption({ ...chart.option, animation: false });
    return instance.renderToSVGString();
  } finally {
    instance.dispose();
  }
}

/** The bars of a rendered SVG: their heights in pixels, by data index (read from ECharts' SSR metadata). */
export function barHeights(svg: string): number[] {
  const bars: [number, number][] = [];
  for (const m of svg.matchAll(/<path d="M[-\d.]+ [-\d.]+l[-\d.]+ 0l0 (-?[\d.]+)l[^"]*"[^>]*ecmeta_series_index="0" ecmeta_data_index="(\d+)"/g)) {
    bars.push([Number(m[2]), Math.abs(Number(m[1]))]);
  }
  return bars.sort((a, b) => a[0] - b[0]).map(([, h]) => h);
}
