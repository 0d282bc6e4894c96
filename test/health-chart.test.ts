// The health chart is a real PNG: decoded here with pngjs, its size and pixels checked against the series.

import { PNG } from 'pngjs';
import {
  CHART_COLORS,
  CHART_SIZE,
  MAX_CHART_POINTS,
  niceCeiling,
  renderHealthChart,
  type ChartPoint,
} from '../slack/cards/health-chart';

const START = Date.UTC(2026, 11, 4, 6, 0);
const HOUR = 3600_000;

function hourly(values: Partial<ChartPoint>[]): ChartPoint[] {
  return values.map((v, i) => ({ at: new Date(START + i * HOUR), requests: 0, errors: 0, ...v }));
}

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

function colorAt(png: PNG, x: number, y: number): [number, number, number] {
  const at = (png.width * y + x) * 4;
  return [png.data[at] ?? -1, png.data[at + 1] ?? -1, png.data[at + 2] ?? -1];
}

/** The header (title and legend, with its colour swatches) ends above this row. */
const BELOW_LEGEND = 24;

/** For each column, how many of its pixels under the header have `color`. */
function columnCounts(png: PNG, [r, g, b]: readonly number[]): number[] {
  const counts = new Array<number>(png.width).fill(0);
  for (let y = BELOW_LEGEND; y < png.height; y += 1) {
    for (let x = 0; x < png.width; x += 1) {
      const at = (png.width * y + x) * 4;
      if (png.data[at] === r && png.data[at + 1] === g && png.data[at + 2] === b)
        counts[x] = (counts[x] ?? 0) + 1;
    }
  }
  return counts;
}

/** Runs of adjacent columns with some pixels of a color: [first column, tallest count]. */
function bars(counts: number[]): { x: number; height: number }[] {
  const runs: { x: number; height: number }[] = [];
  counts.forEach((count, x) => {
    if (count === 0) return;
    const last = runs[runs.length - 1];
    if (last && counts[x - 1]) last.height = Math.max(last.height, count);
    else runs.push({ x, height: count });
  });
  return runs;
}

function pixelsOf(png: PNG, color: readonly number[]): number {
  return columnCounts(png, color).reduce((a, b) => a + b, 0);
}

describe('the health chart PNG', () => {
  test('is 600x240, white around the plot, and the same bytes for the same series', () => {
    const series = hourly([
      { requests: 10, errors: 1, latencyP50Ms: 30 },
      { requests: 20, latencyP50Ms: 40 },
    ]);
    const first = renderHealthChart(series);
    expect(first.subarray(1, 4).toString('ascii')).toBe('PNG');
    const png = decode(first);
    expect([png.width, png.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect(colorAt(png, 0, 0)).toEqual(CHART_COLORS.background);
    expect(colorAt(png, png.width - 1, png.height - 1)).toEqual(CHART_COLORS.background);
    expect(renderHealthChart(series).equals(first)).toBe(true);
  });

  test('request bars are as tall as their share of the busiest bucket; an idle bucket has none', () => {
    const png = decode(
      renderHealthChart(hourly([{ requests: 100 }, { requests: 50 }, {}, { requests: 100 }])),
    );
    const found = bars(columnCounts(png, CHART_COLORS.requests)).filter((b) => b.height > 10);
    expect(found).toHaveLength(3);
    const [a, b, c] = found.map((bar) => bar.height);
    expect(a).toBe(c);
    expect(Math.abs((a ?? 0) - 2 * (b ?? 0))).toBeLessThanOrEqual(1);
    // The empty third bucket leaves a gap twice as wide as the others.
    const gaps = found.slice(1).map((bar, i) => bar.x - (found[i]?.x ?? 0));
    expect(gaps[1]).toBeGreaterThan(1.5 * (gaps[0] ?? 0));
  });

  test('errors are red at the foot of their bars, visible however few; none when there are none', () => {
    const few = decode(renderHealthChart(hourly([{ requests: 10_000, errors: 1 }, { requests: 10_000 }])));
    const red = bars(columnCounts(few, CHART_COLORS.errors));
    expect(red).toHaveLength(1);
    expect(red[0]?.height).toBeGreaterThanOrEqual(2);
    const clean = decode(renderHealthChart(hourly([{ requests: 10_000 }, { requests: 10_000 }])));
    expect(pixelsOf(clean, CHART_COLORS.errors)).toBe(0);
  });

  test('latency is a line on its own scale, broken where a bucket has none', () => {
    const withLatency = decode(
      renderHealthChart(
        hourly([
          { requests: 5, latencyP50Ms: 20 },
          { requests: 5, latencyP50Ms: 80 },
        ]),
      ),
    );
    const without = decode(renderHealthChart(hourly([{ requests: 5 }, { requests: 5 }])));
    expect(pixelsOf(without, CHART_COLORS.latency)).toBe(0);
    expect(pixelsOf(withLatency, CHART_COLORS.latency)).toBeGreaterThan(100);
  });

  test('no traffic, an empty series and broken numbers still make a chart', () => {
    for (const series of [
      [],
      hourly([{}, {}]),
      hourly([{ requests: Number.NaN, errors: -3, latencyP50Ms: Number.POSITIVE_INFINITY }]),
      [{ at: new Date('not a date'), requests: 1, errors: 0 }],
    ]) {
      const png = decode(renderHealthChart(series));
      expect([png.width, png.height]).toEqual([600, 240]);
      expect(pixelsOf(png, CHART_COLORS.requests)).toBe(0);
    }
  });

  test('a series longer than a day of minutes keeps its newest points', () => {
    const long = Array.from({ length: MAX_CHART_POINTS + 500 }, (_, i) => ({
      at: new Date(START + i * 60_000),
      requests: i < 500 ? 1_000_000 : 10,
      errors: 0,
    }));
    const png = decode(renderHealthChart(long));
    // The oldest 500 (a million requests each) are left out: the scale is the newest points'.
    expect(pixelsOf(png, CHART_COLORS.requests)).toBeGreaterThan(1000);
  });

  test('axis tops are 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 180, 999, 1001].map(niceCeiling)).toEqual([0, 1, 5, 10, 20, 200, 1000, 2000]);
  });
});
