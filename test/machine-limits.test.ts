// Big and long: a machine of thousands of states is read without overflowing the stack or blocking the event
// loop (and past a cap the core speaks from names), a timed-out describe is asked again, and a card whose
// newest history page does not reach the build's start reads back before marking a step done.

import {
  CreateStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { BuildContext } from '../core/builds/context';
import type { BuildStatusFact } from '../core/builds/facts';
import type { HistoryReading } from '../core/builds/history';
import { parseConfig } from '../core/config/load';
import {
  currentDefinition,
  DefinitionCache,
  MAX_DEFINITION_CHARS,
  MAX_MACHINE_STATES,
  parseDefinition,
} from '../core/machine/definition';
import { machineRoles } from '../core/machine/roles';
import { mainSteps, markSteps, orderedStates } from '../core/machine/steps';
import { SageBuild } from '../core/sagebuild';
import { status } from '../core/wording';
import { LocalAws } from '../local/local-aws';
import { renderBuildCard } from '../slack/cards';
import { continuousDeployment } from './fixtures/machines';
import { TEST_TIME_SCALE, tester, waitFor } from './support/local-stack';

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const DESCRIBE_ENDPOINT = 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint';
const now = () => new Date();

/** `count` states named s1, s2, ... each going to the next; `make` shapes each one. */
function chainOf(count: number, make: (next: string | undefined) => Record<string, unknown>) {
  const states: Record<string, unknown> = {};
  for (let i = 1; i <= count; i += 1) states[`s${i}`] = make(i < count ? `s${i + 1}` : undefined);
  return states;
}

const passTo = (next: string | undefined) =>
  next ? { Type: 'Pass', Next: next } : { Type: 'Pass', End: true };
const lambdaTo = (next: string | undefined) =>
  next ? { Type: 'Task', Resource: LAMBDA, Next: next } : { Type: 'Task', Resource: LAMBDA, End: true };

function parsed(text: string) {
  const machine = parseDefinition(text);
  if (!machine) throw new Error('the definition did not parse');
  return machine;
}

function reading(partial: Partial<HistoryReading>): HistoryReading {
  return { entered: new Set(), open: new Set(), complete: true, ...partial };
}

describe('a machine of thousands of states', () => {
  test('a chain of 12,000 tasks gives its roles and its 12,000 steps, in order', () => {
    const text = JSON.stringify({ StartAt: 's1', States: chainOf(12_000, lambdaTo) });
    expect(text.length).toBeGreaterThan(470_000);
    const machine = parsed(text);
    const order = orderedStates(machine);
    expect(order).toHaveLength(12_000);
    expect([order[0], order[5_999], order[11_999]]).toEqual(['s1', 's6000', 's12000']);
    expect(machineRoles(machine).get('s7000')).toBe('lambda');
    const steps = mainSteps(machine);
    expect(steps).toHaveLength(12_000);
    expect(steps[4_000]).toEqual({ names: ['s4001'], states: ['s4001'] });
    const entered = new Set(['s1', 's2', 's3']);
    const marks = markSteps(
      steps,
      reading({ entered, open: new Set(['s3']), current: { name: 's3', type: 'Task' } }),
      'RUNNING',
    );
    expect(marks.slice(0, 4)).toEqual([
      { label: 's1', state: 'done' },
      { label: 's2', state: 'done' },
      { label: 's3', state: 'running' },
      { label: 's4', state: 'waiting' },
    ]);
  });

  test('an endpoint polling loop 12,000 states round is still found (loops found in linear time)', () => {
    const states = chainOf(12_000, (next) => passTo(next ?? 'Wait a minute'));
    const text = JSON.stringify({
      StartAt: 'Poll',
      States: {
        Poll: { Type: 'Task', Resource: DESCRIBE_ENDPOINT, Next: 's1' },
        ...states,
        'Wait a minute': { Type: 'Wait', Seconds: 60, Next: 'In service?' },
        'In service?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.EndpointStatus', StringEquals: 'InService', Next: 'Done' }],
          Default: 'Poll',
        },
        Done: { Type: 'Succeed' },
      },
    });
    const roles = machineRoles(parsed(text));
    expect(['Poll', 'Wait a minute', 'In service?', 's6000'].map((name) => roles.get(name))).toEqual([
      'endpoint-wait',
      'endpoint-wait',
      'endpoint-wait',
      'pass',
    ]);
  });

  test('past the cap of states, a definition of under 1 MB is not walked: the core speaks from names', () => {
    const text = JSON.stringify({ StartAt: 's1', States: chainOf(MAX_MACHINE_STATES + 1, passTo) });
    expect(text.length).toBeLessThan(MAX_DEFINITION_CHARS);
    expect(parseDefinition(text)).toBeUndefined();
    // Nested states count too.
    const branch = { StartAt: 's1', States: chainOf(MAX_MACHINE_STATES, passTo) };
    const nested = { Type: 'Parallel', Branches: [branch], Next: 'After' };
    const withParallel = { StartAt: 'Both', States: { Both: nested, After: { Type: 'Succeed' } } };
    expect(parseDefinition(JSON.stringify(withParallel))).toBeUndefined();
  });

  test('a definition over 1 MB is refused before it is parsed', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const huge = JSON.stringify({
        StartAt: 'A',
        States: { A: { Type: 'Pass', End: true } },
        Comment: 'x'.repeat(MAX_DEFINITION_CHARS),
      });
      expect(parseDefinition(huge)).toBeUndefined();
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  test('a machine too tangled to list in bounded work has no step list, rather than blocking', () => {
    // 5,000 tasks any of which a build may run: telling alternatives apart grows with the square of that.
    const branches: Record<string, unknown> = {};
    for (let i = 1; i <= 5_000; i += 1) branches[`b${i}`] = { Type: 'Task', Resource: LAMBDA, End: true };
    const text = JSON.stringify({
      StartAt: 'Pick',
      States: {
        Pick: {
          Type: 'Choice',
          Choices: Object.keys(branches).map((name, i) => ({
            Variable: '$.n',
            NumericEquals: i,
            Next: name,
          })),
          Default: 'b1',
        },
        ...branches,
      },
    });
    expect(mainSteps(parsed(text))).toEqual([]);
  });
});

describe('marks when the history read does not reach the build start', () => {
  test('the steps before the first one seen are unknown, never done, and alternatives keep both names', () => {
    const machine = parsed(continuousDeployment.definition);
    const marks = markSteps(
      mainSteps(machine),
      reading({
        complete: false,
        entered: new Set(['WaitForDeploy', 'GetEndpointStatus', 'IsDeployed']),
        open: new Set(['WaitForDeploy']),
        current: { name: 'WaitForDeploy', type: 'Wait' },
      }),
      'RUNNING',
    );
    expect(marks).toEqual([
      { label: 'TrainingJob', state: 'unknown' },
      { label: 'CreateModel', state: 'unknown' },
      { label: 'CreateEndpointConfig', state: 'unknown' },
      { label: 'CheckEndpointExists', state: 'unknown' },
      { label: 'CreateEndpoint / UpdateEndpoint', state: 'unknown' },
      { label: 'WaitForDeploy', state: 'running' },
    ]);
  });
});

describe('on the local AWS', () => {
  let local: LocalAws;
  let sfn: SFNClient;
  let sagemaker: SageMakerClient;

  beforeAll(async () => {
    local = await LocalAws.start({ timeScale: TEST_TIME_SCALE });
    process.env.AWS_ENDPOINT_URL = local.endpoint;
    sfn = new SFNClient({});
    sagemaker = new SageMakerClient({});
  });

  afterAll(async () => {
    sfn.destroy();
    sagemaker.destroy();
    await local.close();
  });

  async function createMachine(name: string, definition: string): Promise<string> {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name,
        definition,
        roleArn: 'arn:aws:iam::123456789012:role/TeamStepFunctionsRole',
      }),
    );
    return created.stateMachineArn as string;
  }

  function coreFor(name: string, stateMachineArn: string): SageBuild {
    return new SageBuild(
      parseConfig(
        {
          region: local.region,
          pipelines: [{ name, stateMachineArn, access: { start: ['*'], stop: ['*'] } }],
        },
        'test',
      ),
    );
  }

  /** A long Wait first, then `count` Pass states: a build sits in "Hold" as long as we like. */
  function heldChain(count: number): string {
    return JSON.stringify({
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 86_400, Next: 's1' }, ...chainOf(count, passTo) },
    });
  }

  test('a 12,000-state machine: status and a card with its steps', async () => {
    const arn = await createMachine('chain-12000', heldChain(12_000));
    const core = coreFor('chain', arn);
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'c1' }),
      );
      const fact = await waitFor(async () => {
        const f = await core.status('chain');
        return f.currentStep?.name === 'Hold' ? f : undefined;
      });
      expect(status(fact, now())).toMatch(/^Not yet\. Your chain build has been waiting for [^.]+\. /);
      const card = await core.statusOf('chain', executionArn as string);
      expect(card.steps).toEqual([{ label: 'Hold', state: 'running', startedAt: expect.any(Date) as Date }]);
      await sfn.send(new StopExecutionCommand({ executionArn }));
    } finally {
      core.close();
    }
  });

  test('a machine past the cap of states: status speaks from the state name, the card shows that step', async () => {
    const arn = await createMachine('chain-capped', heldChain(MAX_MACHINE_STATES + 1_000));
    const core = coreFor('capped', arn);
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'c1' }),
      );
      const fact = await waitFor(async () => {
        const f = await core.status('capped');
        return f.currentStep?.name === 'Hold' ? f : undefined;
      });
      expect(status(fact, now())).toMatch(
        /^Not yet\. Your capped build has been working on the hold step for [^.]+\. /,
      );
      const described = await core.statusOf('capped', executionArn as string);
      expect(described.steps).toBeUndefined();
      const card = renderBuildCard(described, {
        consoleUrl: 'https://console.example',
        canStop: true,
        now: now(),
      });
      const block = card.blocks.find((b) => b.block_id === 'build_steps');
      expect(block?.type === 'section' ? block.text?.text : undefined).toMatch(
        /^:hourglass_flowing_sand: Hold · /,
      );
      await sfn.send(new StopExecutionCommand({ executionArn }));
    } finally {
      core.close();
    }
  });

  /**
   * A Parallel that prepares, then a Parallel that counts to $.limit (eight events a turn), then a Wait of a
   * simulated day: the first step's events lie as far back as we like.
   */
  const COUNTING_DEFINITION = JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Get ready', States: { 'Get ready': { Type: 'Pass', End: true } } }],
        OutputPath: '$[0]',
        Next: 'Tick',
      },
      Tick: {
        Type: 'Parallel',
        Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'limit.$': '$.limit' },
        Branches: [{ StartAt: 'Tock', States: { Tock: { Type: 'Pass', End: true } } }],
        OutputPath: '$[0]',
        Next: 'Again?',
      },
      'Again?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.n', NumericLessThanPath: '$.limit', Next: 'Tick' }],
        Default: 'Hold',
      },
      Hold: { Type: 'Wait', Seconds: 86_400, End: true },
    },
  });

  /** The status, with the card's steps, of a build that counted `turns` times and now holds. */
  async function stepsAfterCounting(turns: number, build: string) {
    const arn = await createMachine(`counting-${build}`, COUNTING_DEFINITION);
    const core = coreFor('counting', arn);
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: arn,
          name: build,
          input: JSON.stringify({ n: 0, limit: turns }),
        }),
      );
      const execution = () => local.stepFunctions.executionsOf(arn)[0];
      await waitFor(
        () => (execution()?.events.some((e) => e.type === 'WaitStateEntered') ? true : undefined),
        60_000,
      );
      expect(execution()?.events.length).toBeGreaterThan(8 * turns);
      const fact = await core.statusOf('counting', executionArn as string);
      await sfn.send(new StopExecutionCommand({ executionArn }));
      return fact;
    } finally {
      core.close();
    }
  }

  const marks = (fact: BuildStatusFact) => fact.steps?.map((step) => [step.label, step.state]);

  test('a history longer than a page is read back: the first step was done', async () => {
    expect(marks(await stepsAfterCounting(150, 'c150'))).toEqual([
      ['Prepare (Get ready)', 'done'],
      ['Tick (Tock)', 'running'],
    ]);
  });

  test('past the read-back bound, a step not seen is unknown, not done', async () => {
    // 5,000 events are read back at most.
    const fact = await stepsAfterCounting(700, 'c700');
    expect(marks(fact)).toEqual([
      ['Prepare (Get ready)', 'unknown'],
      ['Tick (Tock)', 'running'],
    ]);
    const card = renderBuildCard(fact, { consoleUrl: 'https://console.example', canStop: true, now: now() });
    const block = card.blocks.find((b) => b.block_id === 'build_steps');
    expect((block?.type === 'section' ? (block.text?.text ?? '') : '').split('\n')[0]).toBe(
      ':grey_question: Prepare (Get ready)',
    );
  });

  function contextFor(
    stateMachineArn: string,
    signal: AbortSignal,
    definitions: DefinitionCache,
  ): BuildContext {
    return {
      pipeline: { ...parseConfig({ pipelines: [{ name: 'p', stateMachineArn }] }, 'test').pipelines[0]! },
      sfn,
      sagemaker,
      now,
      signal,
      definitions,
    };
  }

  test('a describe that was aborted or timed out is asked again on the next call', async () => {
    const arn = await createMachine('describe-again', continuousDeployment.definition);
    const definitions = new DefinitionCache();
    const aborted = new AbortController();
    aborted.abort();
    expect(await currentDefinition(contextFor(arn, aborted.signal, definitions))).toBeUndefined();
    local.faults.set({ latencyMs: 2_000, operations: ['DescribeStateMachine'] });
    try {
      expect(await currentDefinition(contextFor(arn, AbortSignal.timeout(50), definitions))).toBeUndefined();
    } finally {
      local.faults.set({});
    }
    const before = local.callCount;
    const known = await currentDefinition(contextFor(arn, AbortSignal.timeout(5_000), definitions));
    expect(Object.keys(known?.States ?? {})).toContain('TrainingJob');
    expect(local.callsSince(before)).toEqual(['states:DescribeStateMachine']);
  });

  test('a refused describe is not asked again at once', async () => {
    const arn = await createMachine('describe-refused', continuousDeployment.definition);
    const definitions = new DefinitionCache();
    local.faults.set({ deny: ['states:DescribeStateMachine'] });
    try {
      expect(
        await currentDefinition(contextFor(arn, AbortSignal.timeout(5_000), definitions)),
      ).toBeUndefined();
    } finally {
      local.faults.set({});
    }
    const before = local.callCount;
    expect(await currentDefinition(contextFor(arn, AbortSignal.timeout(5_000), definitions))).toBeUndefined();
    expect(local.callsSince(before)).toEqual([]);
  });
});

describe('a long endpoint wait', () => {
  /** Slow enough that an 8-minute endpoint creation lasts 16 s, and its 1-second polls pile up events. */
  const TIME_SCALE = 30;
  let local: LocalAws;
  let sfn: SFNClient;

  beforeAll(async () => {
    local = await LocalAws.start({ timeScale: TIME_SCALE });
    process.env.AWS_ENDPOINT_URL = local.endpoint;
    sfn = new SFNClient({});
  });

  afterAll(async () => {
    sfn.destroy();
    await local.close();
  });

  test('over 200 events: earlier steps are read back, the endpoint is created (not "or updated")', async () => {
    const asl = JSON.parse(continuousDeployment.definition) as {
      States: Record<string, { Seconds?: number }>;
    };
    (asl.States.WaitForDeploy as { Seconds: number }).Seconds = 1;
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'cd-fast-polls',
        definition: JSON.stringify(asl),
        roleArn: 'arn:aws:iam::123456789012:role/TeamStepFunctionsRole',
      }),
    );
    const core = new SageBuild(
      parseConfig(
        {
          region: local.region,
          pipelines: [{ name: 'cd', stateMachineArn, access: { start: ['*'], stop: ['*'] } }],
        },
        'test',
      ),
    );
    try {
      const input = continuousDeployment.input('long1', { sagebuild_training_minutes: '1' });
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: 'long1',
          input: JSON.stringify({ ...input, EndpointName: 'long-wait' }),
        }),
      );
      const execution = () => local.stepFunctions.executionsOf(stateMachineArn as string)[0];
      await waitFor(() => ((execution()?.events.length ?? 0) > 250 ? true : undefined), 60_000);
      const running = await core.statusOf('cd', executionArn as string);
      expect(running.status).toBe('RUNNING');
      expect(running.steps?.map((s) => [s.label, s.state])).toEqual([
        ['TrainingJob', 'done'],
        ['CreateModel', 'done'],
        ['CreateEndpointConfig', 'done'],
        ['CheckEndpointExists', 'done'],
        ['CreateEndpoint', 'done'],
        ['WaitForDeploy', 'running'],
      ]);
      await core.stop({ pipeline: 'cd', requester: tester });
      await local.stepFunctions.waitFor(executionArn as string);
      const stopped = await core.statusOf('cd', executionArn as string);
      expect(stopped.steps?.map((s) => [s.label, s.state])).toEqual([
        ['TrainingJob', 'done'],
        ['CreateModel', 'done'],
        ['CreateEndpointConfig', 'done'],
        ['CheckEndpointExists', 'done'],
        ['CreateEndpoint', 'done'],
        ['WaitForDeploy', 'stopped'],
      ]);
      // A finished build's history never changes: its newest page and its read-back are both kept, so asking
      // again reads no history at all.
      const before = local.callCount;
      await core.statusOf('cd', executionArn as string);
      expect(local.callsSince(before).filter((call) => call === 'states:GetExecutionHistory')).toHaveLength(
        0,
      );
    } finally {
      core.close();
    }
  });
});
