// What a typed command asks for: one grammar for every typed front. The CLI (`sagebuild start dev`),
// Slack's slash command (`/sagebuild start dev`) and the console all parse here, so they never drift apart.

import { splitAssignment } from '../core/config/input-path';
import type { PipelineConfig } from '../core/config/schema';
import { quoteCut } from '../core/input-limits';

/** Commands that only read: each answers with one of the core's sentences. */
export const QUESTIONS = ['status', 'details', 'eta', 'list', 'why', 'endpoint'] as const;
export type Question = (typeof QUESTIONS)[number];

export type ParsedCommand =
  | { kind: 'question'; question: Question; pipeline?: string }
  | { kind: 'start'; pipeline?: string; overrides: Record<string, string> }
  | { kind: 'stop'; pipeline?: string; build?: string }
  | { kind: 'rollback'; pipeline?: string; to?: string; confirmed: boolean }
  | { kind: 'help' }
  | { kind: 'unknown'; name: string };

export interface Usage {
  usage: string;
  summary: string;
}

/** Usage of every command, in the order help lists them. */
export const USAGE: Record<Question | 'start' | 'stop' | 'rollback', Usage> = {
  status: {
    usage: 'status [pipeline]',
    summary: 'Is the latest build done? Step, elapsed time and time left.',
  },
  details: {
    usage: 'details [pipeline]',
    summary: 'The latest build in detail: step, training progress and metrics, who started it.',
  },
  eta: { usage: 'eta [pipeline]', summary: 'How long until the running build is done.' },
  start: {
    usage: 'start [pipeline] [key=value ...]',
    summary: 'Start a build, e.g. start dev hyperparameters.max_depth=6',
  },
  stop: {
    usage: 'stop [pipeline | build name]',
    summary: "Stop the pipeline's running build, or the named one.",
  },
  list: { usage: 'list [pipeline]', summary: 'Recent builds.' },
  why: { usage: 'why [pipeline]', summary: 'Why the last failed build failed.' },
  endpoint: { usage: 'endpoint [pipeline]', summary: 'Is the endpoint up, and which model is live.' },
  rollback: {
    usage: 'rollback [pipeline] [to <build>] [--yes]',
    summary:
      "Put the endpoint back on the model before the last deploy (or that build's). Asks first; --yes does it.",
  },
};

export const HELP_USAGE: Usage = { usage: 'help', summary: 'This list.' };

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
  if (name === 'start') return { kind: 'start', ...splitOverrides(args) };
  if (name === 'stop') return { kind: 'stop', ...stopTarget(pipelines, args) };
  if (name === 'rollback') return rollbackCommand(args);
  if (name === 'roll' && args[0]?.toLowerCase() === 'back') return rollbackCommand(args.slice(1));
  if ((QUESTIONS as readonly string[]).includes(name)) {
    return withPipeline({ kind: 'question', question: name as Question }, args[0]);
  }
  // Only ever quoted back ("I don't know the command …"): its start is enough.
  return { kind: 'unknown', name: quoteCut(first) };
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

/** "stop prod", "stop prod-3f2a1c9d0b1e", "stop prod prod-3f2a..." or plain "stop". */
function stopTarget(
  pipelines: readonly PipelineConfig[],
  args: string[],
): { pipeline?: string; build?: string } {
  const [first, second] = args;
  if (!first) return {};
  if (second) return { pipeline: first, build: second };
  const byName = pipelines.find((p) => p.name === first || p.aliases.includes(first));
  if (byName) return { pipeline: byName.name };
  // A build name: SageBuild names builds "<pipeline>-<id>", so the prefix tells the pipeline.
  const owner = pipelines.find((p) => first.startsWith(`${p.name}-`));
  return owner ? { pipeline: owner.name, build: first } : { pipeline: first };
}
