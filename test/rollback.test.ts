// Rollback and model comparison end to end: the core's unmodified SDK clients against the local AWS, the
// reference prod pipeline's real builds (training, model, config, endpoint), and the CLI's command language.

import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { join } from 'node:path';
import { runCommandOutcome, words } from '../commands/run';
import type { Requester } from '../core/builds/facts';
import { RollbackRefused } from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { localConfig } from '../local/local-config';
import { addOwnPipeline, readOwnMachine } from '../local/own-pipeline';
import { referencePipelineNames } from '../local/reference-pipelines';
import { comparisonSentence, errorSentence, status as statusSentence } from '../core/wording';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';

let stack: LocalStack;
let sagemaker: SageMakerClient;
const ENDPOINT = 'churn-prod';

beforeAll(async () => {
  stack = await startLocalStack({ past: false });
  sagemaker = new SageMakerClient({});
});

afterAll(async () => {
  sagemaker?.destroy();
  await stack?.close();
});

/** A prod build whose model scores `auc` on validation, run to its end. */
async function prodBuild(auc: string, requester: Requester = tester): Promise<string> {
  const started = await stack.core.start({
    pipeline: 'prod',
    requester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_metric': auc },
  });
  await stack.local.stepFunctions.waitFor(started.executionArn);
  expect((await stack.core.statusOf('prod', started.name)).status).toBe('SUCCEEDED');
  return started.name;
}

async function endpointConfig(): Promise<string | undefined> {
  const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
  return endpoint.EndpointStatus === 'InService' ? endpoint.EndpointConfigName : undefined;
}

async function refusal(work: Promise<unknown>): Promise<RollbackRefused> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RollbackRefused);
  return error as RollbackRefused;
}

/** A core whose prod pipeline lets only `allowed` roll back. */
function coreWithRollbackAccess(allowed: string[]): SageBuild {
  const config = stack.core.config;
  return new SageBuild({
    ...config,
    pipelines: config.pipelines.map((p) => ({ ...p, access: { ...p.access, rollback: allowed } })),
  });
}

describe('rollback and comparison on the reference prod pipeline', () => {
  let first: string;
  let second: string;

  test('the first model ever has nothing to compare with, and nothing to roll back to', async () => {
    first = await prodBuild('0.85');
    const comparison = await stack.core.compareWithLive('prod', first);
    expect(comparison.live).toBeUndefined();
    expect(comparison.metrics[0]).toEqual({ name: 'validation:auc', value: 0.85, gate: true });
    expect(comparisonSentence(comparison)).toBe(
      "Validation AUC 0.85; train AUC 0.88; validation RMSE 0.21. There's no earlier model to compare it with.",
    );
    const refused = await refusal(stack.core.rollbackPlan({ pipeline: 'prod', requester: tester }));
    expect(refused.reason).toBe('no-earlier-build');
    expect(errorSentence(refused)).toBe(
      `I found no successful prod build before ${first} that deployed a model, so there's nothing to roll back to. Nothing was changed.`,
    );
  });

  test('a better model is compared with the one live when it finished, the gate metric first', async () => {
    second = await prodBuild('0.91');
    const comparison = await stack.core.compareWithLive('prod');
    expect(comparison.build).toBe(second);
    expect(comparison.live?.build).toBe(first);
    expect(comparisonSentence(comparison)).toBe(
      `Compared with the live model from ${first}: validation AUC 0.91, up from 0.85; train AUC 0.94, up from 0.88; validation RMSE 0.21, the same as before.`,
    );
    // Details carry it too, and the endpoint answer names the build behind the live config.
    const details = await stack.core.details('prod');
    expect(details.comparison?.live?.build).toBe(first);
    expect((await stack.core.endpoint('prod')).build).toBe(second);
  });

  test('someone without rollback access is refused, and nothing changes', async () => {
    const strict = coreWithRollbackAccess(['cli:ana']);
    try {
      const error = await strict.rollback({ pipeline: 'prod', requester: tester }).catch((e: unknown) => e);
      expect(errorSentence(error)).toBe(
        "Sorry, you're not allowed to roll back the prod endpoint. Nothing was changed.",
      );
      expect(await endpointConfig()).toBe(second);
    } finally {
      strict.close();
    }
  });

  test('a rollback while the endpoint is updating is refused, as SageMaker refuses the update', async () => {
    stack.local.sagemaker.forceEndpointStatus(ENDPOINT, 'Updating');
    try {
      const refused = await refusal(stack.core.rollback({ pipeline: 'prod', requester: tester }));
      expect(errorSentence(refused)).toBe(
        "The prod endpoint is updating right now, so I can't roll it back. Try again once it's in service. Nothing was changed.",
      );
      // The local SageMaker answers an update of an updating endpoint as SageMaker does.
      const update = sagemaker.send(
        new UpdateEndpointCommand({ EndpointName: ENDPOINT, EndpointConfigName: first }),
      );
      await expect(update).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(
          /^Cannot update in-progress endpoint "arn:aws:sagemaker:.*churn-prod"\.$/,
        ),
      });
    } finally {
      stack.local.sagemaker.forceEndpointStatus(ENDPOINT, 'InService');
    }
  });

  test('the CLI asks first, then rolls back with --yes; status says who did it', async () => {
    const asked = await runCommandOutcome(words('rollback prod'), { core: stack.core, requester: tester });
    expect(asked.ok).toBe(false);
    expect(asked.text).toMatch(
      new RegExp(
        `^Roll back prod to the model from Tess Ter's build of (?:today|yesterday) \\d\\d:\\d\\d \\(${first}\\)\\? ` +
          `It replaces the model from ${second}\\. Reply \`rollback prod --yes\` to do it\\.$`,
      ),
    );
    expect(await endpointConfig()).toBe(second);

    const done = await runCommandOutcome(words('rollback prod --yes'), {
      core: stack.core,
      requester: tester,
    });
    expect(done.ok).toBe(true);
    expect(done.text).toMatch(
      new RegExp(
        `^Rolling prod back to the model from Tess Ter's build of (?:today|yesterday) \\d\\d:\\d\\d \\(${first}\\)\\. `,
      ),
    );
    // The endpoint goes InService -> Updating -> InService on the earlier config.
    const during = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    expect(['Updating', 'InService']).toContain(during.EndpointStatus);
    // While it updates, status says it is going back; it says "serves" only once the config is there.
    const early = await stack.core.status('prod');
    const settled = (await endpointConfig()) === first;
    if (early.rollback && !early.rollback.inProgress) expect(settled).toBe(true);
    if (early.rollback?.inProgress) {
      expect(statusSentence(early, new Date())).toMatch(
        new RegExp(
          `prod is going back to the model from build ${first}: Tess Ter rolled it back just now\\.$`,
        ),
      );
    }
    await waitFor(async () => ((await endpointConfig()) === first ? true : undefined));

    // Recorded on the endpoint's tags, read back by a status answer.
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
    const { Tags = [] } = await sagemaker.send(new ListTagsCommand({ ResourceArn: endpoint.EndpointArn }));
    expect(Tags).toEqual(
      expect.arrayContaining([
        { Key: 'sagebuild:rollback:build', Value: first },
        { Key: 'sagebuild:rollback:by-name', Value: 'Tess Ter' },
      ]),
    );
    // Still at most three calls for "is my build done": ListTags, and DescribeEndpoint as the tags name a rollback.
    const before = stack.local.callCount;
    const fact = await stack.core.status('prod');
    expect(stack.local.callsSince(before).sort()).toEqual([
      'sagemaker:DescribeEndpoint',
      'sagemaker:ListTags',
      'states:ListExecutions',
    ]);
    expect(fact.rollback).toMatchObject({ build: first, fromBuild: second, by: { displayName: 'Tess Ter' } });
    expect(statusSentence(fact, new Date())).toMatch(
      new RegExp(`prod serves the model from build ${first} since Tess Ter rolled it back just now\\.$`),
    );
    expect((await stack.core.endpoint('prod')).build).toBe(first);
  });

  test('a button for a build that is no longer live changes nothing', async () => {
    const refused = await refusal(stack.core.rollback({ pipeline: 'prod', requester: tester, from: second }));
    expect(refused.reason).toBe('not-live');
    expect(await endpointConfig()).toBe(first);
  });

  test('a rollback to a deleted endpoint config, or a deleted model, is refused', async () => {
    await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: second }));
    const refused = await refusal(stack.core.rollback({ pipeline: 'prod', to: second, requester: tester }));
    expect(errorSentence(refused)).toBe(
      `That build's endpoint config ${second} no longer exists, so I can't roll back to it. Nothing was changed.`,
    );
    const third = await prodBuild('0.83');
    // The deploy after the rollback ends it: no status, of the new build or an older one, names it.
    expect((await stack.core.status('prod')).rollback).toBeUndefined();
    expect((await stack.core.statusOf('prod', second)).rollback).toBeUndefined();
    await sagemaker.send(new DeleteModelCommand({ ModelName: first }));
    const noModel = await refusal(stack.core.rollback({ pipeline: 'prod', to: first, requester: tester }));
    expect(errorSentence(noModel)).toBe(
      `That build's model ${first} no longer exists, so I can't roll back to it. Nothing was changed.`,
    );
    expect(await endpointConfig()).toBe(third);
  });

  test('a worse model says so, next to the model it replaced', async () => {
    const comparison = await stack.core.compareWithLive('prod');
    // The third build replaced the first build's model (live again after the rollback).
    expect(comparison.live?.build).toBe(first);
    expect(comparisonSentence(comparison)).toMatch(
      /^Compared with the live model from .*: validation AUC 0\.83, down from 0\.85;/,
    );
  });
});

describe('a team’s own machine in its deploy steps', () => {
  const TEAM_ENDPOINT = 'team-endpoint';
  const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team:latest';

  /** Its own endpoint on config "team-a"; the machine updates it to "team-b", then waits a day (traffic checks). */
  async function teamPipeline(): Promise<SageBuild> {
    const role = `arn:aws:iam::${stack.local.accountId}:role/TeamSageMakerRole`;
    for (const name of ['team-a', 'team-b']) {
      await sagemaker.send(
        new CreateModelCommand({
          ModelName: name,
          ExecutionRoleArn: role,
          PrimaryContainer: { Image: image },
        }),
      );
      await sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: name,
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: name,
              InstanceType: 'ml.m5.large',
              InitialInstanceCount: 1,
            },
          ],
        }),
      );
    }
    await sagemaker.send(
      new CreateEndpointCommand({ EndpointName: TEAM_ENDPOINT, EndpointConfigName: 'team-a' }),
    );
    await stack.local.sagemaker.waitForEndpoint(TEAM_ENDPOINT);
    const definition = {
      StartAt: 'Deploy',
      States: {
        Deploy: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sagemaker:updateEndpoint',
          Parameters: { EndpointName: TEAM_ENDPOINT, EndpointConfigName: 'team-b' },
          Next: 'Watch traffic',
        },
        'Watch traffic': { Type: 'Wait', Seconds: 86400, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { stateMachineArn } = stack.local.stepFunctions.createStateMachine({
      name: 'team-deploy',
      definition: JSON.stringify(definition),
      roleArn: `arn:aws:iam::${stack.local.accountId}:role/TeamStepFunctionsRole`,
    });
    const config = stack.core.config;
    const team = { ...config.pipelines[0], name: 'team', aliases: [], stateMachineArn, defaultInput: {} };
    const core = new SageBuild({ ...config, pipelines: [...config.pipelines, team] } as typeof config);
    return core;
  }

  test('a rollback while a build is in its deploy steps is refused with the build’s name', async () => {
    const core = await teamPipeline();
    try {
      const started = await core.start({ pipeline: 'team', requester: tester, idempotencyKey: newKey() });
      await waitFor(async () =>
        (await core.status('team')).currentStep?.name === 'Watch traffic' ? true : undefined,
      );
      const refused = await refusal(core.rollback({ pipeline: 'team', requester: tester }));
      expect(errorSentence(refused)).toBe(
        `The team build ${started.name} is deploying right now, so I won't roll back under it. Try again once it's done. Nothing was changed.`,
      );
      await core.stop({ pipeline: 'team', requester: tester });
    } finally {
      core.close();
    }
  });
});

describe('comparison on a team’s own machine', () => {
  test('the baseline is the build whose config the endpoint served, found in the histories', async () => {
    const file = join(__dirname, 'fixtures', 'machines', 'continuous-deployment.asl.json');
    const taken = [...referencePipelineNames(), 'team'];
    const team = addOwnPipeline(stack.local, readOwnMachine(file, taken));
    const core = new SageBuild(localConfig([...stack.pipelines, team], stack.local.region));
    try {
      const hyperparameters = (team.allowedInputKeys ?? []).find((key) => key.endsWith('.*'));
      expect(hyperparameters).toBeDefined();
      const build = async (auc: string) => {
        const key = (hyperparameters as string).replace(/\*$/, 'sagebuild_metric');
        const started = await core.start({
          pipeline: team.name,
          requester: tester,
          idempotencyKey: newKey(),
          overrides: { [key]: auc },
        });
        const record = await stack.local.stepFunctions.waitFor(started.executionArn);
        expect(record.status).toBe('SUCCEEDED');
        return started.name;
      };
      const first = await build('0.81');
      const second = await build('0.79');
      const comparison = await core.compareWithLive(team.name);
      expect(comparison).toMatchObject({ build: second, live: { build: first } });
      // No quality gate on this machine: the training job's own order.
      expect(comparisonSentence(comparison)).toBe(
        `Compared with the live model from ${first}: train AUC 0.82, down from 0.84; validation AUC 0.79, down from 0.81; validation RMSE 0.21, the same as before.`,
      );
    } finally {
      core.close();
    }
  });
});
