// The metrics simulated endpoints publish, as a source for the local CloudWatch: a variant's series exist
// under exactly the dimensions EndpointName and VariantName, as SageMaker publishes them.

import type { MetricSource } from '../cloudwatch/service';
import type { SageMakerSimulator } from './simulator';
import { VARIANT_METRICS, variantDatum } from './traffic';

export function endpointMetrics(sim: SageMakerSimulator): MetricSource {
  return {
    series(namespace, metricName, dimensions) {
      if (!VARIANT_METRICS[namespace]?.includes(metricName) || dimensions.length !== 2) return undefined;
      const endpointName = dimensions.find((d) => d.name === 'EndpointName')?.value;
      const variantName = dimensions.find((d) => d.name === 'VariantName')?.value;
      if (endpointName === undefined || variantName === undefined) return undefined;
      const timeline = sim.variantTimeline(endpointName, variantName);
      if (!timeline) return undefined;
      return (minuteStart, now) => variantDatum(timeline, metricName, minuteStart, now);
    },
  };
}
