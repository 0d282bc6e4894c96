// Every answer about builds, as plain sentences. No SSML and no markdown: the Alexa skill speaks these and Slack
// shows them unchanged, each front escaping names for its own medium. Names go in verbatim.
import type {
  BuildListFact,
  BuildStatus,
  BuildStatusFact,
  BuildSummary,
  EndpointFact,
  EtaFact,
  FailureFact,
  LiveModelFact,
  StartResult,
  StopResult,
  TrainingFact,
} from '../builds/facts';
import { comparisonSentence, metricLabel } from './comparison';
import { whoseBuild, WhoseBuild } from './build-names';
import { subjectName } from './dialog';
import { rollbackLine } from './rollback';
import { approxDuration, relativeTime, spokenDuration } from './duration';
import { unknownSentence } from './incomplete';
import { startWarnings } from './start-warnings';
import { stepLabel } from './steps';

/** Reasons longer than this are cut at a word boundary: nobody listens to a stack of log lines. */
const MAX_REASON = 300;
const MAX_METRICS = 5;

/** "prod", "prod and dev", "prod, dev and staging"; `conjunction` "or" for choices. */
export function spokenList(items: string[], conjunction: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Text from AWS or a pipeline made fit to read: one line, one final full stop, at most ~300 characters. */
export function readableReason(text: string, max = MAX_REASON): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.]+$/, '');
  if (flat === '') return '';
  if (flat.length > max) {
    const cut = flat.slice(0, max);
    const space = cut.lastIndexOf(' ');
    return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
  }
  return /[.!?…]$/.test(flat) ? flat : `${flat}.`;
}

/** The verb for a finished build, shared by every sentence that says how a build ended. */
const ENDED: Record<Exclude<BuildStatus, 'RUNNING' | 'PENDING_REDRIVE'>, string> = {
  SUCCEEDED: 'finished',
  FAILED: 'failed',
  ABORTED: 'was stopped',
  TIMED_OUT: 'timed out',
};

const COUNTED: Record<BuildStatus, string> = {
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed out',
  ABORTED: 'stopped',
  PENDING_REDRIVE: 'waiting to restart',
};

const RESTARTING = 'is about to restart from the step where it stopped';

/** "Your prod build", or "your prod build" inside a sentence. */
function yourBuild(pipeline: string, start = true): string {
  return `${start ? 'Your' : 'your'} ${pipeline} build`;
}

/** "Your prod build", or for a build the person named rather than the latest: "Ana Lima's prod build from ...". */
function buildSubject(fact: BuildStatusFact, now: Date, start = true): string {
  if (!fact.named) return yourBuild(fact.pipeline, start);
  return start ? WhoseBuild(fact, now) : whoseBuild(fact, now);
}

/** The step a build is in or ended in, as a phrase: "training the model". */
function stepPhrase(fact: BuildStatusFact): string | undefined {
  const step = fact.currentStep;
  if (step) return step.label || stepLabel(step.name);
  return fact.failure ? failedStepPhrase(fact.failure) : undefined;
}

/** The step a build failed in, by the role the core gave it first, never by a raw state name. */
function failedStepPhrase(failure: FailureFact): string | undefined {
  if (failure.stepLabel) return failure.stepLabel;
  return failure.step ? stepLabel(failure.step) : undefined;
}

function endTime(fact: BuildStatusFact): Date {
  return fact.stoppedAt ?? new Date(fact.startedAt.getTime() + fact.elapsedMs);
}

/**
 * What a running build is doing, with `subject` leading: "Your prod build has been training the model for 42
 * minutes." The time in a step is the step's own, from when it began; when that was well after the build
 * started, the build's start is given too. A step whose start is unknown gets no time of its own.
 */
function runningOutcome(fact: BuildStatusFact, now: Date, subject: string, step: string | undefined): string {
  const started = relativeTime(fact.startedAt, now);
  if (!step && fact.incomplete?.includes('step'))
    return `${subject} is still running; it started ${started}.`;
  if (!step) return `${subject} has been running for ${spokenDuration(fact.elapsedMs)}.`;
  const stepStart = fact.currentStep?.startedAt;
  const inStep = stepStart
    ? Math.min(fact.elapsedMs, Math.max(0, now.getTime() - stepStart.getTime()))
    : undefined;
  const atLeast = fact.currentStep?.startedAtLeast === true;
  // "At least a few seconds" says nothing: a step that began before the history read gets no time of its own.
  if (inStep === undefined || (atLeast && inStep < 60_000))
    return `${subject} is ${step}; it started ${started}.`;
  const forHowLong = `${atLeast ? 'at least ' : ''}${spokenDuration(inStep)}`;
  if (fact.elapsedMs - inStep >= 60_000) {
    return `${subject} started ${started} and has been ${step} for ${forHowLong}.`;
  }
  return `${subject} has been ${step} for ${forHowLong}.`;
}

/** What the build is doing or how it ended, with `subject` leading. */
function outcome(fact: BuildStatusFact, now: Date, subject: string): string {
  const step = stepPhrase(fact);
  if (fact.status === 'RUNNING') return runningOutcome(fact, now, subject, step);
  if (fact.status === 'PENDING_REDRIVE') return `${subject} ${RESTARTING}.`;
  const ended = `${subject} ${ENDED[fact.status]}${stoppedBy(fact.failure)} ${relativeTime(endTime(fact), now)}`;
  switch (fact.status) {
    case 'SUCCEEDED':
      return `${finishedClause(fact, now, subject)}.`;
    case 'FAILED':
      return step ? `${ended} while ${step}.` : `${ended}.`;
    default:
      return step ? `${ended}, while ${step}.` : `${ended}.`;
  }
}

/** " by Ana" for a build someone stopped, said once, where the stop is told; else nothing. */
function stoppedBy(failure: FailureFact | undefined): string {
  return failure?.status === 'ABORTED' && failure.stoppedBy ? ` by ${failure.stoppedBy}` : '';
}

/** "Your prod build finished 2 hours ago, after 42 minutes", with no full stop. */
function finishedClause(fact: BuildStatusFact, now: Date, subject: string): string {
  return `${subject} ${ENDED.SUCCEEDED} ${relativeTime(endTime(fact), now)}, after ${spokenDuration(fact.elapsedMs)}`;
}

/** Why there is no estimate; `what` names the build when the sentence stands alone. */
function noEstimate(fact: BuildStatusFact, what?: string): string {
  const why =
    fact.etaMissing === 'no-successful-builds' ? ': there are no successful builds to learn from' : '';
  return `I can't estimate the time left${what ? ` for ${what}` : ''} yet${why}.`;
}

/** " Based on ...", or why there is none; nothing when AWS did not say in time (the answer says that). */
function estimate(fact: BuildStatusFact): string {
  if (fact.awaitingApproval) return ` ${NO_ESTIMATE_AT_GATE}`;
  if (fact.eta) return ` ${etaSentence(fact.eta, 'it')}`;
  return fact.incomplete?.includes('eta') ? '' : ` ${noEstimate(fact)}`;
}

/** While a person must decide, no estimate: when it goes on is theirs to say. */
const NO_ESTIMATE_AT_GATE = "It goes on once someone decides, so I can't say when it will be done.";

/** "Based on the last 5 builds it should be done in about 18 minutes." */
function etaSentence(eta: EtaFact, subject: string): string {
  const basis = eta.basedOn === 1 ? 'the last build' : `the last ${eta.basedOn} builds`;
  const when = eta.remainingMs <= 0 ? 'any minute now' : `in ${approxDuration(eta.remainingMs)}`;
  return `Based on ${basis} ${subject} should be done ${when}.`;
}

function reasonSentence(lead: string, reason: string | undefined): string {
  const readable = readableReason(reason ?? '');
  return readable ? ` ${lead} ${readable}` : '';
}

const ENDPOINT_STATES: Record<string, string> = {
  InService: 'is in service',
  Creating: 'is being created',
  Updating: 'is updating',
  SystemUpdating: 'is being updated by SageMaker',
  RollingBack: 'is rolling back',
  Deleting: 'is being deleted',
  Failed: 'has failed',
  OutOfService: 'is out of service',
  UpdateRollbackFailed: 'failed to roll back',
};

/** "is in service", "is updating"; unknown statuses are spelled out ("SomethingNew" → "is something new"). */
function endpointState(status: string): string {
  return ENDPOINT_STATES[status] ?? `is ${status.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

/** Endpoint statuses SageMaker is still working through: the build is done, the endpoint not yet. */
const ENDPOINT_CHANGING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/** "is in service", or "is still being created" when `still` and SageMaker is still working on it. */
function endpointClause(endpoint: EndpointFact, still = false): string {
  const state = endpointState(endpoint.status);
  const said = still && ENDPOINT_CHANGING.has(endpoint.status) ? state.replace(/^is /, 'is still ') : state;
  return endpoint.status === 'Failed'
    ? `${said}.${reasonSentence('SageMaker said:', endpoint.failureReason)}`
    : `${said}.`;
}

function endpointSentence(endpoint: EndpointFact): string {
  return `The endpoint ${endpoint.endpointName} ${endpointClause(endpoint)}`;
}

/**
 * "Is my build done?" for a finished build: a plain yes when its endpoint serves (or it has none); when the
 * endpoint is not in service yet, the yes is for the build only, and the endpoint part says so.
 */
function finishedAnswer(fact: BuildStatusFact, now: Date): string {
  const endpoint = fact.endpoint;
  if (!endpoint) return `Yes. ${outcome(fact, now, buildSubject(fact, now))}`;
  if (endpoint.status === 'InService') {
    return `Yes. ${outcome(fact, now, buildSubject(fact, now))} ${endpointSentence(endpoint)}`;
  }
  const finished = finishedClause(fact, now, buildSubject(fact, now, false));
  return `Yes, ${finished}, but its endpoint ${endpoint.endpointName} ${endpointClause(endpoint, true)}`;
}

/** Answers "is my build done?". */
function statusAnswer(fact: BuildStatusFact, now: Date): string {
  const said = outcome(fact, now, buildSubject(fact, now));
  switch (fact.status) {
    case 'RUNNING':
      return `Not yet. ${said}${estimate(fact)}`;
    case 'PENDING_REDRIVE':
      return `Not yet. ${said}`;
    case 'SUCCEEDED':
      return finishedAnswer(fact, now);
    case 'FAILED':
      return `No. ${said}${reasonSentence('The reason:', failureReason(fact.failure))}`;
    default:
      return said;
  }
}

/** The answer; when someone rolled the endpoint back, which model it serves since; then what AWS didn't give. */
export function status(fact: BuildStatusFact, now: Date, voice = false): string {
  const answer = statusAnswer(fact, now);
  const rolledBack = fact.rollback ? ` ${rollbackLine(fact.pipeline, fact.rollback, now, voice)}` : '';
  return `${answer}${rolledBack}${unknownSentence(fact, 'status')}`;
}

const TRAINING_PHASES: Record<string, string> = {
  Pending: 'is waiting to start',
  Starting: 'is starting',
  LaunchingMLInstances: 'is launching instances',
  PreparingTrainingStack: 'is preparing',
  Downloading: 'is downloading data',
  DownloadingTrainingImage: 'is downloading the training image',
  Training: 'is training',
  Uploading: 'is uploading the model',
  Restarting: 'is restarting',
  Updating: 'is updating',
  InProgress: 'is running',
  Completed: 'has completed',
  Failed: 'failed',
  Stopping: 'is stopping',
  Stopped: 'was stopped',
  MaxRuntimeExceeded: 'ran out of time',
  MaxWaitTimeExceeded: 'waited too long for capacity',
  Interrupted: 'was interrupted',
};

/** Metric values as people read them: 0.91, 0.9123, 1235. */
function metricValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 ? String(Math.round(value)) : String(Number(value.toPrecision(4)));
}

function trainingSentences(training: TrainingFact, failureKnown: boolean, voice: boolean): string {
  const phase = training.secondaryStatus ?? training.status;
  const phrase = TRAINING_PHASES[phase] ?? endpointState(phase);
  let text = `The training job${voice ? '' : ` ${training.jobName}`} ${phrase}.`;
  text += reasonSentence('SageMaker says:', training.secondaryStatusMessage);
  // Text keeps the name SageMaker shows; voice says it as a word ("validation AUC", not "validation colon auc").
  const metrics = training.metrics
    .slice(0, MAX_METRICS)
    .map((m) => `${voice ? metricLabel(m.name) : m.name} is ${metricValue(m.value)}`);
  if (metrics.length > 0) text += ` The latest metrics: ${spokenList(metrics)}.`;
  if (!failureKnown) text += reasonSentence('SageMaker said:', training.failureReason);
  return text;
}

function startedBySentence(fact: BuildStatusFact, now: Date): string {
  const who = subjectName(fact.startedBy);
  const when = relativeTime(fact.startedAt, now);
  if (!who) return `It started ${when}.`;
  return `${who} started it ${when}.`;
}

/**
 * Answers "tell me more": the step, the training job, the endpoint and who started the build. Text names the
 * build ("The prod build prod-x"); voice says who started it and when, never its id.
 */
export function details(fact: BuildStatusFact, now: Date, voice = false): string {
  const subject = voice ? WhoseBuild(fact, now) : `The ${fact.pipeline} build ${fact.name}`;
  const parts = [outcome(fact, now, subject)];
  if (fact.failure) {
    const lead = fact.status === 'ABORTED' ? 'The reason given:' : 'The reason:';
    parts.push(reasonSentence(lead, failureReason(fact.failure)).trim());
  }
  if (fact.training) parts.push(trainingSentences(fact.training, fact.failure !== undefined, voice));
  if (fact.comparison) parts.push(comparisonSentence(fact.comparison, voice));
  if (fact.endpoint) parts.push(endpointSentence(fact.endpoint));
  parts.push(startedBySentence(fact, now));
  parts.push(unknownSentence(fact, 'details').trim());
  return parts.filter((p) => p !== '').join(' ');
}

/** Answers "how long is left?". */
export function timeLeft(fact: BuildStatusFact, now: Date): string {
  const subject = yourBuild(fact.pipeline);
  if (fact.status === 'PENDING_REDRIVE') {
    return `${subject} ${RESTARTING}, so I can't estimate the time left yet.`;
  }
  if (fact.status !== 'RUNNING') return `${subject} isn't running. ${outcome(fact, now, 'The last one')}`;
  if (fact.awaitingApproval) {
    return `${subject} is ${fact.currentStep?.label ?? 'waiting for approval'}. ${NO_ESTIMATE_AT_GATE}`;
  }
  if (!fact.eta) {
    const running = `It has been running for ${spokenDuration(fact.elapsedMs)}.`;
    return `${noEstimate(fact, yourBuild(fact.pipeline, false))} ${running}`;
  }
  return `${etaSentence(fact.eta, yourBuild(fact.pipeline, false))}${overrun(fact.eta, fact.elapsedMs)}`;
}

/** Said when the estimate has run out: the build is slower than usual. */
function overrun(eta: EtaFact, elapsedMs: number): string {
  if (eta.remainingMs > 0 || elapsedMs <= eta.typicalDurationMs) return '';
  return ` It's taking longer than usual: builds usually take ${approxDuration(eta.typicalDurationMs)}.`;
}

/** The failure's reason, unless it is only the error code again (the core falls back to that). */
function failureReason(failure: FailureFact | undefined): string | undefined {
  return failure && failure.reason.trim() !== failure.error ? failure.reason : undefined;
}

type FailureKind = 'quality-gate' | 'aborted' | 'timed-out' | 'sagemaker' | 'other';

function failureKind(error: string, status: FailureFact['status']): FailureKind {
  // How the execution ended comes first: a stop is a stop whatever error name the stopper gave.
  if (status === 'ABORTED') return 'aborted';
  if (status === 'TIMED_OUT') return 'timed-out';
  if (/quality.?gate/i.test(error)) return 'quality-gate';
  if (/abort/i.test(error)) return 'aborted';
  if (/time.?out|timed.?out/i.test(error)) return 'timed-out';
  // SageMaker .sync tasks fail with States.TaskFailed or SageMaker.*; pipelines like the reference one re-raise
  // them as TrainingFailed, SaveModelFailed, Endpoint...Failed with SageMaker's FailureReason as the cause.
  if (
    /^(SageMaker|States\.TaskFailed$|(Training|SaveModel|Model|Endpoint\w*|Transform|Processing)Failed$)/.test(
      error,
    )
  ) {
    return 'sagemaker';
  }
  return 'other';
}

/** Answers "why did it fail?". */
export function whyFailed(failure: FailureFact, now: Date, subject = yourBuild(failure.pipeline)): string {
  const when = failure.failedAt ? ` ${relativeTime(failure.failedAt, now)}` : '';
  const step = failedStepPhrase(failure);
  const at = step ? ` while ${step}` : '';
  const reason = failureReason(failure);
  const kind = failureKind(failure.error, failure.status);
  switch (kind === 'other' && failure.reasonFromSageMaker ? 'sagemaker' : kind) {
    case 'quality-gate':
      return `${subject} failed${when} because the model didn't pass the quality gate.${reasonSentence('The reason:', reason)}`;
    case 'aborted':
      return `${subject} was stopped${stoppedBy(failure)}${when}${at}; nothing failed.${reasonSentence('The reason given:', reason)}`;
    case 'timed-out':
      return `${subject} timed out${when}${at}.${reasonSentence('The reason:', reason)}`;
    case 'sagemaker':
      return `${subject} failed${when}${at}.${reasonSentence('SageMaker said:', reason)}`;
    default:
      return `${subject} failed${when}${at}.${reasonSentence('The reason:', reason)}`;
  }
}

/** "is still running", "finished 12 minutes ago": how a listed build stands. */
function standing(build: BuildSummary, now: Date): string {
  if (build.status === 'RUNNING') return 'is still running';
  if (build.status === 'PENDING_REDRIVE') return RESTARTING;
  return build.stoppedAt
    ? `${ENDED[build.status]} ${relativeTime(build.stoppedAt, now)}`
    : ENDED[build.status];
}

/** Answers "list the builds": counts by outcome, then the latest build. */
export function buildList(list: BuildListFact, now: Date): string {
  const { pipeline, builds } = list;
  const latest = builds.reduce<BuildSummary | undefined>(
    (newest, b) => (!newest || b.startedAt > newest.startedAt ? b : newest),
    undefined,
  );
  if (!latest) return `There are no ${pipeline} builds yet.`;
  const story = `started ${relativeTime(latest.startedAt, now)} and ${standing(latest, now)}.`;
  if (builds.length === 1) return `The last ${pipeline} build ${story}`;
  return `${buildCounts(list)}. The latest ${story}`;
}

/** "The last 6 prod builds: 5 succeeded, 1 failed", with no full stop. */
export function buildCounts({ pipeline, builds }: BuildListFact): string {
  const counts = (Object.keys(COUNTED) as BuildStatus[])
    .map((s) => ({ n: builds.filter((b) => b.status === s).length, word: COUNTED[s] }))
    .filter((c) => c.n > 0)
    .map((c) => `${c.n} ${c.word}`);
  return `The last ${builds.length} ${pipeline} builds: ${counts.join(', ')}`;
}

/** Answers "which model is live?". */
function endpointAnswer(fact: LiveModelFact, voice: boolean): string {
  const endpoint = fact.endpoint;
  if (!endpoint) return `The ${fact.pipeline} pipeline's endpoint doesn't exist yet.`;
  const name = `The ${endpoint.endpointName} endpoint`;
  if (!fact.exists) return `${name} doesn't exist yet.`;
  // Models are named after builds: voice never reads one.
  const serving = voice
    ? undefined
    : endpoint.modelName
      ? `model ${endpoint.modelName}`
      : endpoint.endpointConfigName
        ? `endpoint config ${endpoint.endpointConfigName}`
        : undefined;
  switch (endpoint.status) {
    case 'InService':
      return serving ? `${name} is in service, serving ${serving}.` : `${name} is in service.`;
    case 'Updating':
    case 'SystemUpdating':
    case 'RollingBack':
      // The previous configuration keeps serving while SageMaker changes the endpoint.
      return `${name} ${endpointState(endpoint.status)}.${serving ? ` It's still serving ${serving}.` : ''}`;
    case 'Failed':
      return `${name} ${endpointState(endpoint.status)}.${reasonSentence('SageMaker said:', endpoint.failureReason)}`;
    default:
      return `${name} ${endpointState(endpoint.status)}.`;
  }
}

/** Which model is live, then, after a rollback, whose build's it is and who put it back when. */
export function liveModel(fact: LiveModelFact, now = new Date(), voice = false): string {
  const answer = endpointAnswer(fact, voice);
  return fact.rollback ? `${answer} ${rollbackLine(fact.pipeline, fact.rollback, now, voice)}` : answer;
}

/** Confirms a start; a retried request that had already started the build says so. */
export function started(result: StartResult, now: Date): string {
  if (result.created)
    return `Started a new ${result.pipeline} build, ${result.name}.${startWarnings(result)}`;
  return `That ${result.pipeline} build was already started ${relativeTime(result.startedAt, now)}: ${result.name}.`;
}

export function stopped(result: StopResult): string {
  return `Stopped the ${result.pipeline} build ${result.name}.`;
}
