// The CLI front: `sagebuild status|start|stop|list|why|... [pipeline]`. Parses words, calls the core,
// and answers with the core's sentences. The local console (`npm start`) runs the same commands.

import { randomUUID } from 'node:crypto';
import type { Requester } from '../core/builds/facts';
import type { SageBuild } from '../core/sagebuild';
import {
  buildList,
  details,
  errorSentence,
  liveModel,
  started,
  status,
  stopped,
  timeLeft,
  whyFailed,
} from '../core/wording';

export interface CommandContext {
  core: SageBuild;
  requester: Requester;
  now?: () => Date;
}

type Command = (args: string[], ctx: CommandContext, now: Date) => Promise<string>;

const COMMANDS: Record<string, { usage: string; summary: string; run: Command }> = {
  status: {
    usage: 'status [pipeline]',
    summary: 'Is the latest build done? Step, elapsed time and time left.',
    run: async ([pipeline], { core }, now) => status(await core.status(pipeline), now),
  },
  details: {
    usage: 'details [pipeline]',
    summary: 'The latest build in detail: step, training progress and metrics, who started it.',
    run: async ([pipeline], { core }, now) => details(await core.details(pipeline), now),
  },
  eta: {
    usage: 'eta [pipeline]',
    summary: 'How long until the running build is done.',
    run: async ([pipeline], { core }, now) => timeLeft(await core.status(pipeline), now),
  },
  start: {
    usage: 'start [pipeline] [key=value ...]',
    summary: 'Start a build, e.g. start dev hyperparameters.max_depth=6',
    run: async (args, { core, requester }, now) => {
      const { pipeline, overrides } = splitOverrides(args);
      const result = await core.start({ pipeline, overrides, requester, idempotencyKey: randomUUID() });
      return started(result, now);
    },
  },
  stop: {
    usage: 'stop [pipeline | build name]',
    summary: "Stop the pipeline's running build, or the named one.",
    run: async (args, { core, requester }) => {
      const target = stopTarget(core, args);
      return stopped(await core.stop({ ...target, requester, reason: 'asked from the command line' }));
    },
  },
  list: {
    usage: 'list [pipeline]',
    summary: 'Recent builds.',
    run: async ([pipeline], { core }, now) => buildList(await core.list(pipeline), now),
  },
  why: {
    usage: 'why [pipeline]',
    summary: 'Why the last failed build failed.',
    run: async ([pipeline], { core }, now) => whyFailed(await core.whyFailed(pipeline), now),
  },
  endpoint: {
    usage: 'endpoint [pipeline]',
    summary: 'Is the endpoint up, and which model is live.',
    run: async ([pipeline], { core }) => liveModel(await core.endpoint(pipeline)),
  },
};

/** The commands, and the configured pipelines when there is a core to ask. */
export function helpText(core?: SageBuild): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  const text = ['Commands:', ...lines, `  ${'help'.padEnd(width)}  This list.`];
  if (core) {
    const pipelines = core.pipelines.map((p) =>
      p.aliases.length ? `${p.name} (${p.aliases.join(', ')})` : p.name,
    );
    text.push(`Pipelines: ${pipelines.join(', ')}`);
  }
  return text.join('\n');
}

export interface CommandOutcome {
  text: string;
  /** False when the command was refused or failed: the CLI's exit code. */
  ok: boolean;
}

export function isHelp(words: string[]): boolean {
  return words.length === 0 || ['help', '--help', '-h'].includes(words[0] as string);
}

/** Runs one command; every outcome, errors included, is a sentence for a person. */
export async function runCommandOutcome(words: string[], ctx: CommandContext): Promise<CommandOutcome> {
  const [name = 'help', ...args] = words;
  const now = ctx.now ?? (() => new Date());
  if (isHelp(words)) return { text: helpText(ctx.core), ok: true };
  const command = COMMANDS[name.toLowerCase()];
  if (!command) return { text: `I don't know the command "${name}".\n${helpText(ctx.core)}`, ok: false };
  try {
    return { text: await command.run(args, ctx, now()), ok: true };
  } catch (error) {
    return { text: errorSentence(error, now()), ok: false };
  }
}

export async function runCommand(words: string[], ctx: CommandContext): Promise<string> {
  return (await runCommandOutcome(words, ctx)).text;
}

/** Splits a line into words, keeping "quoted phrases" together. */
export function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function splitOverrides(args: string[]): { pipeline?: string; overrides: Record<string, string> } {
  const pairs: [string, string][] = [];
  const plain: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq > 0) pairs.push([arg.slice(0, eq), arg.slice(eq + 1)]);
    else plain.push(arg);
  }
  // fromEntries keeps a key like "__proto__" as data, so the core can refuse it by name.
  return { pipeline: plain.length ? plain.join(' ') : undefined, overrides: Object.fromEntries(pairs) };
}

/** "stop prod", "stop prod-3f2a1c9d0b1e", "stop prod prod-3f2a..." or plain "stop". */
function stopTarget(core: SageBuild, args: string[]): { pipeline?: string; build?: string } {
  const [first, second] = args;
  if (!first) return {};
  if (second) return { pipeline: first, build: second };
  const byName = core.pipelines.find((p) => p.name === first || p.aliases.includes(first));
  if (byName) return { pipeline: byName.name };
  // A build name: SageBuild names builds "<pipeline>-<id>", so the prefix tells the pipeline.
  const owner = core.pipelines.find((p) => first.startsWith(`${p.name}-`));
  return owner ? { pipeline: owner.name, build: first } : { pipeline: first };
}
