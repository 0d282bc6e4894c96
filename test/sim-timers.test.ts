// Simulated time keeps its order on a slow machine: a replayed build's outcome never depends on how busy the
// event loop is. The stalls below are busy loops standing in for a loaded CI machine; nothing is timed.

import { TimeScale } from '../local/clock';
import { startLocalStack } from './support/local-stack';

/** Blocks the event loop for `ms`, as a loaded machine (or a long synchronous job) does. */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe('TimeScale.after', () => {
  test('a chain of phases due before a deadline beats it, even when the loop stalls past the deadline', async () => {
    // 1,000 simulated ms per real ms: the 10 s deadline is 10 real ms, the stall 50.
    const scale = new TimeScale(1000);
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      scale.after(10, () => {
        seen.push('deadline');
        resolve();
      });
    });
    const phase = (left: number): void => {
      seen.push(`phase ${left}`);
      if (left > 1) scale.after(2, () => phase(left - 1));
    };
    scale.after(2, () => phase(4));
    stall(50);
    await done;
    expect(seen).toEqual(['phase 4', 'phase 3', 'phase 2', 'phase 1', 'deadline']);
  });

  test('a cancelled timer never fires; the others still do, in simulated order', async () => {
    const scale = new TimeScale(1000);
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => scale.after(3, resolve));
    scale.after(2, () => seen.push(2));
    const cancel = scale.after(1, () => seen.push(1));
    scale.after(0.5, () => seen.push(0.5));
    cancel();
    await done;
    expect(seen).toEqual([0.5, 2]);
  });
});

describe('seeded past builds on a busy machine', () => {
  test('prod-retrain-ana succeeds and only prod-retrain-sam fails, however long the loop stalls', async () => {
    // Each stall outlasts the training step's whole TimeoutSeconds at the replay scale (under 200 real ms).
    const busy = setInterval(() => stall(250), 50);
    const stack = await startLocalStack({ past: true }).finally(() => clearInterval(busy));
    try {
      const prod = stack.pipelines.find((pipeline) => pipeline.name === 'prod');
      const past = stack.local.stepFunctions.executionsOf(prod?.stateMachineArn as string);
      const failed = past.filter((execution) => execution.status !== 'SUCCEEDED');
      expect(failed.map((execution) => execution.name)).toEqual(['prod-retrain-sam']);
      const ana = past.find((execution) => execution.name === 'prod-retrain-ana');
      const { events } = stack.local.stepFunctions.getExecutionHistory({
        executionArn: ana?.arn as string,
        maxResults: 1000,
      }) as { events: { type: string }[] };
      expect(events.map((event) => event.type)).not.toContain('TaskTimedOut');
    } finally {
      await stack.close();
    }
  });
});
