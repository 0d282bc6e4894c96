// Checks 2 to 4, per pipeline: the state machine can be described (ACTIVE, STANDARD), its builds can be
// listed with these credentials, through the same listExecutions call the core answers "is my build done?" with,
// and its definition makes the SageMaker names that must be new each build per build.

import { DescribeStateMachineCommand, type DescribeStateMachineCommandOutput } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../aws/clients';
import { callAws } from '../aws/translate-error';
import { listExecutions, summaryOf } from '../builds/context';
import type { BuildSummary } from '../builds/facts';
import type { PipelineConfig } from '../config/schema';
import { ConfigError } from '../errors';
import { fixedNameFindings } from '../machine/fixed-names';
import { parseDefinition } from '../machine/definition';
import { relativeTime } from '../wording/duration';
import { fixedNamesProblem } from '../wording/start-warnings';
import { awsProblemSentence } from '../wording/doctor';
import { fail, pass, skip, type Check } from './check';

export interface PipelineCheckOptions {
  clients: AwsClients;
  /** Ends every call of the check (the doctor never hangs). */
  signal: AbortSignal;
  /** The config field that names the state machine, e.g. "pipelines[0].stateMachineArn". */
  field: string;
  now?: () => Date;
}

const DESCRIBE = 'states:DescribeStateMachine';

/** Three checks: "<pipeline> state machine", "<pipeline> builds" and "<pipeline> build names". */
export async function checkPipeline(
  pipeline: PipelineConfig,
  options: PipelineCheckOptions,
): Promise<Check[]> {
  const now = options.now ?? (() => new Date());
  const [machine, latest] = await Promise.allSettled([
    describeMachine(pipeline, options),
    latestBuild(pipeline, options, now),
  ]);
  const machineCheck = stateMachineCheck(pipeline, machine, options.field);
  const noBuildsToList =
    machine.status === 'fulfilled' ? machine.value.type === 'EXPRESS' : isMissing(machine.reason);
  const buildsTitle = `${pipeline.name} builds`;
  const names = buildNamesCheck(pipeline, machine);
  if (noBuildsToList) {
    return [machineCheck, skip(buildsTitle, 'Not listed: the state machine line above says why.'), names];
  }
  return [machineCheck, buildsCheck(buildsTitle, pipeline, latest, now()), names];
}

/** Whether every SageMaker name that must be new each build is made per build (else build 2 fails). */
function buildNamesCheck(
  pipeline: PipelineConfig,
  result: PromiseSettledResult<DescribeStateMachineCommandOutput>,
): Check {
  const title = `${pipeline.name} build names`;
  const definition = result.status === 'fulfilled' ? parseDefinition(result.value.definition) : undefined;
  if (definition === undefined) {
    return skip(
      title,
      'Not checked: the state machine line above says why, or its definition is unreadable.',
    );
  }
  const findings = fixedNameFindings(definition, pipeline.defaultInput);
  if (findings.length === 0) {
    return pass(
      title,
      'Every name SageMaker needs new each build (training job, model, ...) is made per build.',
    );
  }
  const problem = fixedNamesProblem(pipeline.name, findings);
  return fail(title, `${problem.charAt(0).toUpperCase()}${problem.slice(1)}`);
}

function describeMachine(pipeline: PipelineConfig, options: PipelineCheckOptions) {
  return callAws('Step Functions', DESCRIBE, () =>
    options.clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: pipeline.stateMachineArn }), {
      abortSignal: options.signal,
    }),
  );
}

async function latestBuild(
  pipeline: PipelineConfig,
  options: PipelineCheckOptions,
  now: () => Date,
): Promise<BuildSummary | undefined> {
  const ctx = { pipeline, ...options.clients, now, signal: options.signal };
  const [item] = await listExecutions(ctx, 1);
  return item && summaryOf(pipeline.name, item);
}

const isMissing = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'StateMachineDoesNotExist' || error instanceof ConfigError;

function stateMachineCheck(
  pipeline: PipelineConfig,
  result: PromiseSettledResult<DescribeStateMachineCommandOutput>,
  field: string,
): Check {
  const title = `${pipeline.name} state machine`;
  const arn = pipeline.stateMachineArn;
  if (result.status === 'rejected') {
    if (isMissing(result.reason)) {
      return fail(
        title,
        `${arn} does not exist. Check ${field} (account and region too), or deploy the pipeline.`,
      );
    }
    return fail(
      title,
      awsProblemSentence(result.reason, { service: 'Step Functions', action: DESCRIBE, resource: arn }),
    );
  }
  const { status, type, name } = result.value;
  if (status !== 'ACTIVE') {
    return fail(
      title,
      `${arn} is ${status ?? 'in an unknown state'}, not ACTIVE. Point ${field} at a live state machine.`,
    );
  }
  if (type === 'EXPRESS') {
    return fail(
      title,
      `${arn} is an EXPRESS state machine: Express workflows keep no execution history, so SageBuild cannot ` +
        'follow its builds. Deploy the pipeline as a STANDARD state machine.',
    );
  }
  return pass(title, `${name ?? arn} (${pipeline.region}) is ACTIVE and ${type ?? 'STANDARD'}.`);
}

function buildsCheck(
  title: string,
  pipeline: PipelineConfig,
  result: PromiseSettledResult<BuildSummary | undefined>,
  now: Date,
): Check {
  if (result.status === 'rejected') {
    const reason: unknown = result.reason;
    const why =
      reason instanceof ConfigError
        ? reason.message
        : awsProblemSentence(reason, {
            service: 'Step Functions',
            action: 'states:ListExecutions',
            resource: pipeline.stateMachineArn,
          });
    return fail(title, why);
  }
  const build = result.value;
  if (!build) return pass(title, 'Listing builds works; there are no builds yet.');
  const status = build.status.toLowerCase().replace('_', ' ');
  return pass(
    title,
    `Listing builds works; the latest is ${build.name}, ${status}, started ${relativeTime(build.startedAt, now)}.`,
  );
}
