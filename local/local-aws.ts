// The local AWS: Step Functions, SageMaker and CloudWatch over the real wire protocols on 127.0.0.1, so unmodified
// AWS SDK clients reach it through AWS_ENDPOINT_URL. Runs ASL for real; SageMaker work is simulated.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchService } from './cloudwatch/service';
import { cloudWatchErrorWire } from './cloudwatch/errors';
import { DEFAULT_TIME_SCALE, realClock, TimeScale, type Clock } from './clock';
import { EventBus, statusChangeEvent } from './events';
import { FaultInjector, type FaultSettings } from './faults';
import { createWireHandler, type WireService } from './http';
import { guarded } from './listeners';
import { AwsError } from './protocol';
import { endpointMetrics } from './sagemaker/metrics';
import { SageMakerSimulator } from './sagemaker/simulator';
import { throttledTaskError } from './sagemaker/task-integration';
import type { LocalFunction } from './stepfunctions/lambda-tasks';
import type { ExecutionRecord, HistoryEventRecord } from './stepfunctions/model';
import { StepFunctionsService } from './stepfunctions/service';

export type HistoryListener = (execution: ExecutionRecord, event: HistoryEventRecord) => void;

export interface LocalAwsOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /** How much faster than life simulated work runs (default 60: a 45-minute training takes 45 s). */
  timeScale?: number;
  faults?: Partial<FaultSettings>;
  /** Where to POST EventBridge status-change events, if anywhere. */
  eventTargetUrl?: string;
  /** The source of chance for fault injection; tests pass a fixed sequence. */
  random?: () => number;
  /** How many of the most recent API calls to remember (default 10,000): a long `npm start` must not grow. */
  keepCalls?: number;
  /**
   * The clock live work runs on (default: the real one): builds, endpoints and the metrics CloudWatch reports.
   * Tests move it forward to let simulated traffic pass.
   */
  clock?: Clock;
}

const DEFAULT_KEEP_CALLS = 10_000;

export class LocalAws {
  readonly region: string;
  readonly accountId: string;
  readonly timeScale: TimeScale;
  readonly faults: FaultInjector;
  readonly events: EventBus;
  readonly sagemaker: SageMakerSimulator;
  readonly stepFunctions: StepFunctionsService;
  readonly cloudWatch: CloudWatchService;
  readonly clock: Clock;
  private readonly keepCalls: number;
  /** The most recent API calls, as IAM actions, in a ring: call number n sits at n % keepCalls. */
  private readonly callRing: string[] = [];
  private callTotal = 0;
  private readonly historyListeners = new Set<HistoryListener>();
  private readonly functions = new Map<string, LocalFunction>();
  private server?: Server;
  private url?: string;

  constructor(options: LocalAwsOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.keepCalls = options.keepCalls ?? DEFAULT_KEEP_CALLS;
    if (!Number.isInteger(this.keepCalls) || this.keepCalls < 1) {
      throw new Error(`keepCalls must be a positive whole number, got ${this.keepCalls}`);
    }
    this.timeScale = new TimeScale(options.timeScale ?? DEFAULT_TIME_SCALE);
    this.faults = new FaultInjector(options.faults, options.random);
    this.events = new EventBus(options.eventTargetUrl);
    this.sagemaker = new SageMakerSimulator({
      region: this.region,
      accountId: this.accountId,
      // SageMaker's own endpoint events go on the bus too, as on AWS (the notifier announces rollbacks).
      onEndpointEvent: (event) => this.events.publishSageMaker(event),
    });
    this.clock = options.clock ?? realClock;
    this.cloudWatch = new CloudWatchService(endpointMetrics(this.sagemaker), this.clock);
    this.stepFunctions = new StepFunctionsService({
      region: this.region,
      accountId: this.accountId,
      sim: this.sagemaker,
      timeScale: this.timeScale,
      clock: this.clock,
      functions: this.functions,
      beforeTaskCall: (resource) => {
        // Only SageMaker tasks are throttled, with the error name their integration really surfaces.
        const throttled = throttledTaskError(resource);
        if (throttled && this.faults.throttleTask()) throw throttled;
      },
      // PutEvents tasks put on the local bus (the approval gate's request among them).
      events: {
        region: this.region,
        accountId: this.accountId,
        put: (event) => this.events.publishPut(event),
      },
      onStatusChange: (execution) =>
        this.events.publish(statusChangeEvent(execution, this.accountId, this.region)),
      onHistoryEvent: (execution, event) => {
        for (const listener of this.historyListeners)
          guarded('a history listener', () => listener(execution, event));
      },
    });
  }

  /**
   * How many API calls have been answered so far; it only ever grows. Tests and benchmarks take it before
   * some work and pass it to callsSince() after.
   */
  get callCount(): number {
    return this.callTotal;
  }

  /** The API calls answered since callCount was `count`, in order, as IAM actions ("states:ListExecutions"). */
  callsSince(count: number): string[] {
    if (!Number.isInteger(count) || count < 0 || count > this.callTotal) {
      throw new RangeError(`callsSince(${count}): expected a callCount from 0 to ${this.callTotal}`);
    }
    if (count < this.callTotal - this.keepCalls) {
      throw new RangeError(
        `callsSince(${count}): only the last ${this.keepCalls} calls are kept (${this.callTotal} so far)`,
      );
    }
    const calls: string[] = [];
    for (let n = count; n < this.callTotal; n += 1) calls.push(this.callRing[n % this.keepCalls] as string);
    return calls;
  }

  /** The most recent API calls still kept (up to keepCalls), oldest first. */
  get recentCalls(): string[] {
    return this.callsSince(Math.max(0, this.callTotal - this.keepCalls));
  }

  /**
   * In-process only: serves Lambda tasks of function `name` (arn:aws:states:::lambda:invoke or a function
   * ARN) with `handler`. Any other function fails its task with Lambda.ResourceNotFoundException.
   */
  registerFunction(name: string, handler: LocalFunction): () => void {
    this.functions.set(name, handler);
    return () => this.functions.delete(name);
  }

  /**
   * In-process only: every history event as it happens (the console shows steps from these). A listener
   * that throws is logged and ignored.
   */
  onHistoryEvent(listener: HistoryListener): () => void {
    this.historyListeners.add(listener);
    return () => this.historyListeners.delete(listener);
  }

  static async start(options: LocalAwsOptions = {}): Promise<LocalAws> {
    const local = new LocalAws(options);
    await local.listen(options.port ?? 0);
    return local;
  }

  /** The base URL for AWS_ENDPOINT_URL. */
  get endpoint(): string {
    if (!this.url) throw new Error('The local AWS is not listening yet.');
    return this.url;
  }

  async listen(port: number): Promise<void> {
    const server = createServer(createWireHandler(this.services(), this.hooks()));
    // Keep-alive sockets from SDK clients must not hold the process open after close().
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.stepFunctions.stopAll();
    this.sagemaker.dispose();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private services(): WireService[] {
    const sfn = this.stepFunctions;
    const sim = this.sagemaker;
    const cloudWatch = this.cloudWatch;
    return [
      {
        targetPrefix: 'AWSStepFunctions',
        iamPrefix: 'states',
        contentType: 'application/x-amz-json-1.0',
        operation: (name) => (Object.hasOwn(sfn.operations, name) ? sfn.operations[name] : undefined),
      },
      {
        targetPrefix: 'SageMaker',
        iamPrefix: 'sagemaker',
        contentType: 'application/x-amz-json-1.1',
        operation: (name) =>
          sim.supports(name)
            ? (input) => sim.call(name, input, { clock: this.clock, timeScale: this.timeScale })
            : undefined,
      },
      {
        // CloudWatch speaks JSON 1.0 under its old Query-era target name, with Query error codes.
        targetPrefix: 'GraniteServiceVersion20100801',
        iamPrefix: 'cloudwatch',
        contentType: 'application/x-amz-json-1.0',
        operation: (name) =>
          Object.hasOwn(cloudWatch.operations, name) ? cloudWatch.operations[name] : undefined,
        encodeError: cloudWatchErrorWire,
      },
    ];
  }

  private hooks() {
    return {
      beforeCall: (action: string, operation: string) => {
        this.callRing[this.callTotal % this.keepCalls] = action;
        this.callTotal += 1;
        return this.faults.beforeCall(action, operation, this.accountId);
      },
      admin: (path: string, method: string, body: unknown) => {
        if (path === '/_local/health') return { ok: true, timeScale: this.timeScale.factor };
        if (path === '/_local/faults' && method === 'GET') return this.faults.current;
        if (path === '/_local/faults' && method === 'POST')
          return this.faults.set((body ?? {}) as Partial<FaultSettings>);
        throw new AwsError('UnknownOperationException', `Unknown local endpoint: ${method} ${path}`);
      },
    };
  }
}
