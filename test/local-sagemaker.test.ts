// The simulated SageMaker, driven directly (no HTTP): lifecycles, failures, paging and the Step Functions
// task integration. Time runs thousands of times faster than life; only recorded durations are checked.
import { realClock, replayClock, TimeScale, type Clock, type SimContext } from '../local/clock';
import { SageMakerApiError } from '../local/sagemaker/errors';
import { sageMakerTaskHandler, throttledTaskError } from '../local/sagemaker/task-integration';
import {
  ARN_PREFIX,
  fast,
  frozen,
  IMAGE,
  OUTPUT_PATH,
  simulatorPerTest,
  trainingJobRequest,
} from './support/sagemaker-simulator';

const MINUTE = 60_000;
const sim = simulatorPerTest();

/** A training job whose hyperparameters (sagebuild_*) steer the simulator. */
function trainingJob(name: string, hyperParameters: Record<string, string> = {}): Record<string, unknown> {
  return trainingJobRequest(name, { HyperParameters: { max_depth: '5', ...hyperParameters } });
}

/** A model and a single-variant endpoint config for it, optionally serving a training job's artifacts. */
async function modelAndConfig(name: string, fromJob?: string): Promise<void> {
  const modelDataUrl = `${OUTPUT_PATH}/${fromJob ?? 'seed'}/output/model.tar.gz`;
  await sim().call(
    'CreateModel',
    {
      ModelName: name,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/SageBuildSageMaker',
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: modelDataUrl },
    },
    fast,
  );
  await sim().call(
    'CreateEndpointConfig',
    {
      EndpointConfigName: `${name}-config`,
      ProductionVariants: [
        { VariantName: 'AllTraffic', ModelName: name, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' },
      ],
    },
    fast,
  );
}

const describeEndpoint = (name: string) => sim().call('DescribeEndpoint', { EndpointName: name }, fast);

/** Every EndpointStatus seen until the endpoint settles, by looking often (the scale gives ~100 ms per step). */
async function statusesUntilSettled(name: string): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const { EndpointStatus } = await describeEndpoint(name);
    if (seen.at(-1) !== EndpointStatus) seen.push(String(EndpointStatus));
    if (EndpointStatus === 'InService' || EndpointStatus === 'Failed') return seen;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function expectApiError(
  promise: Promise<unknown>,
  type: string,
  message: string | RegExp,
): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SageMakerApiError);
  expect((error as SageMakerApiError).type).toBe(type);
  expect((error as SageMakerApiError).message).toMatch(message);
}

const minutesBetween = (from: unknown, to: unknown): number =>
  ((to as Date).getTime() - (from as Date).getTime()) / MINUTE;

describe('training jobs', () => {
  it('runs Starting → Downloading → Training → Uploading → Completed with messages, artifacts and metrics', async () => {
    const created = await sim().call('CreateTrainingJob', trainingJob('churn-1'), fast);
    expect(created).toEqual({ TrainingJobArn: `${ARN_PREFIX}:training-job/churn-1` });
    const early = await sim().call('DescribeTrainingJob', { TrainingJobName: 'churn-1' }, fast);
    expect(early).toMatchObject({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Starting' });
    expect(early.ModelArtifacts).toBeUndefined();

    const done = await sim().waitForTrainingJob('churn-1');
    expect(done).toMatchObject({
      TrainingJobName: 'churn-1',
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      RoleArn: 'arn:aws:iam::123456789012:role/SageBuildSageMaker',
      HyperParameters: { max_depth: '5' },
      AlgorithmSpecification: { TrainingImage: IMAGE },
      OutputDataConfig: { S3OutputPath: OUTPUT_PATH },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge' },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
      ModelArtifacts: { S3ModelArtifacts: `${OUTPUT_PATH}/churn-1/output/model.tar.gz` },
    });
    expect(done.FailureReason).toBeUndefined();
    expect(done.SecondaryStatusTransitions?.map((t) => [t.Status, t.StatusMessage])).toEqual([
      ['Starting', 'Preparing the instances for training'],
      ['Downloading', 'Downloading input data'],
      ['Training', 'Training image download completed. Training in progress.'],
      ['Uploading', 'Uploading generated training model'],
      ['Completed', 'Training job completed'],
    ]);
    for (const t of done.SecondaryStatusTransitions ?? []) {
      expect(t.StartTime).toBeInstanceOf(Date);
      expect(t.EndTime).toBeInstanceOf(Date);
    }
    expect(done.FinalMetricDataList?.map((m) => [m.MetricName, m.Value])).toEqual([
      ['train:auc', expect.any(Number)],
      ['validation:auc', 0.91],
      ['validation:rmse', 0.21],
    ]);
    expect(done.FinalMetricDataList?.[0]?.Timestamp).toEqual(done.TrainingEndTime);
    for (const field of [
      'CreationTime',
      'TrainingStartTime',
      'TrainingEndTime',
      'LastModifiedTime',
    ] as const) {
      expect(done[field]).toBeInstanceOf(Date);
    }
    expect(done.BillableTimeInSeconds).toEqual(done.TrainingTimeInSeconds);
  });

  it('records simulated durations and replay-clock times in the past', async () => {
    const stretch = 5000;
    const anchor = Date.now() - 30 * 24 * 60 * MINUTE;
    const realStart = Date.now();
    const replay: SimContext = { clock: replayClock(anchor, stretch), timeScale: new TimeScale(stretch) };
    await sim().call('CreateTrainingJob', trainingJob('seeded-1'), replay);
    await sim().call(
      'CreateTrainingJob',
      trainingJob('seeded-2', { sagebuild_training_minutes: '10' }),
      replay,
    );
    const [full, short] = await Promise.all([
      sim().waitForTrainingJob('seeded-1'),
      sim().waitForTrainingJob('seeded-2'),
    ]);

    // Timers never run early (give or take a millisecond, which is 5 simulated seconds here), so every
    // phase lasts about its simulated length or more. On a loaded machine they may run hundreds of ms late,
    // each ms adding 5 simulated seconds, so the only ceiling is the replay clock's own: no recorded span can
    // exceed the real time that passed, times the stretch.
    const ceiling = ((Date.now() - realStart) * stretch) / MINUTE + 0.5;
    const fullMinutes = minutesBetween(full.CreationTime, full.TrainingEndTime);
    const shortMinutes = minutesBetween(short.CreationTime, short.TrainingEndTime);
    expect(fullMinutes).toBeGreaterThan(44);
    expect(fullMinutes).toBeLessThan(ceiling);
    expect(shortMinutes).toBeGreaterThan(9.5);
    // Each of the short job's timers is due before the full job's matching one, so it can never end later.
    expect(shortMinutes).toBeLessThanOrEqual(fullMinutes);
    // Billed from Downloading on: everything but the 2 minutes of Starting.
    expect(full.TrainingTimeInSeconds).toBeGreaterThan(42 * 60);

    // Phases run in order without gaps, from creation to the end of training, each its simulated length.
    const transitions = full.SecondaryStatusTransitions ?? [];
    expect((transitions[0]?.StartTime as Date).getTime()).toBeGreaterThanOrEqual(
      (full.CreationTime as Date).getTime(),
    );
    for (const [i, t] of transitions.entries()) {
      if (i > 0) expect(t.StartTime).toEqual(transitions[i - 1]?.EndTime);
    }
    const phase = (status: string): number => {
      const t = transitions.find((x) => x.Status === status);
      return minutesBetween(t?.StartTime, t?.EndTime);
    };
    expect(transitions.find((t) => t.Status === 'Uploading')?.EndTime).toEqual(full.TrainingEndTime);
    expect(phase('Starting')).toBeGreaterThan(1.5);
    expect(phase('Downloading')).toBeGreaterThan(2.5);
    expect(phase('Training')).toBeGreaterThan(37.5);
    expect(phase('Uploading')).toBeGreaterThan(1.5);
    // Training is the bulk of the job (38 of 45 minutes): with lateness under 45 simulated minutes in all,
    // it is still over 0.4 of it (37.5 / 90), however the lateness fell.
    if (ceiling < 90) expect(phase('Training') / fullMinutes).toBeGreaterThan(0.4);

    const lastMonth = Date.now() - 29 * 24 * 60 * MINUTE;
    expect((full.CreationTime as Date).getTime()).toBeGreaterThanOrEqual(anchor);
    expect((full.TrainingEndTime as Date).getTime()).toBeLessThan(lastMonth);
    expect((full.FinalMetricDataList?.[0]?.Timestamp as Date).getTime()).toBeLessThan(lastMonth);
  });

  it('reports the sagebuild_metric hyperparameter as validation:auc', async () => {
    await sim().call('CreateTrainingJob', trainingJob('churn-2', { sagebuild_metric: '0.87' }), fast);
    const done = await sim().waitForTrainingJob('churn-2');
    expect(done.FinalMetricDataList?.find((m) => m.MetricName === 'validation:auc')?.Value).toBe(0.87);
  });

  it('fails during Training with a realistic FailureReason when asked to', async () => {
    await sim().call(
      'CreateTrainingJob',
      trainingJob('churn-3', { sagebuild_simulate: 'training-failure' }),
      fast,
    );
    const done = await sim().waitForTrainingJob('churn-3');
    expect(done).toMatchObject({ TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed' });
    expect(done.FailureReason).toMatch(/^AlgorithmError: ExecuteUserScriptError:/);
    expect(done.FailureReason).toContain('Input contains NaN, infinity or a value too large');
    expect(done.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Failed',
    ]);
    expect(done.ModelArtifacts).toBeUndefined();
  });

  it('stops an InProgress job (Stopping, then Stopped) and refuses to stop a finished one', async () => {
    await sim().call('CreateTrainingJob', trainingJob('churn-4'), fast);
    await expect(sim().call('StopTrainingJob', { TrainingJobName: 'churn-4' }, fast)).resolves.toEqual({});
    const stopping = await sim().call('DescribeTrainingJob', { TrainingJobName: 'churn-4' }, fast);
    expect(stopping).toMatchObject({ TrainingJobStatus: 'Stopping', SecondaryStatus: 'Stopping' });

    const done = await sim().waitForTrainingJob('churn-4');
    expect(done).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
    expect(done.SecondaryStatusTransitions?.slice(-2).map((t) => t.Status)).toEqual(['Stopping', 'Stopped']);
    await expectApiError(
      sim().call('StopTrainingJob', { TrainingJobName: 'churn-4' }, fast),
      'ValidationException',
      'The request was rejected because the training job is in status Stopped.',
    );
  });

  it('rejects duplicate names (in any case), bad names and missing fields', async () => {
    await sim().call('CreateTrainingJob', trainingJob('churn-5'), frozen);
    await expectApiError(
      sim().call('CreateTrainingJob', trainingJob('Churn-5'), frozen),
      'ResourceInUse',
      `a training job with this name already exists (${ARN_PREFIX}:training-job/churn-5)`,
    );
    await expectApiError(
      sim().call('CreateTrainingJob', trainingJob('churn_5'), frozen),
      'ValidationException',
      "1 validation error detected: Value 'churn_5' at 'trainingJobName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}',
    );
    const { RoleArn: _role, ...noRole } = trainingJob('churn-6');
    await expectApiError(
      sim().call('CreateTrainingJob', noRole, frozen),
      'ValidationException',
      "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    );
    await expectApiError(
      sim().call('CreateTrainingJob', { ...trainingJob('churn-6'), AlgorithmSpecification: {} }, frozen),
      'ValidationException',
      "Value null at 'algorithmSpecification.trainingInputMode' failed to satisfy constraint: Member must not be null",
    );
    await expectApiError(
      sim().call(
        'CreateTrainingJob',
        { ...trainingJob('churn-6'), AlgorithmSpecification: { TrainingInputMode: 'File' } },
        frozen,
      ),
      'ValidationException',
      "Value null at 'algorithmSpecification.trainingImage'",
    );
    await expectApiError(
      sim().call('CreateTrainingJob', trainingJob('churn-6', { sagebuild_simulate: 'oops' }), frozen),
      'ValidationException',
      'sagebuild_simulate must be one of',
    );
    await expectApiError(
      sim().call('DescribeTrainingJob', { TrainingJobName: 'nope' }, frozen),
      'ValidationException',
      'Requested resource not found.',
    );
  });
});

describe('operations', () => {
  it('answers which operations it supports and rejects the rest', async () => {
    expect(sim().supports('DescribeEndpoint')).toBe(true);
    expect(sim().supports('DeleteDomain')).toBe(false);
    expect(sim().supports('toString')).toBe(false);
    await expectApiError(sim().call('DeleteDomain', {}, fast), 'UnknownOperationException', 'DeleteDomain');
  });

  it('rejects calls and waiters once disposed', async () => {
    await sim().call('CreateTrainingJob', trainingJob('churn-7'), frozen);
    const waiting = sim().waitForTrainingJob('churn-7');
    sim().dispose();
    await expect(waiting).rejects.toThrow('disposed');
    await expect(sim().call('ListEndpoints', {}, fast)).rejects.toThrow('disposed');
  });
});

describe('models, endpoint configs and endpoints', () => {
  it('describes models and configs, and refuses configs naming a missing model', async () => {
    await modelAndConfig('churn-a');
    const model = await sim().call('DescribeModel', { ModelName: 'churn-a' }, fast);
    expect(model).toMatchObject({
      ModelName: 'churn-a',
      ModelArn: `${ARN_PREFIX}:model/churn-a`,
      PrimaryContainer: { Image: IMAGE },
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/SageBuildSageMaker',
      CreationTime: expect.any(Date),
    });
    const config = await sim().call('DescribeEndpointConfig', { EndpointConfigName: 'churn-a-config' }, fast);
    expect(config).toMatchObject({
      EndpointConfigArn: `${ARN_PREFIX}:endpoint-config/churn-a-config`,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn-a' }],
      CreationTime: expect.any(Date),
    });
    await expectApiError(
      sim().call(
        'CreateEndpointConfig',
        {
          EndpointConfigName: 'bad',
          ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'Ghost' }],
        },
        fast,
      ),
      'ValidationException',
      `Could not find model "${ARN_PREFIX}:model/ghost".`,
    );
  });

  it('creates an endpoint: Creating, then InService with its variants; a second create is refused', async () => {
    await modelAndConfig('churn-a');
    const created = await sim().call(
      'CreateEndpoint',
      { EndpointName: 'churn', EndpointConfigName: 'churn-a-config' },
      fast,
    );
    expect(created).toEqual({ EndpointArn: `${ARN_PREFIX}:endpoint/churn` });
    const creating = await describeEndpoint('churn');
    expect(creating).toMatchObject({ EndpointStatus: 'Creating', EndpointConfigName: 'churn-a-config' });
    expect(creating.ProductionVariants).toBeUndefined();

    const live = await sim().waitForEndpoint('churn');
    expect(live).toMatchObject({
      EndpointName: 'churn',
      EndpointStatus: 'InService',
      EndpointConfigName: 'churn-a-config',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          CurrentWeight: 1,
          DesiredWeight: 1,
          CurrentInstanceCount: 1,
          DesiredInstanceCount: 1,
          DeployedImages: [
            { SpecifiedImage: IMAGE, ResolvedImage: expect.stringMatching(/@sha256:[0-9a-f]{64}$/) },
          ],
        },
      ],
    });
    expect(live.FailureReason).toBeUndefined();
    await expectApiError(
      sim().call('CreateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-a-config' }, fast),
      'ValidationException',
      `Cannot create already existing endpoint "${ARN_PREFIX}:endpoint/churn".`,
    );
  });

  it('keeps serving the old config while Updating and switches when the update completes', async () => {
    await modelAndConfig('churn-a');
    await modelAndConfig('churn-b');
    await sim().call('CreateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-a-config' }, fast);
    const before = await sim().waitForEndpoint('churn');

    await sim().call('UpdateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-b-config' }, fast);
    const updating = await describeEndpoint('churn');
    expect(updating).toMatchObject({
      EndpointStatus: 'Updating',
      EndpointConfigName: 'churn-a-config',
      PendingDeploymentSummary: { EndpointConfigName: 'churn-b-config' },
    });
    await expectApiError(
      sim().call('UpdateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-a-config' }, fast),
      'ValidationException',
      `Cannot update in-progress endpoint "${ARN_PREFIX}:endpoint/churn".`,
    );

    const after = await sim().waitForEndpoint('churn');
    expect(after).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'churn-b-config' });
    expect(after.PendingDeploymentSummary).toBeUndefined();
    expect((after.LastModifiedTime as Date).getTime()).toBeGreaterThan(
      (before.LastModifiedTime as Date).getTime(),
    );
  });

  it('rolls a failed update back to the old config, with the failure reason shown', async () => {
    const slow: SimContext = { clock: realClock, timeScale: new TimeScale(2000) };
    await sim().call(
      'CreateTrainingJob',
      trainingJob('churn-9', { sagebuild_simulate: 'endpoint-failure' }),
      fast,
    );
    expect((await sim().waitForTrainingJob('churn-9')).TrainingJobStatus).toBe('Completed');
    await modelAndConfig('churn-a');
    await modelAndConfig('churn-9', 'churn-9');
    await sim().call('CreateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-a-config' }, fast);
    await sim().waitForEndpoint('churn');

    await sim().call('UpdateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-9-config' }, slow);
    expect(await statusesUntilSettled('churn')).toEqual(['Updating', 'RollingBack', 'InService']);
    const after = await describeEndpoint('churn');
    expect(after).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'churn-a-config' });
    expect(after.FailureReason).toBe(
      'The primary container for production variant AllTraffic did not pass the ping health check. ' +
        'Please check CloudWatch logs for this endpoint.',
    );
  });

  it('fails a create whose model fails its health check, and lets a good config repair it', async () => {
    await sim().call(
      'CreateTrainingJob',
      trainingJob('churn-9', { sagebuild_simulate: 'endpoint-failure' }),
      fast,
    );
    await modelAndConfig('churn-9', 'churn-9');
    await modelAndConfig('churn-a');
    await sim().call('CreateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-9-config' }, fast);
    const failed = await sim().waitForEndpoint('churn');
    expect(failed).toMatchObject({ EndpointStatus: 'Failed', EndpointConfigName: 'churn-9-config' });
    expect(failed.FailureReason).toContain('did not pass the ping health check');
    expect(failed.ProductionVariants).toBeUndefined();

    await sim().call('UpdateEndpoint', { EndpointName: 'churn', EndpointConfigName: 'churn-a-config' }, fast);
    const repaired = await sim().waitForEndpoint('churn');
    expect(repaired).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'churn-a-config' });
    expect(repaired.FailureReason).toBeUndefined();
  });

  it('answers DescribeEndpoint on a missing endpoint with ValidationException, as SageMaker does', async () => {
    await expectApiError(
      describeEndpoint('Nope'),
      'ValidationException',
      `Could not find endpoint "${ARN_PREFIX}:endpoint/nope".`,
    );
  });
});

describe('listing', () => {
  // Each reading moves the clock on a second, so creation times are distinct and ordered.
  let t = Date.UTC(2026, 10, 1);
  const stepping: SimContext = {
    clock: { now: () => (t += 1000), fromReal: (ms) => ms } satisfies Clock,
    timeScale: new TimeScale(1),
  };
  const names = (list: unknown) => (list as { TrainingJobName: string }[]).map((j) => j.TrainingJobName);

  it('filters, sorts and pages training jobs', async () => {
    for (const name of ['job-c', 'job-a', 'job-b', 'other']) {
      await sim().call('CreateTrainingJob', trainingJob(name), stepping);
    }
    await sim().call('StopTrainingJob', { TrainingJobName: 'job-b' }, stepping);
    const list = (input: Record<string, unknown>) => sim().call('ListTrainingJobs', input, stepping);

    expect(names((await list({})).TrainingJobSummaries)).toEqual(['job-c', 'job-a', 'job-b', 'other']);
    expect(names((await list({ SortBy: 'Name', NameContains: 'JOB' })).TrainingJobSummaries)).toEqual([
      'job-a',
      'job-b',
      'job-c',
    ]);
    expect(names((await list({ SortOrder: 'Descending' })).TrainingJobSummaries)).toEqual([
      'other',
      'job-b',
      'job-a',
      'job-c',
    ]);
    const stopping = await list({ StatusEquals: 'Stopping' });
    expect(stopping.TrainingJobSummaries).toEqual([
      {
        TrainingJobName: 'job-b',
        TrainingJobArn: `${ARN_PREFIX}:training-job/job-b`,
        CreationTime: expect.any(Date),
        LastModifiedTime: expect.any(Date),
        TrainingJobStatus: 'Stopping',
        SecondaryStatus: 'Stopping',
      },
    ]);

    const first = await list({ SortBy: 'Name', MaxResults: 3 });
    expect(names(first.TrainingJobSummaries)).toEqual(['job-a', 'job-b', 'job-c']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await list({ SortBy: 'Name', MaxResults: 3, NextToken: first.NextToken });
    expect(names(second.TrainingJobSummaries)).toEqual(['other']);
    expect(second.NextToken).toBeUndefined();

    await expectApiError(list({ MaxResults: 101 }), 'ValidationException', "'maxResults'");
    await expectApiError(list({ SortBy: 'Size' }), 'ValidationException', 'enum value set');
    await expectApiError(list({ NextToken: 'garbage' }), 'ValidationException', 'NextToken');
    // Valid base64 JSON of the wrong shape, or a token from another listing, is refused the same way.
    const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const NextToken of [
      encoded({ offset: 'x' }),
      encoded([1]),
      encoded(null),
      encoded({ offset: -3 }),
    ]) {
      await expectApiError(list({ NextToken }), 'ValidationException', 'NextToken');
    }
    await modelAndConfig('churn-a');
    for (const name of ['ep-1', 'ep-2']) {
      await sim().call(
        'CreateEndpoint',
        { EndpointName: name, EndpointConfigName: 'churn-a-config' },
        stepping,
      );
    }
    const endpoints = await sim().call('ListEndpoints', { MaxResults: 1 }, stepping);
    expect(endpoints.NextToken).toEqual(expect.any(String));
    await expectApiError(list({ NextToken: endpoints.NextToken }), 'ValidationException', 'NextToken');
  });

  it('lists endpoints newest first by default, pages and filters them', async () => {
    await modelAndConfig('churn-a');
    for (const name of ['ep-1', 'ep-2', 'ep-3']) {
      await sim().call(
        'CreateEndpoint',
        { EndpointName: name, EndpointConfigName: 'churn-a-config' },
        stepping,
      );
    }
    const list = (input: Record<string, unknown>) => sim().call('ListEndpoints', input, stepping);
    const endpointNames = (out: Record<string, unknown>) =>
      (out.Endpoints as { EndpointName: string }[]).map((e) => e.EndpointName);

    const first = await list({ MaxResults: 2 });
    expect(endpointNames(first)).toEqual(['ep-3', 'ep-2']);
    expect(endpointNames(await list({ MaxResults: 2, NextToken: first.NextToken }))).toEqual(['ep-1']);
    expect(
      endpointNames(await list({ SortBy: 'Name', SortOrder: 'Ascending', NameContains: 'ep-' })),
    ).toEqual(['ep-1', 'ep-2', 'ep-3']);
    expect(await list({ StatusEquals: 'InService' })).toEqual({ Endpoints: [] });
    expect((await list({ StatusEquals: 'Creating' })).Endpoints).toEqual(
      expect.arrayContaining([expect.objectContaining({ EndpointName: 'ep-1', EndpointStatus: 'Creating' })]),
    );
  });
});

describe('listing models and endpoint configs', () => {
  let t = Date.UTC(2026, 10, 1);
  const stepping: SimContext = {
    clock: { now: () => (t += 1000), fromReal: (ms) => ms } satisfies Clock,
    timeScale: new TimeScale(1),
  };

  it('lists newest first by default, filters by name and creation time, and sorts by Name or CreationTime only', async () => {
    for (const name of ['churn-a', 'churn-b', 'fraud-a']) {
      await sim().call('CreateModel', { ModelName: name, PrimaryContainer: { Image: IMAGE } }, stepping);
      await sim().call(
        'CreateEndpointConfig',
        { EndpointConfigName: name, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name }] },
        stepping,
      );
    }
    const models = await sim().call('ListModels', {}, stepping);
    expect((models.Models as { ModelName: string }[]).map((m) => m.ModelName)).toEqual([
      'fraud-a',
      'churn-b',
      'churn-a',
    ]);
    expect((models.Models as object[])[0]).toEqual({
      ModelName: 'fraud-a',
      ModelArn: `${ARN_PREFIX}:model/fraud-a`,
      CreationTime: expect.any(Date),
    });
    const churnB = (models.Models as { CreationTime: Date }[])[1]?.CreationTime.getTime() ?? 0;
    const configs = await sim().call(
      'ListEndpointConfigs',
      { NameContains: 'churn', SortBy: 'Name', SortOrder: 'Ascending', CreationTimeBefore: churnB / 1000 },
      stepping,
    );
    expect(configs).toEqual({
      EndpointConfigs: [
        {
          EndpointConfigName: 'churn-a',
          EndpointConfigArn: `${ARN_PREFIX}:endpoint-config/churn-a`,
          CreationTime: expect.any(Date),
        },
      ],
    });
    await expectApiError(
      sim().call('ListModels', { SortBy: 'Status' }, stepping),
      'ValidationException',
      "Value 'Status' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime]",
    );
  });
});

describe('Step Functions task integration', () => {
  const SYNC = 'arn:aws:states:::sagemaker:createTrainingJob.sync';

  function handler(resource: string, ctx: SimContext & { signal?: AbortSignal } = fast) {
    const run = sageMakerTaskHandler(resource, sim(), ctx);
    if (!run) throw new Error(`no handler for ${resource}`);
    return run;
  }

  it('ignores resources that are not SageMaker', () => {
    expect(sageMakerTaskHandler('arn:aws:states:::lambda:invoke', sim(), fast)).toBeUndefined();
    expect(
      sageMakerTaskHandler('arn:aws:lambda:us-east-1:123456789012:function:f', sim(), fast),
    ).toBeUndefined();
  });

  it('.sync resolves with the describe output, times as epoch ms', async () => {
    const output = (await handler(SYNC)(trainingJob('sfn-1'))) as Record<string, unknown>;
    expect(output).toMatchObject({
      TrainingJobName: 'sfn-1',
      TrainingJobStatus: 'Completed',
      ModelArtifacts: { S3ModelArtifacts: `${OUTPUT_PATH}/sfn-1/output/model.tar.gz` },
    });
    expect(typeof output.CreationTime).toBe('number');
    expect(output.CreationTime).toBeGreaterThan(Date.UTC(2020, 0, 1));
    const transitions = output.SecondaryStatusTransitions as { StartTime: unknown }[];
    expect(typeof transitions[0]?.StartTime).toBe('number');
    expect(output).not.toHaveProperty('FailureReason');
  });

  it('.sync fails with States.TaskFailed and the describe output as the cause', async () => {
    const error = (await handler(SYNC)(
      trainingJob('sfn-2', { sagebuild_simulate: 'training-failure' }),
    ).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('States.TaskFailed');
    const cause = JSON.parse(error.message) as Record<string, unknown>;
    expect(cause).toMatchObject({ TrainingJobName: 'sfn-2', TrainingJobStatus: 'Failed' });
    expect(cause.FailureReason).toContain('AlgorithmError');
    expect(typeof cause.TrainingEndTime).toBe('number');
  });

  it('.sync stops the training job when the execution is stopped', async () => {
    const abort = new AbortController();
    const ctx = { clock: realClock, timeScale: new TimeScale(2000), signal: abort.signal };
    const running = handler(SYNC, ctx)(trainingJob('sfn-3'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    abort.abort();
    await expect(running).rejects.toBeDefined();
    const done = await sim().waitForTrainingJob('sfn-3');
    expect(done.TrainingJobStatus).toBe('Stopped');
  });

  it('names optimized-integration errors SageMaker.AmazonSageMakerException', async () => {
    const error = (await handler('arn:aws:states:::sagemaker:createEndpointConfig')({
      EndpointConfigName: 'cfg',
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'ghost' }],
    }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('SageMaker.AmazonSageMakerException');
    expect(error.message).toMatch(
      /^Could not find model ".*model\/ghost"\. \(Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
  });

  it('names aws-sdk integration errors SageMaker.<exception>', async () => {
    const missing = (await handler('arn:aws:states:::aws-sdk:sagemaker:describeEndpoint')({
      EndpointName: 'churn',
    }).catch((e: unknown) => e)) as Error;
    expect(missing.name).toBe('SageMaker.SageMakerException');
    expect(missing.message).toMatch(
      /^Could not find endpoint ".*endpoint\/churn"\. \(Service: SageMaker, Status Code: 400, Request ID: [0-9a-f-]{36}\)$/,
    );

    const create = handler('arn:aws:states:::aws-sdk:sagemaker:createTrainingJob', frozen);
    await create(trainingJob('sfn-4'));
    const duplicate = (await create(trainingJob('sfn-4')).catch((e: unknown) => e)) as Error;
    expect(duplicate.name).toBe('SageMaker.ResourceInUseException');
  });

  it('returns plain outputs with epoch-ms times for request-response calls', async () => {
    await modelAndConfig('churn-a');
    const created = await handler('arn:aws:states:::sagemaker:createEndpoint')({
      EndpointName: 'churn',
      EndpointConfigName: 'churn-a-config',
    });
    expect(created).toEqual({ EndpointArn: `${ARN_PREFIX}:endpoint/churn` });
    const described = (await handler('arn:aws:states:::aws-sdk:sagemaker:describeEndpoint')({
      EndpointName: 'churn',
    })) as Record<string, unknown>;
    expect(described).toMatchObject({ EndpointStatus: 'Creating', CreationTime: expect.any(Number) });
  });

  it('fails SageMaker resources it cannot simulate with States.Runtime', async () => {
    await expect(handler('arn:aws:states:::sagemaker:createProcessingJob.sync')({})).rejects.toMatchObject({
      name: 'States.Runtime',
    });
    await expect(
      handler('arn:aws:states:::sagemaker:createModel.waitForTaskToken')({}),
    ).rejects.toMatchObject({
      name: 'States.Runtime',
    });
  });

  it('offers the throttling error the fault injector throws, named as each integration surfaces it', () => {
    // Step Functions has no SageMaker.ThrottlingException: throttling is an unmodelled SageMaker error.
    expect(throttledTaskError('arn:aws:states:::sagemaker:createModel')).toMatchObject({
      name: 'SageMaker.AmazonSageMakerException',
      message: expect.stringMatching(
        /^Rate exceeded \(Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
      ),
    });
    expect(throttledTaskError('arn:aws:states:::aws-sdk:sagemaker:describeEndpoint')).toMatchObject({
      name: 'SageMaker.SageMakerException',
      message: expect.stringMatching(
        /^Rate exceeded \(Service: SageMaker, Status Code: 400, Request ID: [0-9a-f-]{36}\)$/,
      ),
    });
    expect(throttledTaskError('arn:aws:states:::lambda:invoke')).toBeUndefined();
  });
});
