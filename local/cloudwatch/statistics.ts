// A statistic over the minute data in one period, as CloudWatch computes it from statistic sets: sums and
// counts add up, percentiles come from the values weighted by their counts.

import type { MinuteDatum } from '../sagemaker/traffic';
import type { Statistic } from './request';

export function statisticOf(statistic: Statistic, data: MinuteDatum[]): number | undefined {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const weighted: { value: number; count: number }[] = [];
  for (const datum of data) {
    datum.values.forEach((value, i) => {
      const n = datum.counts[i] ?? 1;
      count += n;
      sum += value * n;
      min = Math.min(min, value);
      max = Math.max(max, value);
      weighted.push({ value, count: n });
    });
  }
  if (count === 0) return undefined;
  switch (statistic.kind) {
    case 'SampleCount':
      return count;
    case 'Sum':
      return sum;
    case 'Average':
      return sum / count;
    case 'Minimum':
      return min;
    case 'Maximum':
      return max;
    case 'percentile':
      return percentile(weighted, count, statistic.p);
  }
}

/** The smallest value at or below which p% of the samples fall. */
function percentile(weighted: { value: number; count: number }[], total: number, p: number): number {
  weighted.sort((a, b) => a.value - b.value);
  const rank = (p / 100) * total;
  let seen = 0;
  for (const { value, count } of weighted) {
    seen += count;
    if (seen >= rank - 1e-9) return value;
  }
  return weighted[weighted.length - 1]?.value ?? 0;
}
