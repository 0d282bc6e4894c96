// A build's model next to the live one, as people say it: "validation AUC 0.91, up from 0.89". The gate's
// metric comes first (the facts are ordered so); "up" and "down" state the numbers, not a judgment, since
// for a loss lower is better.

import type { MetricComparison, ModelComparisonFact, StartedBy } from '../builds/facts';
import { personName } from './dialog';

/** Metric name parts that are acronyms: "validation:auc" is "validation AUC". */
const ACRONYMS = new Set([
  'auc',
  'rmse',
  'mse',
  'mae',
  'mape',
  'f1',
  'ndcg',
  'map',
  'r2',
  'iou',
  'bleu',
  'wer',
]);
/** Metrics said at most in one sentence: a voice answer stays short, a card line one line. */
const MAX_SAID = 3;

/** "validation:auc" -> "validation AUC", "train_logloss" -> "train logloss". */
export function metricLabel(name: string): string {
  return name
    .split(/[:_/\s-]+/)
    .filter(Boolean)
    .map((part) => (ACRONYMS.has(part.toLowerCase()) ? part.toUpperCase() : part))
    .join(' ');
}

/** 0.9134 -> "0.913", 0.9 -> "0.9", 1523.7 -> "1524": three decimals at most, none past 100. */
export function metricValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toFixed(3)));
}

/** "validation AUC 0.91, up from 0.89"; "0.91, the same as before"; "0.91" when the live model lacks it. */
export function metricLine(metric: MetricComparison): string {
  const label = metricLabel(metric.name);
  const value = metric.value === undefined ? 'unknown' : metricValue(metric.value);
  if (metric.liveValue === undefined || metric.value === undefined) return `${label} ${value}`;
  const before = metricValue(metric.liveValue);
  if (before === value) return `${label} ${value}, the same as before`;
  return `${label} ${value}, ${metric.value > metric.liveValue ? 'up' : 'down'} from ${before}`;
}

/**
 * The comparison in one or two sentences, for status, details, cards and voice:
 * "Compared with the live model (prod-nightly-3): validation AUC 0.91, up from 0.89." A first model says
 * there is nothing to compare it with.
 */
export function comparisonSentence(fact: ModelComparisonFact, voice = false): string {
  if (fact.metrics.length === 0) {
    return voice
      ? 'This build has no final metrics to compare.'
      : `The ${fact.build} build has no final metrics to compare.`;
  }
  const said = fact.metrics.slice(0, MAX_SAID).map(metricLine);
  const lines = said.join('; ');
  if (!fact.live) {
    return `${capitalised(lines)}. There's no earlier model to compare it with.`;
  }
  return `Compared with the live model from ${voice ? liveOwner(fact.live.startedBy) : fact.live.build}: ${lines}.`;
}

/** Voice names the live model's build by who started it: "Ana Lima's build", else "the build before". */
function liveOwner(who: StartedBy | undefined): string {
  const name = personName(who);
  return name && !/^someone( |$)/.test(name) ? `${name}'s build` : 'the build before';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
