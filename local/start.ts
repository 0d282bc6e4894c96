// `npm start`: the local AWS with the prod and dev pipelines and their past, plus a console in this
// terminal for the CLI's commands. `npm start -- --pipeline my-machine.asl.json` (repeatable) adds a team's own
// machine as one more pipeline (see own-pipeline.ts). Build events print as they happen. Ctrl-C shuts everything down.

import { userInfo } from 'node:os';
import { helpText, runCommand, words } from '../commands/run';
import { SageBuild } from '../core/sagebuild';
import { scaledRefreshMs } from '../slack/notifier/refresh-timer';
import { ALEXA_USAGE, startAlexaConsole } from './alexa/console-line';
import { DEFAULT_TIME_SCALE } from './clock';
import { LocalConsole } from './console';
import { LocalAws } from './local-aws';
import { localConfig } from './local-config';
import { narrateBuilds } from './narrator';
import { addOwnPipeline, OwnPipelineError, readOwnMachine, type OwnMachine } from './own-pipeline';
import {
  LOCAL_PROD_APPROVAL,
  loadReferencePipelines,
  referencePipelineNames,
  type LocalPipeline,
} from './reference-pipelines';
import { removeSession, writeSession } from './session-file';
import { startSlack } from './slack/front';

const DEFAULT_PORT = 4599;

function numberFromEnv(name: string, fallback: number, { allowZero = false } = {}): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !allowZero)) {
    console.error(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}".`);
    process.exit(2);
  }
  return value;
}

async function listenLocalAws(port: number, timeScale: number): Promise<LocalAws> {
  try {
    return await LocalAws.start({ port, timeScale, eventTargetUrl: process.env.SAGEBUILD_EVENT_TARGET_URL });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(`Port ${port} is busy (another npm start?); using a free port instead.`);
    return LocalAws.start({ port: 0, timeScale, eventTargetUrl: process.env.SAGEBUILD_EVENT_TARGET_URL });
  }
}

/** The files after --pipeline (repeatable); anything else on the command line is refused in one line. */
function pipelineFiles(args: string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const file = arg.startsWith('--pipeline=')
      ? arg.slice('--pipeline='.length)
      : arg === '--pipeline'
        ? args[++i]
        : undefined;
    if (file === undefined) {
      throw new OwnPipelineError(
        arg === '--pipeline'
          ? '--pipeline needs a file: npm start -- --pipeline my-machine.asl.json'
          : `Unknown option "${arg.slice(0, 60)}". Try: npm start -- --pipeline my-machine.asl.json`,
      );
    }
    if (file === '')
      throw new OwnPipelineError('--pipeline needs a file: npm start -- --pipeline my-machine.asl.json');
    files.push(file);
  }
  return files;
}

/** The teams' own machines, read before anything listens so a bad file costs nothing. */
function readOwnMachines(args: string[]): OwnMachine[] {
  const machines: OwnMachine[] = [];
  const taken = referencePipelineNames();
  for (const file of pipelineFiles(args)) {
    const machine = readOwnMachine(file, [...taken, ...machines.map((m) => m.name)]);
    machines.push(machine);
  }
  return machines;
}

function describePipeline(p: LocalPipeline<object>): string {
  if (p.file) return `${p.name} (your ${p.file})`;
  const endpoint = (p.defaultInput as { endpointName?: unknown }).endpointName;
  return typeof endpoint === 'string' ? `${p.name} (endpoint ${endpoint})` : p.name;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const own = readOwnMachines(process.argv.slice(2));
  const timeScale = numberFromEnv('SAGEBUILD_TIME_SCALE', DEFAULT_TIME_SCALE);
  // LOCAL_AWS_PORT=0 means "any free port".
  const port = numberFromEnv('LOCAL_AWS_PORT', DEFAULT_PORT, { allowZero: true });
  const local = await listenLocalAws(port, timeScale);
  let pipelines: LocalPipeline<object>[];
  try {
    pipelines = [
      // Prod builds stop at an approval gate: `approve prod` (or a card's button) lets them deploy.
      ...(await loadReferencePipelines(local, { approval: LOCAL_PROD_APPROVAL })),
      ...own.map((m) => addOwnPipeline(local, m)),
    ];
  } catch (error) {
    await local.close();
    throw error;
  }
  const config = localConfig(pipelines, local.region);

  // The core reaches the local AWS exactly as it would reach AWS: through the SDK and AWS_ENDPOINT_URL.
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  process.env.AWS_REGION = local.region;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  const core = new SageBuild(config);
  const root = process.cwd();

  const terminal = new LocalConsole(process.stdin, process.stdout);
  const user = userInfo().username;
  const requester = { id: `cli:${user}`, displayName: user };
  const pipelineOf = (arn: string) => pipelines.find((p) => p.stateMachineArn === arn)?.name ?? 'unknown';
  const stopNarrating = narrateBuilds(local, pipelineOf, (line) => terminal.print(line));
  const alexa = await startAlexaConsole({ core, config, user, print: (line) => terminal.print(line) });
  const slack = await startSlack({
    core,
    config,
    events: local.events,
    user,
    print: (line) => terminal.print(line),
    // Cards move as the deployed ones do, a round per deployed minute on the local clock.
    refreshEveryMs: scaledRefreshMs(timeScale),
    // The deploy watch checks as the deployed schedule does, every checkEveryMinutes on the local clock.
    deployWatchEveryMs: scaledRefreshMs(timeScale, config.deployWatch.checkEveryMinutes * 60_000),
  });
  // Written once everything listens, so the CLI and the doctor find the fake Slack API too.
  writeSession(root, local.endpoint, config, slack.api);

  terminal.use({
    usage: 'help',
    matches: (line) => line === 'help' || line === '?',
    run: async () =>
      [
        helpText(core),
        `  ${ALEXA_USAGE.padEnd(32)}  Talk to the Alexa skill, e.g. alexa: is my build done`,
        ...slack.help.map(([usage, what]) => `  ${usage.padEnd(32)}  ${what}`),
        `  ${'quit'.padEnd(32)}  Stop the local AWS and leave.`,
      ].join('\n'),
  });
  terminal.use(alexa.handler);
  slack.handlers.forEach((handler) => terminal.use(handler));
  terminal.use({
    usage: 'quit',
    matches: (line) => line === 'quit' || line === 'exit',
    run: async () => shutdown(),
  });
  terminal.use({
    usage: '<command> [pipeline]',
    matches: () => true,
    run: (line) => runCommand(words(line), { core, requester }),
  });

  let stopping = false;
  async function shutdown(): Promise<string> {
    if (stopping) return '';
    stopping = true;
    terminal.print('Shutting down the local AWS…');
    stopNarrating();
    terminal.stop();
    core.close();
    await Promise.all([local.close(), alexa.close(), slack.close()]);
    removeSession(root);
    process.exit(0);
  }
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());

  console.log(
    [
      `SageBuild on a local AWS at ${local.endpoint} (time runs ${timeScale}x faster: a 45-minute training takes ${Math.round((45 * 60) / timeScale)} s).`,
      `Pipelines: ${pipelines.map(describePipeline).join(', ')}, ${own.length ? 'prod and dev' : 'each'} with a few past builds.`,
      ...pipelines.filter((p) => p.file).map(tryYourOwn),
      'Try: status prod · why prod · start dev · list dev · endpoint dev · health prod · help. Ctrl-C quits.',
      'Talk to the Alexa skill: alexa: is my build done · alexa: start a dev build, then alexa: yes',
      'Prod builds wait for approval before they deploy: approvals · approve prod · reject prod "why"',
      slack.banner,
      `From another terminal: npx sagebuild status prod`,
    ].join('\n'),
  );
  terminal.start(() => void shutdown());
}

/** The hint for a team's own pipeline, with the settings its derived input lets people change at a start. */
function tryYourOwn({ name, allowedInputKeys = [] }: LocalPipeline<object>): string {
  const settings = allowedInputKeys.length ? ` (it takes ${allowedInputKeys.join(', ')} at start)` : '';
  return `Try your own: status ${name} · start ${name} · details ${name}${settings}`;
}

main().catch((error: unknown) => {
  // A bad --pipeline file is the person's to fix: one line, exit 2, like any other bad argument.
  if (error instanceof OwnPipelineError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`Could not start the local AWS: ${(error as Error).message}`);
  process.exit(1);
});
