// A state machine whose history grows as long as we like: a counting loop of Pass and Choice states
// (four events a turn) that then waits, still running, for a simulated day.

export const LONG_HISTORY_DEFINITION = JSON.stringify({
  Comment: 'Counts to $.limit, then waits: four history events per turn.',
  StartAt: 'Count',
  States: {
    Count: {
      Type: 'Pass',
      Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'limit.$': '$.limit' },
      Next: 'Count again',
    },
    'Count again': {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericLessThanPath: '$.limit', Next: 'Count' }],
      Default: 'Hold',
    },
    Hold: { Type: 'Wait', Seconds: 86400, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
});

/** Loop turns for about `events` history events (ExecutionStarted and the Wait add two). */
export function turnsFor(events: number): number {
  return Math.max(1, Math.round((events - 2) / 4));
}
