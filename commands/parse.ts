// What a typed command asks for: one grammar for every typed front. The CLI (`sagebuild start dev`),
// Slack's slash command (`/sagebuild start dev`) and the console all parse here, so they never drift apart.

import { splitAssignment } from '../core/config/input-path';
import type { PipelineConfig } from '../core/config/schema';
import { quoteCut } from '../core/input-limits';
import { editDistance } from '../core/config/pipelines';
import { readTarget } from './targets';
import { missingValue, type CommandProblem } from './problems';

/** Commands that only read: each answers with one of the core's sentences. */
export const QUESTIONS = ['status', 'details', 'eta', 'list', 'why', 'endpoint', 'health', 'passed'] as const;
export type Question = (typeof QUESTIONS)[number];

export type ParsedCommand =
  | { kind: 'question'; question: Question; pipeline?: string; build?: string }
  | { kind: 'start'; pipeline?: string; overrides: Record<string, string> }
  | { kind: 'stop'; pipeline?: string; build?: string }
  | { kind: 'rollback'; pipeline?: string; to?: string; confirmed: boolean }
  | { kind: 'approvals'; pipeline?: string }
  | { kind: 'approve'; pipeline?: string; build?: string }
  | { kind: 'reject'; pipeline?: string; build?: string; reason?: string }
  | { kind: 'again'; pipeline?: string; build?: string }
  | { kind: 'help' }
  | { kind: 'unclear'; problem: CommandProblem }
  | { kind: 'unknown'; name: string; suggestion?: string };

export interface Usage {
  usage: string;
  summary: string;
}

/** Usage of every command, in the order help lists them. */
export const USAGE: Record<
  Question | 'start' | 'stop' | 'rollback' | 'approvals' | 'approve' | 'reject' | 'again',
  Usage
> = {
  status: {
    usage: 'status [pipeline] [build]',
    summary: 'Is the latest build done? Step, elapsed time and time left.',
  },
  details: {
    usage: 'details [pipeline] [build]',
    summary: 'The latest build in detail: step, training progress and metrics, who started it.',
  },
  eta: { usage: 'eta [pipeline]', summary: 'How long until the running build is done.' },
  start: {
    usage: 'start [pipeline] [key=value ...]',
    summary: 'Start a build, e.g. start dev hyperparameters.max_depth=6',
  },
  stop: {
    usage: 'stop [pipeline] [build]',
    summary: "Stop the pipeline's running build, or the named one.",
  },
  list: { usage: 'list [pipeline]', summary: 'The recent builds, newest first: who, when, outcome, step.' },
  why: {
    usage: 'why [pipeline] [build]',
    summary: 'Why the latest (or that) build failed or was stopped, and the last failure before it.',
  },
  passed: { usage: 'passed [pipeline] [build]', summary: 'Did the build pass? Yes or no first.' },
  again: {
    usage: 'again [pipeline] [build]',
    summary: "Run a build again with the same settings (default: the pipeline's latest).",
  },
  endpoint: { usage: 'endpoint [pipeline]', summary: 'Is the endpoint up, and which model is live.' },
  health: {
    usage: 'health [pipeline]',
    summary: "The endpoint's last hour: requests, errors, latency, CPU and memory.",
  },
  rollback: {
    usage: 'rollback [pipeline] [to <build>] [--yes]',
    summary:
      "Put the endpoint back on the model before the last deploy (or that build's). Asks first; --yes does it.",
  },
  approvals: { usage: 'approvals [pipeline]', summary: 'Builds waiting for approval before they deploy.' },
  approve: {
    usage: 'approve [pipeline | build name]',
    summary: 'Let the build waiting for approval deploy (approvers only).',
  },
  reject: {
    usage: 'reject [pipeline | build name] ["reason"]',
    summary: 'Stop the waiting build before it deploys, e.g. reject prod "AUC dropped"',
  },
};

export const HELP_USAGE: Usage = { usage: 'help', summary: 'This list.' };

/**
 * A build, in any command that takes one: its name (dev-7bf6177351f8), execution ARN, last, previous, or when it
 * started: today's, yesterday's, this morning's, this afternoon's, last night's (days in the config's time zone,
 * UTC when unset).
 */
export const BUILD_WORDS =
  "build: a name, last, previous, today's, yesterday's, this morning's, last night's";

/** "  status [pipeline]  Is the latest build done?…", usages padded to one column; `prefix` goes before each. */
export function usageLines(entries: Usage[], prefix = ''): string[] {
  const width = Math.max(...entries.map((c) => prefix.length + c.usage.length));
  return entries.map((c) => `  ${(prefix + c.usage).padEnd(width)}  ${c.summary}`);
}

export function isHelp(words: string[]): boolean {
  return words.length === 0 || ['help', '--help', '-h'].includes(words[0] as string);
}

/**
 * Splits a line into words, keeping "quoted phrases" together (quote marks dropped). A quote opens only at the
 * start of a word or after "=", "." or "[", so "it's" stays one word; quotes right inside brackets stay, since
 * ['Create Model'].ModelName=x is how an input path names a key with spaces or dots.
 */
export function words(typed: string): string[] {
  // Chat apps turn typed quotes into curly ones; they mean the same here.
  const line = typed.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'");
  const found: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i] as string;
    if (/\s/.test(char)) {
      if (word !== undefined) found.push(word);
      word = undefined;
      continue;
    }
    const before = line[i - 1] ?? ' ';
    const close = char === '"' || char === "'" ? line.indexOf(char, i + 1) : -1;
    if (close > 0 && (/\s/.test(before) || '=.['.includes(before))) {
      const keepQuotes = before === '[' && line[close + 1] === ']';
      word = (word ?? '') + (keepQuotes ? line.slice(i, close + 1) : line.slice(i + 1, close));
      i = close;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) found.push(word);
  return found;
}

export function parseCommand(words: string[], pipelines: readonly PipelineConfig[]): ParsedCommand {
  if (isHelp(words)) return { kind: 'help' };
  const [first = '', ...args] = words;
  const name = first.toLowerCase();
  if (name === 'start') return startCommand(args, pipelines);
  if (name === 'stop') return targeted({ kind: 'stop' }, name, args, pipelines);
  if (name === 'again') return targeted({ kind: 'again' }, name, args, pipelines);
  if (name === 'rollback') return rollbackCommand(args);
  if (name === 'roll' && args[0]?.toLowerCase() === 'back') return rollbackCommand(args.slice(1));
  if (name === 'approvals') return withPipeline({ kind: 'approvals' }, args[0]);
  if (name === 'approve') return { kind: 'approve', ...decisionTarget(pipelines, args).target };
  if (name === 'reject') {
    const { target, rest } = decisionTarget(pipelines, args);
    return rest.length > 0
      ? { kind: 'reject', ...target, reason: rest.join(' ') }
      : { kind: 'reject', ...target };
  }
  if ((QUESTIONS as readonly string[]).includes(name)) {
    const parsed: ParsedCommand = targeted(
      { kind: 'question', question: name as Question },
      name,
      args,
      pipelines,
    );
    const asked = parsed.kind === 'question' ? parsed : undefined;
    return asked?.build !== undefined && PIPELINE_ONLY.has(name) ? buildAsExtra(asked, name) : parsed;
  }
  // Only ever quoted back ("I don't know the command …"): its start is enough.
  const meant = closestCommand(name);
  const suggestion = meant && [meant, ...args].join(' ');
  return suggestion
    ? { kind: 'unknown', name: quoteCut(first), suggestion: quoteCut(suggestion, 80) }
    : { kind: 'unknown', name: quoteCut(first) };
}

/** Every command name the typed language knows, from the usage table: what "did you mean" chooses from. */
export const COMMAND_NAMES: readonly string[] = [...Object.keys(USAGE), 'help'];

/** The command a typo was meant to be ("stauts" → "status"), about one slip per three letters at most. */
function closestCommand(typed: string): string | undefined {
  if (typed.length > 20) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of COMMAND_NAMES) {
    const allowed = Math.max(1, Math.floor(Math.max(typed.length, candidate.length) / 3));
    if (Math.abs(typed.length - candidate.length) > allowed) continue;
    const distance = editDistance(typed, candidate);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Questions about a pipeline rather than one build: a build named with them is questioned. */
const PIPELINE_ONLY = new Set(['list', 'endpoint', 'health']);

function buildAsExtra(
  parsed: { pipeline?: string; build?: string },
  name: string,
): { kind: 'unclear'; problem: CommandProblem } {
  const meant = [name, parsed.pipeline].filter((w) => w !== undefined).join(' ');
  return { kind: 'unclear', problem: { kind: 'extra', extra: [quoteCut(parsed.build ?? '')], meant } };
}

/** A command taking a pipeline and a build; words that name neither are questioned, never ignored. */
function targeted<T extends ParsedCommand>(
  parsed: T,
  name: string,
  args: string[],
  pipelines: readonly PipelineConfig[],
): T | { kind: 'unclear'; problem: CommandProblem } {
  const { pipeline, build, extra } = readTarget(pipelines, args);
  if (extra.length > 0) {
    const meant = [name, pipeline, build].filter((w) => w !== undefined).join(' ');
    return { kind: 'unclear', problem: { kind: 'extra', extra: extra.map((w) => quoteCut(w)), meant } };
  }
  const withBuild = build === undefined ? parsed : { ...parsed, build };
  return withPipeline(withBuild, pipeline);
}

/** "start dev key=value ...": a plain word after the pipeline that looks like a setting is missing its value. */
function startCommand(args: string[], pipelines: readonly PipelineConfig[]): ParsedCommand {
  const split = splitOverrides(args);
  const problem = missingValue(
    args.filter((arg) => !splitAssignment(arg)),
    pipelines,
    Object.entries(split.overrides)
      .filter(([, value]) => value.trim() === '')
      .map(([key]) => key),
  );
  return problem ? { kind: 'unclear', problem } : { kind: 'start', ...split };
}

function withPipeline<T extends object>(parsed: T, pipeline: string | undefined): T & { pipeline?: string } {
  return pipeline === undefined ? parsed : { ...parsed, pipeline };
}

function splitOverrides(args: string[]): { pipeline?: string; overrides: Record<string, string> } {
  const pairs: [string, string][] = [];
  const plain: string[] = [];
  for (const arg of args) {
    // The first "=" outside a quoted ['key'], so a key may itself hold "=".
    const assignment = splitAssignment(arg);
    if (assignment) pairs.push([assignment.key, assignment.value]);
    else plain.push(arg);
  }
  // fromEntries keeps a key like "__proto__" as data, so the core can refuse it by name.
  return withPipeline({ overrides: Object.fromEntries(pairs) }, plain.length ? plain.join(' ') : undefined);
}

/** "rollback prod", "rollback prod to prod-3f2a1c9d0b1e --yes", "roll back to prod-x" (default pipeline). */
function rollbackCommand(args: string[]): ParsedCommand {
  const confirmed = args.some((a) => a === '--yes' || a === '-y');
  const rest = args.filter((a) => a !== '--yes' && a !== '-y');
  const toAt = rest.findIndex((a) => a.toLowerCase() === 'to');
  const pipeline = toAt < 0 ? rest[0] : rest.slice(0, toAt)[0];
  const to = toAt < 0 ? undefined : rest.slice(toAt + 1).join(' ') || undefined;
  return {
    kind: 'rollback',
    confirmed,
    ...(pipeline !== undefined ? { pipeline } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

/**
 * "approve", "approve prod", "approve prod-3f2a1c9d0b1e", "reject prod AUC dropped", reject prod "AUC dropped":
 * a pipeline or build first when the words name one, then whatever is left (a rejection's reason). A quoted
 * phrase first is a reason, never a pipeline.
 */
function decisionTarget(
  pipelines: readonly PipelineConfig[],
  args: string[],
): { target: { pipeline?: string; build?: string }; rest: string[] } {
  const [first, ...rest] = args;
  if (first === undefined) return { target: {}, rest: [] };
  const byName = pipelines.find((p) => p.name === first || p.aliases.includes(first));
  if (byName) {
    const [second, ...after] = rest;
    const build = second !== undefined && second.startsWith(`${byName.name}-`) && !/\s/.test(second);
    return build
      ? { target: { pipeline: byName.name, build: second }, rest: after }
      : { target: { pipeline: byName.name }, rest };
  }
  const owner = pipelines.find((p) => first.startsWith(`${p.name}-`) && !/\s/.test(first));
  if (owner) return { target: { pipeline: owner.name, build: first }, rest };
  if (/\s/.test(first)) return { target: {}, rest: args };
  return { target: { pipeline: first }, rest };
}
