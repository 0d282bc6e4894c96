// The endpoint health chart Slack shows beside the health answer and on the Home tab: requests as bars,
// errors in red at their feet, the median latency as a line on its own scale, over the last 24 hours.
// Rendered to a PNG in plain JavaScript (raster.ts, pngjs): no browser, canvas or native build, so it renders
// in the Slack Lambda as on a laptop, and the same series always gives the same bytes.

import { textWidth } from './bitmap-font';
import { Raster, type Rgb } from './raster';

/** One bucket of the series: the core's HealthFact.series24h entries have this shape. */
export interface ChartPoint {
  at: Date;
  requests: number;
  errors: number;
  latencyP50Ms?: number;
}

export const CHART_SIZE = { width: 600, height: 240 } as const;
/** A day of one-minute buckets at most: a longer series keeps its newest points. */
export const MAX_CHART_POINTS = 24 * 60;

export const CHART_COLORS = {
  background: [255, 255, 255],
  grid: [226, 230, 236],
  axisText: [80, 86, 96],
  requests: [84, 124, 184],
  errors: [214, 39, 40],
  latency: [232, 132, 0],
} as const satisfies Record<string, Rgb>;

const PLOT = { left: 50, right: 56, top: 30, bottom: 24 } as const;
/** An error bar is at least this tall: one failed request in thousands still shows. */
const MIN_ERROR_BAR = 2;

/** The chart as PNG bytes, CHART_SIZE unless told otherwise. */
export function renderHealthChart(
  series: readonly ChartPoint[],
  size: { width: number; height: number } = CHART_SIZE,
): Buffer {
  const points = cleanSeries(series);
  const raster = new Raster(size.width, size.height, CHART_COLORS.background);
  const plot = {
    x: PLOT.left,
    y: PLOT.top,
    width: size.width - PLOT.left - PLOT.right,
    height: size.height - PLOT.top - PLOT.bottom,
  };
  drawHeader(raster);
  const requestMax = niceCeiling(Math.max(0, ...points.map((p) => p.requests)));
  const latencies = points.flatMap((p) => (p.latencyP50Ms === undefined ? [] : [p.latencyP50Ms]));
  const latencyMax = niceCeiling(Math.max(0, ...latencies));
  drawGrid(raster, plot, requestMax, latencyMax, latencies.length > 0);
  if (points.length === 0 || requestMax === 0) {
    const note = 'NO REQUESTS IN THE LAST 24 HOURS';
    raster.text(
      note,
      plot.x + (plot.width - textWidth(note)) / 2,
      plot.y + plot.height / 2 - 4,
      CHART_COLORS.axisText,
    );
  }
  const slot = plot.width / Math.max(1, points.length);
  const barWidth = Math.max(1, Math.floor(slot * 0.7));
  const bottom = plot.y + plot.height;
  const heightOf = (value: number, max: number) => (max > 0 ? Math.round((value / max) * plot.height) : 0);
  points.forEach((point, i) => {
    const x = plot.x + Math.floor(i * slot + (slot - barWidth) / 2);
    const bar = heightOf(point.requests, requestMax);
    raster.fillRect(x, bottom - bar, barWidth, bar, CHART_COLORS.requests);
    if (point.errors > 0) {
      const errorBar = Math.max(MIN_ERROR_BAR, heightOf(point.errors, requestMax));
      raster.fillRect(x, bottom - errorBar, barWidth, errorBar, CHART_COLORS.errors);
    }
  });
  let previous: [number, number] | undefined;
  points.forEach((point, i) => {
    if (point.latencyP50Ms === undefined) {
      previous = undefined; // a bucket without latency breaks the line rather than inventing a value
      return;
    }
    const here: [number, number] = [
      plot.x + i * slot + slot / 2,
      bottom - heightOf(point.latencyP50Ms, latencyMax),
    ];
    raster.line(previous ?? here, here, CHART_COLORS.latency, 2);
    previous = here;
  });
  drawTimeLabels(raster, plot, points, slot);
  return raster.toPng();
}

/** Finite, non-negative numbers, errors no more than requests, oldest first, at most MAX_CHART_POINTS. */
function cleanSeries(series: readonly ChartPoint[]): ChartPoint[] {
  const count = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);
  return series
    .slice(-MAX_CHART_POINTS)
    .filter((p) => p.at instanceof Date && !Number.isNaN(p.at.getTime()))
    .map((p) => {
      const requests = count(p.requests);
      const latency = p.latencyP50Ms;
      return {
        at: p.at,
        requests,
        errors: Math.min(requests, count(p.errors)),
        ...(latency !== undefined && Number.isFinite(latency) && latency >= 0
          ? { latencyP50Ms: latency }
          : {}),
      };
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

function drawHeader(raster: Raster): void {
  raster.text('LAST 24 HOURS (UTC)', PLOT.left, 9, CHART_COLORS.axisText);
  const legend: [string, Rgb][] = [
    ['REQUESTS', CHART_COLORS.requests],
    ['ERRORS', CHART_COLORS.errors],
    ['P50 LATENCY', CHART_COLORS.latency],
  ];
  let x = raster.width - PLOT.right;
  for (const [label, color] of [...legend].reverse()) {
    x -= textWidth(label);
    raster.text(label, x, 9, CHART_COLORS.axisText);
    raster.fillRect(x - 11, 9, 7, 7, color);
    x -= 24;
  }
}

type Box = { x: number; y: number; width: number; height: number };

/** Gridlines at 0, half and the top, labelled with requests on the left and latency on the right. */
function drawGrid(
  raster: Raster,
  plot: Box,
  requestMax: number,
  latencyMax: number,
  hasLatency: boolean,
): void {
  for (const share of [0, 0.5, 1]) {
    const y = Math.round(plot.y + plot.height - share * plot.height);
    raster.fillRect(plot.x, y, plot.width, 1, CHART_COLORS.grid);
    const requests = compact(requestMax * share);
    raster.text(requests, plot.x - 6 - textWidth(requests), y - 3, CHART_COLORS.axisText);
    if (hasLatency)
      raster.text(`${compact(latencyMax * share)} MS`, plot.x + plot.width + 6, y - 3, CHART_COLORS.latency);
  }
}

/** "00:00", "06:00", …: a label under each bucket that starts a 6-hour mark, kept apart from the last one. */
function drawTimeLabels(raster: Raster, plot: Box, points: ChartPoint[], slot: number): void {
  let lastRight = -Infinity;
  points.forEach((point, i) => {
    const at = point.at;
    if (at.getUTCMinutes() !== 0 || at.getUTCHours() % 6 !== 0) return;
    const label = `${String(at.getUTCHours()).padStart(2, '0')}:00`;
    const x = Math.round(plot.x + i * slot + slot / 2 - textWidth(label) / 2);
    if (x < lastRight + 8) return;
    raster.fillRect(
      Math.round(plot.x + i * slot + slot / 2),
      plot.y + plot.height + 1,
      1,
      3,
      CHART_COLORS.axisText,
    );
    raster.text(label, x, plot.y + plot.height + 8, CHART_COLORS.axisText);
    lastRight = x + textWidth(label);
  });
}

/** The smallest 1, 2 or 5 times a power of ten at or above `value` (0 for 0). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value * (1 - 1e-9)) ?? 10;
  return step * power;
}

/** 950, 1.5K, 20K, 3M: short enough for an axis. */
function compact(value: number): string {
  const units: [number, string][] = [
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (value >= size) return `${trim(value / size)}${unit}`;
  }
  return trim(value);
}

function trim(value: number): string {
  return value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
}
