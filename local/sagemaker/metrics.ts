// The metrics simulated endpoints publish, as a source for the local CloudWatch: a variant's series exist
// under exactly the dimensions EndpointName and VariantName, as SageMaker publishes them. A published minute
// never changes (deploys only change minutes still to come), so each is worked out once and kept.

import type { MetricSource } from '../cloudwatch/service';
import type { SageMakerSimulator } from './simulator';
import { VARIANT_METRICS, variantDatum, type MinuteDatum } from './traffic';

/** Minutes kept at most (a day of every metric of a few endpoints); past it, the memory starts afresh. */
const KEPT_MINUTES = 200_000;

export function endpointMetrics(sim: SageMakerSimulator): MetricSource {
  const published = new Map<string, MinuteDatum | null>();
  return {
    series(namespace, metricName, dimensions) {
      if (!VARIANT_METRICS[namespace]?.includes(metricName) || dimensions.length !== 2) return undefined;
      const endpointName = dimensions.find((d) => d.name === 'EndpointName')?.value;
      const variantName = dimensions.find((d) => d.name === 'VariantName')?.value;
      if (endpointName === undefined || variantName === undefined) return undefined;
      const timeline = sim.variantTimeline(endpointName, variantName);
      if (!timeline) return undefined;
      return (minuteStart, now) => {
        // Not published yet: nothing to keep.
        if (minuteStart + 60_000 > now) return undefined;
        const key = `${endpointName}|${variantName}|${metricName}|${minuteStart}`;
        const kept = published.get(key);
        if (kept !== undefined) return kept ?? undefined;
        const datum = variantDatum(timeline, metricName, minuteStart, now);
        if (published.size >= KEPT_MINUTES) published.clear();
        published.set(key, datum ?? null);
        return datum;
      };
    },
  };
}
