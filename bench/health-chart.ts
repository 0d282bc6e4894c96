// `npm run bench:chart`: what the health chart costs an answer. Rendering a day of hourly buckets (and, for
// scale, a day of minutes) to PNG, its size, and the upload the current way (files.getUploadURLExternal, the
// bytes, files.completeUploadExternal) through the real WebClient to the fake Slack API on this machine.
// Prints medians and p99 of BENCH_CHART_RUNS (default 200 renders, 50 uploads); asserts nothing.

import { WebClient } from '@slack/web-api';
import { startFakeSlackApi } from '../local/slack/fake-slack-api';
import { renderHealthChart, type ChartPoint } from '../slack/cards/health-chart';
import { uploadImage } from '../slack/files/upload-image';
import { median, percentile } from './support/lambda';

const RUNS = Number(process.env.BENCH_CHART_RUNS ?? 200);
const START = Date.UTC(2026, 11, 4, 9, 0);

function series(count: number, stepMs: number): ChartPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(START + i * stepMs),
    requests: Math.round(5000 + 2000 * Math.sin(i / 5)),
    errors: i > count - 4 ? 500 : 20,
    latencyP50Ms: i > count - 4 ? 110 : 38 + (i % 7),
  }));
}

function timed(times: number[], work: () => void): void {
  const started = performance.now();
  work();
  times.push(performance.now() - started);
}

function line(what: string, times: number[], extra = ''): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return `  ${what.padEnd(34)} p50 ${ms(median(times)).padStart(9)}   p99 ${ms(percentile(times, 99)).padStart(9)}${extra}`;
}

async function main(): Promise<void> {
  const hourly = series(24, 3600_000);
  const minutes = series(24 * 60, 60_000);
  for (let i = 0; i < 10; i += 1) renderHealthChart(hourly); // warm up
  const hourlyTimes: number[] = [];
  const minuteTimes: number[] = [];
  for (let i = 0; i < RUNS; i += 1) timed(hourlyTimes, () => renderHealthChart(hourly));
  for (let i = 0; i < Math.max(10, RUNS / 10); i += 1) timed(minuteTimes, () => renderHealthChart(minutes));
  const png = renderHealthChart(hourly);

  const slack = await startFakeSlackApi();
  const client = new WebClient('xoxb-bench', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  const uploads: number[] = [];
  const image = { bytes: png, filename: 'prod-health.png', altText: 'bench', title: 'bench' };
  for (let i = 0; i < Math.max(10, RUNS / 4); i += 1) {
    const started = performance.now();
    await uploadImage(client, image);
    uploads.push(performance.now() - started);
  }
  await slack.close();

  console.log('Health chart (600x240 PNG):');
  console.log(line('render, 24 hourly buckets', hourlyTimes, `   ${(png.length / 1024).toFixed(1)} KB`));
  console.log(line('render, 1,440 minute buckets', minuteTimes));
  console.log(line('upload, 3 steps to the fake Slack', uploads));
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
