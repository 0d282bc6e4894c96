import type { BuildStatusFact, BuildSummary, FailureFact } from '../core/builds/facts';
import {
  AccessDenied,
  AwsUnavailable,
  BuildAlreadyRunning,
  BuildNotFound,
  ConfigError,
  InvalidInput,
  NoBuildsYet,
  NoFailedBuild,
  NotAuthorized,
  NothingToStop,
  PipelineAmbiguous,
  PipelineNotFound,
} from '../core/errors';
import {
  approxDuration,
  buildList,
  dayAndTime,
  details,
  errorSentence,
  gerund,
  liveModel,
  readableReason,
  relativeTime,
  roleLabel,
  spokenDuration,
  spokenList,
  started,
  status,
  stepLabel,
  stopped,
  timeLeft,
  whyFailed,
} from '../core/wording';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = new Date('2025-03-10T12:00:00Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:sagebuild-prod:prod-3f2a1c9d';

function fact(overrides: Partial<BuildStatusFact> = {}): BuildStatusFact {
  return {
    pipeline: 'prod',
    executionArn: ARN,
    name: 'prod-3f2a1c9d',
    status: 'RUNNING',
    startedAt: ago(42 * MINUTE),
    elapsedMs: 42 * MINUTE,
    currentStep: {
      name: 'Train model',
      label: 'training the model',
      state: 'running',
      startedAt: ago(42 * MINUTE),
    },
    ...overrides,
  };
}

const eta = (basedOn: number, remainingMs: number) => ({
  typicalDurationMs: 60 * MINUTE,
  basedOn,
  remainingMs,
});

function finished(
  status: BuildStatusFact['status'],
  endedAgo: number,
  overrides: Partial<BuildStatusFact> = {},
) {
  const elapsedMs = 65 * MINUTE;
  return fact({
    status,
    startedAt: ago(endedAgo + elapsedMs),
    stoppedAt: ago(endedAgo),
    elapsedMs,
    ...overrides,
  });
}

function failure(overrides: Partial<FailureFact> = {}): FailureFact {
  return {
    pipeline: 'prod',
    executionArn: ARN,
    name: 'prod-3f2a1c9d',
    status: 'FAILED',
    failedAt: ago(3 * HOUR),
    step: 'Train model',
    stepLabel: 'training the model',
    error: 'States.TaskFailed',
    reason: 'AlgorithmError: ran out of memory.',
    ...overrides,
  };
}

describe('spokenDuration', () => {
  it.each([
    [0, 'a few seconds'],
    [9 * SECOND, 'a few seconds'],
    [43 * SECOND, '45 seconds'],
    [59 * SECOND, '55 seconds'],
    [60 * SECOND, 'a minute'],
    [2 * MINUTE, 'two minutes'],
    [10 * MINUTE, 'ten minutes'],
    [12 * MINUTE, '12 minutes'],
    [59 * MINUTE + 40 * SECOND, 'an hour'],
    [65 * MINUTE, 'an hour and five minutes'],
    [2 * HOUR + 20 * MINUTE, 'two hours and 20 minutes'],
    [2 * HOUR, 'two hours'],
    [13 * HOUR + MINUTE, '13 hours and a minute'],
    [DAY, 'a day'],
    [DAY + 3 * HOUR + 40 * MINUTE, 'a day and four hours'],
    [3 * DAY, 'three days'],
    [-5, 'a few seconds'],
    [Number.NaN, 'a few seconds'],
  ])('%d ms → %s', (ms, words) => {
    expect(spokenDuration(ms)).toBe(words);
  });
});

describe('approxDuration', () => {
  it.each([
    [5 * SECOND, 'a few seconds'],
    [32 * SECOND, 'about 30 seconds'],
    [7 * MINUTE + 20 * SECOND, 'about seven minutes'],
    [18 * MINUTE, 'about 18 minutes'],
    [19 * MINUTE + 40 * SECOND, 'about 20 minutes'],
    [23 * MINUTE, 'about 25 minutes'],
    [22 * MINUTE, 'about 20 minutes'],
    [58 * MINUTE, 'about an hour'],
    [84 * MINUTE, 'about an hour and 20 minutes'],
    [126 * MINUTE, 'about two hours and ten minutes'],
  ])('%d ms → %s', (ms, words) => {
    expect(approxDuration(ms)).toBe(words);
  });
});

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [59 * SECOND, 'just now'],
    [90 * SECOND, '2 minutes ago'],
    [MINUTE, 'a minute ago'],
    [12 * MINUTE, '12 minutes ago'],
    [59 * MINUTE + 50 * SECOND, 'an hour ago'],
    [HOUR + 20 * MINUTE, 'an hour ago'],
    [3 * HOUR, '3 hours ago'],
    [23 * HOUR + 50 * MINUTE, 'yesterday'],
    [30 * HOUR, 'yesterday'],
    [3 * DAY, '3 days ago'],
    [-5 * MINUTE, 'in 5 minutes'],
    [-HOUR, 'in an hour'],
    [-DAY, 'tomorrow'],
  ])('%d ms before now → %s', (before, words) => {
    expect(relativeTime(ago(before), NOW)).toBe(words);
  });

  it('copes with an invalid date', () => {
    expect(relativeTime(new Date(Number.NaN), NOW)).toBe('at an unknown time');
  });
});

describe('dayAndTime', () => {
  const now = new Date('2026-12-05T15:00:00Z');
  it('tells days and times in UTC by default', () => {
    expect(dayAndTime(new Date('2026-12-05T09:05:00Z'), now)).toBe('today 09:05');
    expect(dayAndTime(new Date('2026-12-04T23:30:00Z'), now)).toBe('yesterday 23:30');
    expect(dayAndTime(new Date('2026-12-01T08:00:00Z'), now)).toBe('on 1 December 08:00');
  });

  it("tells them in the team's zone: days begin at its midnight, half-hour offsets included", () => {
    // 15:00 UTC is 07:00 on the 5th in Los Angeles; 06:00 UTC on the 5th was 22:00 on the 4th there.
    expect(dayAndTime(new Date('2026-12-05T06:00:00Z'), now, 'America/Los_Angeles')).toBe('yesterday 22:00');
    expect(dayAndTime(new Date('2026-12-05T09:05:00Z'), now, 'America/Los_Angeles')).toBe('today 01:05');
    expect(dayAndTime(new Date('2026-12-04T19:00:00Z'), now, 'Asia/Kolkata')).toBe('today 00:30');
    expect(dayAndTime(new Date('2026-12-01T20:00:00Z'), now, 'Asia/Tokyo')).toBe('on 2 December 05:00');
  });
});

describe('stepLabel', () => {
  it.each([
    ['Train model', 'training the model'],
    ['Check quality gate', 'checking the quality gate'],
    ['Save model', 'saving the model'],
    ['Create endpoint config', 'creating the endpoint config'],
    ['Check endpoint', 'checking the endpoint'],
    ['Create endpoint', 'creating the endpoint'],
    ['Update endpoint', 'updating the endpoint'],
    ['Wait for endpoint', 'waiting for the endpoint'],
    ['Check endpoint status', 'checking the endpoint status'],
    ['Is endpoint in service', 'waiting for the endpoint'],
    ['Is endpoint in service?', 'waiting for the endpoint'],
    ['TrainModel', 'training the model'],
    ['trainModel', 'training the model'],
    ['train_model', 'training the model'],
    ['CREATE_ENDPOINT_CONFIG'.toLowerCase(), 'creating the endpoint config'],
    ['IsEndpointInService', 'waiting for the endpoint'],
    ['Run tests', 'running the tests'],
    ['Stop', 'stopping'],
    ['Deploy to production', 'deploying to production'],
    ['Copy model to S3', 'copying the model to S3'],
    ['Copy model to S3 bucket', 'copying the model to the S3 bucket'],
    ['Train XGBoost model', 'training the XGBoost model'],
    ['Clean up resources', 'cleaning up the resources'],
    ['Train and evaluate model', 'training and evaluating the model'],
    ['Send a notification', 'sending a notification'],
    ['Create new endpoint', 'creating new endpoint'],
    ['Featurize data', 'featurizing the data'],
    ['Pre-process data', 'pre-processing the data'],
    ['Training model', 'training the model'],
    ['Endpoint status', 'working on the endpoint status step'],
    ['Approval step', 'working on the approval step'],
    ['', 'working on an unnamed step'],
    // Names from the reference pipeline: questions, outcome states, and verbs the generic rule knows.
    ['Is quality gate met', 'checking whether the quality gate is met'],
    ['Is endpoint missing', 'checking whether the endpoint is missing'],
    ['Are metrics ready', 'checking whether the metrics are ready'],
    ['Is training complete', 'checking whether the training is complete'],
    ['Build succeeded', 'finishing up'],
    ['Training failed', 'reporting the failure'],
    ['Endpoint status check failed', 'reporting the failure'],
    ['Use training image', 'using the training image'],
    ['Grade metrics', 'grading the metrics'],
    ['Explain endpoint failure', 'explaining the endpoint failure'],
  ])('%j → %s', (name, label) => {
    expect(stepLabel(name)).toBe(label);
  });

  it.each([
    ['train', 'training'],
    ['save', 'saving'],
    ['create', 'creating'],
    ['stop', 'stopping'],
    ['run', 'running'],
    ['submit', 'submitting'],
    ['audit', 'auditing'],
    ['tie', 'tying'],
    ['see', 'seeing'],
    ['deploy', 'deploying'],
    ['fix', 'fixing'],
  ])('gerund(%s) → %s', (verb, ing) => {
    expect(gerund(verb)).toBe(ing);
  });

  // Products after a verb take no article and keep their spelling; as a modifier they take one.
  it.each([
    ['Notify Slack', 'notifying Slack'],
    ['notify_slack', 'notifying Slack'],
    ['NotifySlack', 'notifying Slack'],
    ['Post to Slack', 'posting to Slack'],
    ['Notify Slack channel', 'notifying the Slack channel'],
    ['Notify Teams', 'notifying Teams'],
    ['Notify teams', 'notifying the teams'],
    ['Notify PagerDuty', 'notifying PagerDuty'],
    ['Upload to s3', 'uploading to S3'],
    ['Register in sagemaker', 'registering in SageMaker'],
    ['Invoke Lambda', 'invoking Lambda'],
    ['Create Jira ticket', 'creating the Jira ticket'],
  ])('stepLabel(%s) → %s: proper nouns read as names', (name, label) => {
    expect(stepLabel(name)).toBe(label);
  });

  // Names no rule understands: grammatical, and never with their symbols dropped ("the accuracy 0 9 step").
  it.each([
    ['Accuracy > 0.9?', 'working on the step "Accuracy > 0.9?"'],
    ['sm-train', 'working on the sm train step'],
    ['Endpoint status', 'working on the endpoint status step'],
  ])('stepLabel(%s) → %s', (name, label) => {
    expect(stepLabel(name)).toBe(label);
  });

  // Names teams' own machines use, which once read "training the step" or "working on the step 1 step".
  it.each([
    ['Train Step', 'training'],
    ['TrainingJob', 'training'],
    ['Deploy stage', 'deploying'],
    ['IsDeployed', 'checking whether it is deployed'],
    ['step_1', 'working on step 1'],
    ['Step 2', 'working on step 2'],
    ['7', 'working on step 7'],
  ])('stepLabel(%s) → %s, never a garbled form', (name, label) => {
    expect(stepLabel(name)).toBe(label);
  });
});

describe('roleLabel', () => {
  it.each([
    ['training', 'Train Step', 'training the model'],
    ['training', 'TrainingJob', 'training the model'],
    ['training', 'sm-train', 'training the model'],
    ['model', 'Save model', 'saving the model'],
    ['model', 'Create Model', 'saving the model'],
    ['endpoint-config', 'Configure Endpoint', 'creating the endpoint config'],
    ['create-endpoint', 'Deploy', 'creating the endpoint'],
    ['update-endpoint', 'UpdateEndpoint', 'updating the endpoint'],
    ['endpoint-wait', 'IsDeployed', 'waiting for the endpoint'],
    ['endpoint-wait', 'GetEndpointStatus', 'waiting for the endpoint'],
    ['endpoint-check', 'CheckEndpointExists', 'checking the endpoint'],
    ['approval', 'step_9', 'waiting for approval'],
    // The name first where the role says less than a good name, the role where the name reads badly.
    ['processing', 'Preprocess data', 'preprocessing the data'],
    ['processing', 'sm-proc', 'running the processing job'],
    ['lambda', 'Notify team', 'notifying the team'],
    ['pass', 'step_1', 'working on step 1'],
    ['choice', 'Route', 'routing'],
    ['choice', 'Gate', 'deciding what to do next'],
    ['choice', 'Accuracy > 0.9?', 'deciding what to do next'],
    ['fail', 'step_fail', 'reporting the failure'],
    ['task', 'sm-notify', 'running a task'],
    ['lambda', 'Notify Slack', 'notifying Slack'],
  ] as const)('a %s state called %s is %s', (role, name, label) => {
    expect(roleLabel(role, name)).toBe(label);
  });

  it('without a role, speaks from the name', () => {
    expect(roleLabel(undefined, 'Train model')).toBe('training the model');
  });
});

describe('spokenList', () => {
  it.each([
    [[], ''],
    [['prod'], 'prod'],
    [['prod', 'dev'], 'prod and dev'],
    [['prod', 'dev', 'staging'], 'prod, dev and staging'],
  ])('%j → %s', (items, words) => {
    expect(spokenList(items)).toBe(words);
  });

  it('joins choices with "or"', () => {
    expect(spokenList(['prod', 'dev', 'staging'], 'or')).toBe('prod, dev or staging');
  });
});

describe('readableReason', () => {
  it('collapses whitespace and keeps one full stop', () => {
    expect(readableReason('  Out of   memory\n on host.. ')).toBe('Out of memory on host.');
    expect(readableReason('Is the bucket there?')).toBe('Is the bucket there?');
    expect(readableReason('   ')).toBe('');
  });

  it('caps long reasons at a word boundary', () => {
    const long = `${'word '.repeat(100)}end`;
    const readable = readableReason(long);
    expect(readable.length).toBeLessThanOrEqual(301);
    expect(readable).toMatch(/ word…$/);
  });
});

describe('status', () => {
  it('gives a running build with an estimate', () => {
    expect(status(fact({ eta: eta(5, 18 * MINUTE) }), NOW)).toBe(
      'Not yet. Your prod build has been training the model for 42 minutes. ' +
        'Based on the last 5 builds it should be done in about 18 minutes.',
    );
  });

  it('spells out small estimates', () => {
    expect(status(fact({ eta: eta(5, 8 * MINUTE) }), NOW)).toContain(
      'should be done in about eight minutes.',
    );
  });

  it('says "the last build" when the estimate rests on one build', () => {
    expect(status(fact({ eta: eta(1, 18 * MINUTE) }), NOW)).toContain(
      'Based on the last build it should be done in about 18 minutes.',
    );
  });

  it('says "any minute now" when the estimate has run out', () => {
    expect(status(fact({ eta: eta(5, 0) }), NOW)).toBe(
      'Not yet. Your prod build has been training the model for 42 minutes. ' +
        'Based on the last 5 builds it should be done any minute now.',
    );
  });

  it('explains a missing estimate', () => {
    expect(status(fact({ etaMissing: 'no-successful-builds' }), NOW)).toBe(
      'Not yet. Your prod build has been training the model for 42 minutes. ' +
        "I can't estimate the time left yet: there are no successful builds to learn from.",
    );
  });

  it('does not overstate the time in a step that began later', () => {
    const step = {
      name: 'Train model',
      label: 'training the model',
      state: 'running' as const,
      startedAt: ago(30 * MINUTE),
    };
    expect(status(fact({ currentStep: step, eta: eta(5, 18 * MINUTE) }), NOW)).toContain(
      'Your prod build started 42 minutes ago and has been training the model for 30 minutes.',
    );
  });

  it("gives the step's own time when it began seconds ago, not the build's", () => {
    const step = {
      name: 'Wait for endpoint',
      label: 'waiting for the endpoint',
      state: 'running' as const,
      startedAt: ago(5_000),
    };
    const young = fact({ startedAt: ago(45_000), elapsedMs: 45_000, currentStep: step });
    expect(status(young, NOW)).toBe(
      'Not yet. Your prod build has been waiting for the endpoint for a few seconds. ' +
        "I can't estimate the time left yet.",
    );
    const later = fact({
      startedAt: ago(50_000),
      elapsedMs: 50_000,
      currentStep: { ...step, startedAt: ago(20_000) },
    });
    expect(status(later, NOW)).toContain('has been waiting for the endpoint for 20 seconds.');
  });

  it("says a polling step's time as a lower bound when the history read began inside it", () => {
    const step = {
      name: 'Wait for endpoint',
      label: 'waiting for the endpoint',
      state: 'running' as const,
      startedAt: ago(4 * MINUTE),
      startedAtLeast: true,
    };
    expect(status(fact({ currentStep: step, eta: eta(5, 18 * MINUTE) }), NOW)).toContain(
      'Your prod build started 42 minutes ago and has been waiting for the endpoint for at least four minutes.',
    );
    const seconds = { ...step, startedAt: ago(20_000) };
    expect(status(fact({ currentStep: seconds, eta: eta(5, 18 * MINUTE) }), NOW)).toContain(
      'Your prod build is waiting for the endpoint; it started 42 minutes ago.',
    );
  });

  it('falls back to the state name when the step has no label', () => {
    const step = { name: 'TrainModel', label: '', state: 'running' as const };
    expect(status(fact({ currentStep: step }), NOW)).toContain(
      'is training the model; it started 42 minutes ago.',
    );
  });

  it('gives a running build with no step known', () => {
    expect(status(fact({ currentStep: undefined }), NOW)).toMatch(
      /^Not yet\. Your prod build has been running for 42 minutes\./,
    );
  });

  it('says what is known when AWS did not give the step in time', () => {
    const slow = fact({
      startedAt: ago(20 * MINUTE),
      elapsedMs: 20 * MINUTE,
      currentStep: undefined,
      eta: eta(5, 18 * MINUTE),
      incomplete: ['step'],
    });
    expect(status(slow, NOW)).toBe(
      'Not yet. Your prod build is still running; it started 20 minutes ago. ' +
        'Based on the last 5 builds it should be done in about 18 minutes. ' +
        "I couldn't get its step from AWS in time.",
    );
  });

  it('names each part AWS did not give in time, and only those the answer would tell', () => {
    const slow = fact({ eta: eta(5, 18 * MINUTE), incomplete: ['training', 'started-by', 'steps'] });
    expect(status(slow, NOW)).toBe(
      'Not yet. Your prod build has been training the model for 42 minutes. ' +
        'Based on the last 5 builds it should be done in about 18 minutes. ' +
        "I couldn't get the training job's progress from AWS in time.",
    );
    expect(details(slow, NOW)).toMatch(
      / It started 42 minutes ago\. I couldn't get the training job's progress and who started it from AWS in time\.$/,
    );
    const noBasis = fact({ incomplete: ['eta'] });
    expect(status(noBasis, NOW)).toBe(
      'Not yet. Your prod build has been training the model for 42 minutes. ' +
        "I couldn't get how long builds usually take from AWS in time.",
    );
  });

  it('says a failed build failed when AWS did not say where or why in time', () => {
    const slow = finished('FAILED', 3 * MINUTE, { currentStep: undefined, incomplete: ['step', 'reason'] });
    expect(status(slow, NOW)).toBe(
      'No. Your prod build failed 3 minutes ago. ' +
        "I couldn't get its step and why it failed from AWS in time.",
    );
    const stopped = finished('ABORTED', 3 * MINUTE, { currentStep: undefined, incomplete: ['reason'] });
    expect(status(stopped, NOW)).toBe(
      'Your prod build was stopped 3 minutes ago. ' +
        "I couldn't get who stopped it and why from AWS in time.",
    );
  });

  it('gives a succeeded build', () => {
    expect(status(finished('SUCCEEDED', 12 * MINUTE), NOW)).toBe(
      'Yes. Your prod build finished 12 minutes ago, after an hour and five minutes.',
    );
  });

  it('adds the endpoint to a succeeded build', () => {
    const endpoint = { endpointName: 'churn-prod', status: 'InService' };
    expect(status(finished('SUCCEEDED', 12 * MINUTE, { endpoint }), NOW)).toBe(
      'Yes. Your prod build finished 12 minutes ago, after an hour and five minutes. ' +
        'The endpoint churn-prod is in service.',
    );
  });

  it('says the yes is for the build alone while its endpoint is still on its way', () => {
    const said = (endpointStatus: string, failureReason?: string) =>
      status(
        finished('SUCCEEDED', 12 * MINUTE, {
          endpoint: { endpointName: 'churn-prod', status: endpointStatus, failureReason },
        }),
        NOW,
      );
    expect(said('Creating')).toBe(
      'Yes, your prod build finished 12 minutes ago, after an hour and five minutes, ' +
        'but its endpoint churn-prod is still being created.',
    );
    expect(said('Updating')).toBe(
      'Yes, your prod build finished 12 minutes ago, after an hour and five minutes, ' +
        'but its endpoint churn-prod is still updating.',
    );
    expect(said('Failed', 'Image not found')).toBe(
      'Yes, your prod build finished 12 minutes ago, after an hour and five minutes, ' +
        'but its endpoint churn-prod has failed. SageMaker said: Image not found.',
    );
  });

  it('uses start plus elapsed when the stop time is missing', () => {
    const f = finished('SUCCEEDED', 12 * MINUTE, { stoppedAt: undefined });
    expect(status(f, NOW)).toContain('finished 12 minutes ago');
  });

  it('gives a failed build with its reason', () => {
    expect(status(finished('FAILED', 3 * HOUR, { failure: failure() }), NOW)).toBe(
      'No. Your prod build failed 3 hours ago while training the model. The reason: AlgorithmError: ran out of memory.',
    );
  });

  it('gives a failed build without a reason', () => {
    expect(status(finished('FAILED', 3 * HOUR), NOW)).toBe(
      'No. Your prod build failed 3 hours ago while training the model.',
    );
  });

  it('takes the failed step from the failure when no current step is known', () => {
    const f = finished('FAILED', 3 * HOUR, {
      currentStep: undefined,
      failure: failure({ stepLabel: undefined, step: 'Check quality gate', reason: '' }),
    });
    expect(status(f, NOW)).toBe('No. Your prod build failed 3 hours ago while checking the quality gate.');
  });

  it('gives a stopped build', () => {
    expect(status(finished('ABORTED', 5 * MINUTE), NOW)).toBe(
      'Your prod build was stopped 5 minutes ago, while training the model.',
    );
  });

  it('gives a stopped build with who stopped it, once, and details with the reason they gave', () => {
    const stopped = finished('ABORTED', 5 * MINUTE, {
      startedBy: { id: 'alexa:amzn1.ask.account.AEXAMPLE' },
      failure: failure({
        status: 'ABORTED',
        error: 'StoppedBySageBuild',
        stoppedBy: 'Ana',
        reason: 'asked from the command line',
        failedAt: ago(5 * MINUTE),
      }),
    });
    expect(status(stopped, NOW)).toBe(
      'Your prod build was stopped by Ana 5 minutes ago, while training the model.',
    );
    expect(details(stopped, NOW)).toBe(
      'The prod build prod-3f2a1c9d was stopped by Ana 5 minutes ago, while training the model. ' +
        'The reason given: asked from the command line. ' +
        'Someone using Alexa started it an hour ago.',
    );
  });

  it('gives a timed-out build', () => {
    expect(status(finished('TIMED_OUT', 5 * MINUTE), NOW)).toBe(
      'Your prod build timed out 5 minutes ago, while training the model.',
    );
  });

  it('gives a build waiting for a redrive', () => {
    expect(status(finished('PENDING_REDRIVE', 5 * MINUTE), NOW)).toBe(
      'Not yet. Your prod build is about to restart from the step where it stopped.',
    );
  });
});

describe('details', () => {
  it('tells the step, training job, metrics, endpoint and who started it', () => {
    const f = fact({
      startedBy: { id: 'slack:U0123', displayName: 'Ana' },
      training: {
        jobName: 'prod-3f2a1c9d-train',
        status: 'InProgress',
        secondaryStatus: 'Training',
        secondaryStatusMessage: 'Training image download completed.   Training in progress.',
        metrics: [
          { name: 'validation:auc', value: 0.91 },
          { name: 'train:auc', value: 0.953333 },
        ],
      },
      endpoint: { endpointName: 'churn-prod', status: 'Updating' },
    });
    expect(details(f, NOW)).toBe(
      'The prod build prod-3f2a1c9d has been training the model for 42 minutes. ' +
        'The training job prod-3f2a1c9d-train is training. ' +
        'SageMaker says: Training image download completed. Training in progress. ' +
        'The latest metrics: validation:auc is 0.91 and train:auc is 0.9533. ' +
        'The endpoint churn-prod is updating. ' +
        'Ana started it 42 minutes ago.',
    );
  });

  it('gives a failed build with its reason and no duplicate training reason', () => {
    const f = finished('FAILED', 3 * HOUR, {
      failure: failure(),
      training: {
        jobName: 'job',
        status: 'Failed',
        metrics: [],
        failureReason: 'AlgorithmError: ran out of memory',
      },
    });
    expect(details(f, NOW)).toBe(
      'The prod build prod-3f2a1c9d failed 3 hours ago while training the model. ' +
        'The reason: AlgorithmError: ran out of memory. The training job job failed. ' +
        'It started 4 hours ago.',
    );
  });

  it('adds a failed endpoint with its reason', () => {
    const endpoint = { endpointName: 'churn-prod', status: 'Failed', failureReason: 'Image not found' };
    expect(details(fact({ endpoint }), NOW)).toContain(
      'The endpoint churn-prod has failed. SageMaker said: Image not found.',
    );
  });

  it('capitalises a phrase such as "a schedule" but not a name', () => {
    expect(details(fact({ startedBy: { displayName: 'a schedule' } }), NOW)).toMatch(
      /A schedule started it 42 minutes ago\.$/,
    );
    expect(details(fact({ startedBy: { id: 'cli:ana', displayName: 'ana' } }), NOW)).toMatch(
      / ana started it 42 minutes ago\.$/,
    );
    expect(details(fact({ startedBy: { id: 'cli:root' } }), NOW)).toMatch(
      / Someone on the command line started it 42 minutes ago\.$/,
    );
  });
});

describe('a build waiting at an approval gate', () => {
  const label = 'waiting for approval from Ana Lima, root on the command line or anyone using Alexa';
  const atGate = fact({
    elapsedMs: 70 * MINUTE,
    eta: eta(5, 0),
    currentStep: { name: 'Wait for approval', label, state: 'running', startedAt: ago(20 * SECOND) },
    awaitingApproval: { approvers: ['Ana Lima'], since: ago(20 * SECOND) },
  });

  it('gives no estimate while a person must decide, in status or eta', () => {
    const said = status(atGate, NOW);
    expect(said).toContain(label);
    expect(said).toMatch(/It goes on once someone decides, so I can't say when it will be done\.$/);
    expect(said).not.toMatch(/should be done|longer than usual/);
    expect(timeLeft(atGate, NOW)).toBe(
      `Your prod build is ${label}. It goes on once someone decides, so I can't say when it will be done.`,
    );
  });
});

describe('timeLeft', () => {
  it('gives the estimate', () => {
    expect(timeLeft(fact({ eta: eta(5, 18 * MINUTE) }), NOW)).toBe(
      'Based on the last 5 builds your prod build should be done in about 18 minutes.',
    );
  });

  it('says when a build is slower than usual', () => {
    expect(timeLeft(fact({ elapsedMs: 70 * MINUTE, eta: eta(5, 0) }), NOW)).toBe(
      'Based on the last 5 builds your prod build should be done any minute now. ' +
        "It's taking longer than usual: builds usually take about an hour.",
    );
  });

  it('explains why there is no estimate', () => {
    expect(timeLeft(fact({ etaMissing: 'no-successful-builds' }), NOW)).toBe(
      "I can't estimate the time left for your prod build yet: there are no successful builds to learn from. " +
        'It has been running for 42 minutes.',
    );
  });

  it('says the build is not running', () => {
    expect(timeLeft(finished('SUCCEEDED', 12 * MINUTE), NOW)).toBe(
      "Your prod build isn't running. The last one finished 12 minutes ago, after an hour and five minutes.",
    );
    expect(timeLeft(finished('FAILED', 3 * HOUR), NOW)).toBe(
      "Your prod build isn't running. The last one failed 3 hours ago while training the model.",
    );
  });

  it('handles a build waiting for a redrive', () => {
    expect(timeLeft(finished('PENDING_REDRIVE', MINUTE), NOW)).toBe(
      "Your prod build is about to restart from the step where it stopped, so I can't estimate the time left yet.",
    );
  });
});

describe('whyFailed', () => {
  it('quotes SageMaker for a failed task', () => {
    expect(whyFailed(failure(), NOW)).toBe(
      'Your prod build failed 3 hours ago while training the model. SageMaker said: AlgorithmError: ran out of memory.',
    );
  });

  it("quotes SageMaker when the reason is SageMaker's, whatever error name the machine's Fail state gave", () => {
    const f = failure({
      step: 'step_4',
      stepLabel: 'creating the endpoint config',
      error: 'DeploymentFailed',
      reason: 'The primary container did not pass the ping health check',
    });
    expect(whyFailed(f, NOW)).toBe(
      'Your prod build failed 3 hours ago while creating the endpoint config. The reason: The primary container did not pass the ping health check.',
    );
    expect(whyFailed({ ...f, reasonFromSageMaker: true }, NOW)).toBe(
      'Your prod build failed 3 hours ago while creating the endpoint config. SageMaker said: The primary container did not pass the ping health check.',
    );
  });

  it('phrases a quality gate failure', () => {
    const f = failure({
      step: 'Check quality gate',
      error: 'QualityGateFailed',
      reason: 'validation:auc 0.71 < 0.8',
    });
    expect(whyFailed(f, NOW)).toBe(
      "Your prod build failed 3 hours ago because the model didn't pass the quality gate. " +
        'The reason: validation:auc 0.71 < 0.8.',
    );
  });

  it('calls a stopped build stopped, whatever error name the stopper gave', () => {
    const stop = failure({ status: 'ABORTED', error: 'StoppedBySageBuild', reason: 'StoppedBySageBuild' });
    expect(whyFailed(stop, NOW)).toBe(
      'Your prod build was stopped 3 hours ago while training the model; nothing failed.',
    );
  });

  it('says who stopped a build once, with the reason they gave, never an id', () => {
    const stop = failure({
      status: 'ABORTED',
      error: 'StoppedBySageBuild',
      stoppedBy: 'someone using Alexa',
      reason: 'wrong data',
    });
    expect(whyFailed(stop, NOW)).toBe(
      'Your prod build was stopped by someone using Alexa 3 hours ago while training the model; nothing failed. ' +
        'The reason given: wrong data.',
    );
  });

  it('phrases a stopped and a timed-out build', () => {
    expect(whyFailed(failure({ error: 'States.Aborted', reason: '' }), NOW)).toBe(
      'Your prod build was stopped 3 hours ago while training the model; nothing failed.',
    );
    expect(whyFailed(failure({ error: 'States.Timeout', reason: '' }), NOW)).toBe(
      'Your prod build timed out 3 hours ago while training the model.',
    );
  });

  it("quotes SageMaker for a pipeline's own wrapper of a SageMaker failure", () => {
    expect(
      whyFailed(
        failure({
          step: 'Create endpoint',
          stepLabel: 'creating the endpoint',
          error: 'EndpointCreationFailed',
          reason: 'Bad image',
        }),
        NOW,
      ),
    ).toBe('Your prod build failed 3 hours ago while creating the endpoint. SageMaker said: Bad image.');
  });

  it('leaves out a reason that only repeats the error code', () => {
    expect(whyFailed(failure({ error: 'ExecutionAborted', reason: 'ExecutionAborted' }), NOW)).toBe(
      'Your prod build was stopped 3 hours ago while training the model; nothing failed.',
    );
  });

  it('uses a neutral lead for other errors and leaves out what is unknown', () => {
    const unknown = failure({
      error: 'Lambda.Unknown',
      failedAt: undefined,
      step: undefined,
      stepLabel: undefined,
    });
    expect(whyFailed(unknown, NOW)).toBe(
      'Your prod build failed. The reason: AlgorithmError: ran out of memory.',
    );
  });

  it("speaks of the failed step by the role the core gave it, never by the state's raw name", () => {
    const at = (step: string, stepLabel?: string) =>
      whyFailed(failure({ step, stepLabel, reason: '', error: 'States.TaskFailed' }), NOW);
    expect(at('sm-train', 'training the model')).toBe(
      'Your prod build failed 3 hours ago while training the model.',
    );
    expect(at('GetEndpointStatus', 'waiting for the endpoint')).toBe(
      'Your prod build failed 3 hours ago while waiting for the endpoint.',
    );
    expect(at('Accuracy > 0.9?', 'deciding what to do next')).toBe(
      'Your prod build failed 3 hours ago while deciding what to do next.',
    );
    // Without a role, the name speaks when it reads well, and is never cut up when it doesn't.
    expect(at('Notify Slack')).toBe('Your prod build failed 3 hours ago while notifying Slack.');
    expect(at('step_fail')).toBe('Your prod build failed 3 hours ago while reporting the failure.');
    expect(at('Accuracy > 0.9?')).toBe(
      'Your prod build failed 3 hours ago while working on the step "Accuracy > 0.9?".',
    );
  });

  it('makes a long, messy reason readable', () => {
    const reason = `ClientError:   ${'Data is bad. '.repeat(40)}`;
    const sentence = whyFailed(failure({ reason }), NOW);
    expect(sentence).toMatch(/SageMaker said: ClientError: Data is bad\. Data/);
    expect(sentence).toMatch(/…$/);
    expect(sentence).not.toMatch(/\s{2}/);
  });
});

describe('buildList', () => {
  const summary = (
    status: BuildSummary['status'],
    startedAgo: number,
    stoppedAgo?: number,
  ): BuildSummary => ({
    pipeline: 'prod',
    executionArn: ARN,
    name: `prod-${startedAgo}`,
    status,
    startedAt: ago(startedAgo),
    stoppedAt: stoppedAgo === undefined ? undefined : ago(stoppedAgo),
  });

  it('counts the builds and describes the latest', () => {
    const builds = [
      summary('SUCCEEDED', 5 * HOUR, 4 * HOUR),
      summary('RUNNING', 10 * MINUTE),
      summary('FAILED', 3 * HOUR, 2 * HOUR),
      summary('SUCCEEDED', DAY, DAY - HOUR),
    ];
    expect(buildList({ pipeline: 'prod', builds }, NOW)).toBe(
      'The last 4 prod builds: 1 running, 2 succeeded, 1 failed. The latest started 10 minutes ago and is still running.',
    );
  });

  it('says how a finished latest build ended', () => {
    const builds = [summary('ABORTED', 2 * HOUR, HOUR), summary('SUCCEEDED', 5 * HOUR, 4 * HOUR)];
    expect(buildList({ pipeline: 'prod', builds }, NOW)).toBe(
      'The last 2 prod builds: 1 succeeded, 1 stopped. The latest started 2 hours ago and was stopped an hour ago.',
    );
  });

  it('handles a single build', () => {
    expect(buildList({ pipeline: 'prod', builds: [summary('SUCCEEDED', 2 * HOUR, 12 * MINUTE)] }, NOW)).toBe(
      'The last prod build started 2 hours ago and finished 12 minutes ago.',
    );
  });

  it('handles no builds', () => {
    expect(buildList({ pipeline: 'prod', builds: [] }, NOW)).toBe('There are no prod builds yet.');
  });
});

describe('liveModel', () => {
  it('names the model being served', () => {
    expect(
      liveModel({
        pipeline: 'prod',
        exists: true,
        endpoint: { endpointName: 'churn-prod', status: 'InService', modelName: 'prod-abc123' },
      }),
    ).toBe('The churn-prod endpoint is in service, serving model prod-abc123.');
  });

  it('falls back to the endpoint config', () => {
    expect(
      liveModel({
        pipeline: 'prod',
        exists: true,
        endpoint: { endpointName: 'churn-prod', status: 'InService', endpointConfigName: 'cfg-1' },
      }),
    ).toBe('The churn-prod endpoint is in service, serving endpoint config cfg-1.');
  });

  it('says the endpoint is updating and what still serves', () => {
    expect(
      liveModel({
        pipeline: 'prod',
        exists: true,
        endpoint: { endpointName: 'churn-prod', status: 'Updating', modelName: 'prod-abc123' },
      }),
    ).toBe("The churn-prod endpoint is updating. It's still serving model prod-abc123.");
  });

  it('says when the endpoint does not exist', () => {
    expect(liveModel({ pipeline: 'prod', exists: false })).toBe(
      "The prod pipeline's endpoint doesn't exist yet.",
    );
    expect(
      liveModel({
        pipeline: 'prod',
        exists: false,
        endpoint: { endpointName: 'churn-prod', status: 'Unknown' },
      }),
    ).toBe("The churn-prod endpoint doesn't exist yet.");
  });

  it('spells out statuses it does not know', () => {
    expect(
      liveModel({ pipeline: 'prod', exists: true, endpoint: { endpointName: 'e', status: 'SomethingNew' } }),
    ).toBe('The e endpoint is something new.');
  });
});

describe('started and stopped', () => {
  const result = { pipeline: 'prod', executionArn: ARN, name: 'prod-3f2a1c9d', startedAt: ago(2 * MINUTE) };

  it('confirms a new build', () => {
    expect(started({ ...result, created: true }, NOW)).toBe('Started a new prod build, prod-3f2a1c9d.');
  });

  it('says when a retried request had already started the build', () => {
    expect(started({ ...result, created: false }, NOW)).toBe(
      'That prod build was already started 2 minutes ago: prod-3f2a1c9d.',
    );
  });

  it('confirms a stop', () => {
    expect(stopped({ pipeline: 'prod', executionArn: ARN, name: 'prod-3f2a1c9d', stoppedAt: NOW })).toBe(
      'Stopped the prod build prod-3f2a1c9d.',
    );
  });
});

describe('errorSentence', () => {
  it.each<[string, unknown, string]>([
    [
      'PipelineNotFound with a suggestion',
      new PipelineNotFound('prdo', ['prod', 'dev'], 'prod'),
      "I don't know a pipeline called prdo. Did you mean prod? The pipelines are prod and dev.",
    ],
    [
      'PipelineNotFound without one',
      new PipelineNotFound('stagin', ['prod', 'dev', 'qa']),
      "I don't know a pipeline called stagin. The pipelines are prod, dev and qa.",
    ],
    [
      'PipelineNotFound with one pipeline',
      new PipelineNotFound('x', ['prod']),
      "I don't know a pipeline called x. The only pipeline is prod.",
    ],
    ['PipelineAmbiguous', new PipelineAmbiguous(['prod', 'dev']), 'Which pipeline: prod or dev?'],
    ['NoBuildsYet', new NoBuildsYet('prod'), 'The prod pipeline has no builds yet.'],
    [
      'BuildNotFound',
      new BuildNotFound('prod', 'prod-0000'),
      "I can't find a build called prod-0000 in the prod pipeline.",
    ],
    ['NoFailedBuild', new NoFailedBuild('prod'), "I couldn't find a failed prod build."],
    [
      'BuildAlreadyRunning',
      new BuildAlreadyRunning('prod', ARN, 'prod-3f2a1c9d', ago(10 * MINUTE)),
      "A prod build is already running: prod-3f2a1c9d, started 10 minutes ago. I didn't start another one.",
    ],
    ['NothingToStop', new NothingToStop('prod'), "No prod build is running, so there's nothing to stop."],
    [
      'NothingToStop for a build',
      new NothingToStop('prod', 'prod-1'),
      "The build prod-1 isn't running, so there's nothing to stop.",
    ],
    [
      'NotAuthorized',
      new NotAuthorized('stop', 'prod', 'slack:U1'),
      "Sorry, you're not allowed to stop prod builds. Nothing was changed.",
    ],
    [
      'InvalidInput',
      new InvalidInput('trainingInstanceCount must be a whole number', 'trainingInstanceCount'),
      "I can't use that input: trainingInstanceCount must be a whole number.",
    ],
    [
      'AwsUnavailable when slow',
      new AwsUnavailable('Step Functions', 'timeout'),
      'AWS Step Functions is slow to answer right now. Please try again in a minute.',
    ],
    [
      'AwsUnavailable when unreachable',
      new AwsUnavailable('Step Functions', 'unreachable'),
      "I can't reach AWS Step Functions right now. Please try again in a minute.",
    ],
    [
      'AwsUnavailable when throttled',
      new AwsUnavailable('SageMaker', 'throttled'),
      'Amazon SageMaker is too busy right now. Please try again in a minute.',
    ],
    [
      'AccessDenied',
      new AccessDenied('states:StopExecution'),
      "SageBuild's AWS role isn't allowed to call states:StopExecution. Ask your AWS admin to add it.",
    ],
    [
      'ConfigError with a field',
      new ConfigError('Invalid SageBuild config (/etc/x.json): region: bad', 'region'),
      "SageBuild's configuration has a problem in the setting region. Ask whoever runs SageBuild to fix it.",
    ],
    [
      'ConfigError without one',
      new ConfigError('SAGEBUILD_CONFIG is not set.'),
      "SageBuild's configuration has a problem. Ask whoever runs SageBuild to fix it.",
    ],
    [
      'an unknown error',
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      'Sorry, something went wrong on my side. Please try again in a minute.',
    ],
    ['a thrown string', 'boom', 'Sorry, something went wrong on my side. Please try again in a minute.'],
  ])('%s', (_what, error, sentence) => {
    expect(errorSentence(error, NOW)).toBe(sentence);
  });

  it('never leaks a raw message or stack', () => {
    const error = new Error('secret arn:aws:iam::123456789012:role/x');
    expect(errorSentence(error)).not.toContain('arn:');
    expect(errorSentence(error)).not.toContain('at ');
  });
});
