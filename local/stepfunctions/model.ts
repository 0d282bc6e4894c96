// What the local Step Functions keeps about state machines and executions. Times are epoch ms.

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One event in AWS's GetExecutionHistory shape, minus the wire conversion of its timestamp. */
export interface HistoryEventRecord {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [detailsKey: `${string}EventDetails`]: Record<string, unknown>;
}

export interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
  /** Bumped on every CreateStateMachine so listings keep a stable order. */
  seq: number;
}

export interface ExecutionRecord {
  arn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEventRecord[];
  /** Insertion order, to break ties between executions started in the same millisecond. */
  seq: number;
}

export const FINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
]);

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function executionArn(stateMachine: string, name: string): string {
  return `${stateMachine.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** AWS's rule for state machine and execution names: 1 to 80 characters, none of these. */
// eslint-disable-next-line no-control-regex -- AWS forbids control characters in names
const FORBIDDEN_NAME_CHARS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function isValidName(name: string): boolean {
  return name.length >= 1 && name.length <= 80 && !FORBIDDEN_NAME_CHARS.test(name);
}

/**
 * Whether an execution can be redriven, as DescribeExecution and the status-change event both report it.
 * The local AWS has no RedriveExecution, so a finished execution is never redrivable here.
 */
export function redriveInfo(execution: Pick<ExecutionRecord, 'status'>): {
  redriveStatus: 'NOT_REDRIVABLE';
  redriveStatusReason: string;
} {
  return {
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason:
      execution.status === 'RUNNING'
        ? 'Execution is RUNNING and cannot be redriven'
        : 'Redrive is not supported by the local AWS',
  };
}
