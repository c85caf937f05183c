import type { Comparison } from '../api/types';
import { formatNumber } from '../shape/format';
import { migrationCells, sankeyData } from '../shape/migration';
import type { ProfileHeatmap } from '../shape/profile';
import { LEVEL_COLOURS, type PsiBar } from '../shape/retrain';
import type { EChartsOption } from './echarts';

// ECharts options built from shaped data; pure functions, so the pages stay declarative.

const palette = ['#2f6690', '#d1495b', '#3a7d44', '#edae49', '#6c4f8c', '#00798c', '#8c5e3c', '#4d4d4d'];

export function sizesOption(labels: string[], sizes: number[]): EChartsOption {
  return {
    color: palette,
    tooltip: { trigger: 'axis' },
    grid: { left: 80, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value', name: 'customers' },
    series: [{ type: 'bar', data: sizes, label: { show: true, position: 'top' } }],
  };
}

export function profileOption(h: ProfileHeatmap): EChartsOption {
  return {
    tooltip: {
      formatter: (p: { value: [number, number, number, number] }) =>
        `${h.segments[p.value[1]]} · ${h.features[p.value[0]]}: ${formatNumber(p.value[3])} (z ${p.value[2].toFixed(2)})`,
    },
    grid: { left: 120, right: 20, top: 10, bottom: 80 },
    xAxis: { type: 'category', data: h.features, axisLabel: { rotate: 20 } },
    yAxis: { type: 'category', data: h.segments },
    visualMap: {
      min: -2,
      max: 2,
      dimension: 2,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#2166ac', '#f7f7f7', '#b2182b'] },
      text: ['z +2', 'z −2'],
    },
    series: [
      {
        type: 'heatmap',
        data: h.cells,
        label: { show: true, formatter: (p: { value: number[] }) => formatNumber(p.value[3]) },
      },
    ],
  };
}

/** Bars with whiskers for the 95% interval (a custom series draws the whiskers). */
export function errorBarsOption(
  title: string,
  rows: { label: string; value: number; lower: number | null; upper: number | null }[],
): EChartsOption {
  return {
    color: palette,
    tooltip: { trigger: 'axis' },
    grid: { left: 90, right: 20, top: 20, bottom: 40 },
    xAxis: { type: 'category', data: rows.map((r) => r.label) },
    yAxis: { type: 'value', name: title, scale: false },
    series: [
      { type: 'bar', name: title, data: rows.map((r) => r.value) },
      {
        type: 'custom',
        name: '95% interval',
        data: rows.map((r, i) => [i, r.lower ?? r.value, r.upper ?? r.value]),
        renderItem: (
          _params: unknown,
          api: { value: (i: number) => number; coord: (p: number[]) => number[]; size: (p: number[]) => number[] },
        ) => {
          const low = api.coord([api.value(0), api.value(1)]);
          const high = api.coord([api.value(0), api.value(2)]);
          const half = api.size([1, 0])[0] * 0.1;
          const style = { stroke: '#222', lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
              { type: 'line', shape: { x1: low[0] - half, y1: low[1], x2: low[0] + half, y2: low[1] }, style },
              { type: 'line', shape: { x1: high[0] - half, y1: high[1], x2: high[0] + half, y2: high[1] }, style },
            ],
          };
        },
        z: 10,
      },
    ],
  };
}

export function sankeyOption(m: NonNullable<Comparison['migration']>, nameA: string, nameB: string): EChartsOption {
  const { nodes, links } = sankeyData(m, nameA, nameB);
  return {
    color: palette,
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'sankey',
        left: 10,
        right: 150,
        data: nodes,
        links,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 },
        label: { color: '#111' },
      },
    ],
  };
}

/** The matrix coloured by row % (the API's `rowPercent`, 0–100), each cell labelled with its % and count. */
export function migrationHeatmapOption(
  m: NonNullable<Comparison['migration']>,
  nameA: string,
  nameB: string,
): EChartsOption {
  const pct = (v: number) => `${v.toFixed(1)}%`;
  return {
    tooltip: {
      formatter: (p: { value: number[] }) =>
        `${m.labelsA[p.value[1]]} → ${m.labelsB[p.value[0]]}: ${pct(p.value[2])} of the row (${formatNumber(p.value[3])})`,
    },
    grid: { left: 110, right: 20, top: 30, bottom: 90 },
    xAxis: { type: 'category', data: m.labelsB, name: nameB, nameLocation: 'middle', nameGap: 28 },
    // Inverse: A's first segment on top, as the table and the Sankey list them (a category axis grows upwards).
    yAxis: { type: 'category', data: m.labelsA, name: nameA, nameLocation: 'start', inverse: true },
    visualMap: {
      min: 0,
      max: 100,
      dimension: 2,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] },
      text: ['100% of row', '0%'],
    },
    series: [
      {
        type: 'heatmap',
        data: migrationCells(m),
        label: {
          show: true,
          fontSize: 11,
          lineHeight: 15,
          color: '#111',
          backgroundColor: 'rgba(255,255,255,0.75)',
          padding: 2,
          formatter: (p: { value: number[] }) => `${pct(p.value[2])}\n${formatNumber(p.value[3])}`,
        },
      },
    ],
  };
}

export function trackOption(
  kpi: string,
  versions: number[],
  lines: { name: string; points: ({ value: number; lower: number | null; upper: number | null } | null)[] }[],
): EChartsOption {
  return {
    color: palette,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 90, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: versions.map((v) => `v${v}`) },
    yAxis: { type: 'value', name: kpi },
    series: lines.flatMap((line, li) => [
      { type: 'line', name: line.name, data: line.points.map((p) => p?.value ?? null), connectNulls: false },
      {
        type: 'custom',
        name: line.name,
        data: line.points.flatMap((p, i) => (p && p.lower !== null && p.upper !== null ? [[i, p.lower, p.upper]] : [])),
        renderItem: (_params: unknown, api: { value: (i: number) => number; coord: (p: number[]) => number[] }) => {
          const low = api.coord([api.value(0), api.value(1)]);
          const high = api.coord([api.value(0), api.value(2)]);
          return {
            type: 'line',
            shape: { x1: low[0] + li * 3, y1: low[1], x2: high[0] + li * 3, y2: high[1] },
            style: { stroke: palette[li % palette.length], lineWidth: 2 },
          };
        },
      },
    ]),
  };
}

/** PSI per feature as bars coloured by drift level, with the moderate and significant thresholds as lines. */
export function psiOption(bars: PsiBar[], thresholds: { moderate: number; significant: number }): EChartsOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 70, right: 110, top: 20, bottom: 50 },
    xAxis: {
      type: 'category',
      data: bars.map((b) => b.feature),
      axisLabel: { interval: 0, rotate: bars.length > 6 ? 20 : 0 },
    },
    // Past the significant threshold, so both lines are drawn even when every PSI is small.
    yAxis: { type: 'value', name: 'PSI', max: (v: { max: number }) => Math.max(v.max, thresholds.significant) * 1.15 },
    series: [
      {
        type: 'bar',
        name: 'PSI',
        data: bars.map((b) => ({ value: b.psi, itemStyle: { color: LEVEL_COLOURS[b.level] } })),
        label: { show: true, position: 'top', formatter: (p: { value: number | null }) => formatNumber(p.value) },
        markLine: {
          symbol: 'none',
          silent: true,
          data: [
            {
              yAxis: thresholds.moderate,
              name: 'moderate',
              lineStyle: { color: LEVEL_COLOURS.moderate, type: 'dashed' },
            },
            {
              yAxis: thresholds.significant,
              name: 'significant',
              lineStyle: { color: LEVEL_COLOURS.significant, type: 'dashed' },
            },
          ],
          label: { position: 'end', formatter: (p: { name: string; value: number }) => `${p.name} ${p.value}` },
        },
      },
    ],
  };
}
