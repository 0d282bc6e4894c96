// While `npm start` runs, it leaves a note saying where its local AWS listens and where its config is, so
// `npx sagebuild ...` in another terminal talks to the same local AWS without any setup. When it plays a Slack
// workspace, the note also says where that fake Slack API is, with its local-only tokens, for `npm run doctor`.
//
// Each `npm start` writes its own note (and config), named by its pid, under .sagebuild/sessions/, and removes
// only its own on exit: a second `npm start` in the same folder neither hides nor deletes the first one's. The
// CLI takes the newest live one (its pid alive and, when asked, its endpoint answering); notes left by a process
// that died without cleaning up are ignored and removed.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/** The fake Slack API of `npm start` and the tokens it and the local bot use (local-only, never real ones). */
export interface LocalSlackApi {
  /** The WebClient's slackApiUrl, e.g. http://127.0.0.1:4321/api/ */
  apiUrl: string;
  botToken: string;
  signingSecret: string;
}

export interface LocalSession {
  endpoint: string;
  configPath: string;
  pid: number;
  /** When this `npm start` began serving, ISO 8601: the newest session wins, and the CLI says when it began. */
  startedAt: string;
  /** Only while `npm start` plays a Slack workspace (not when connected to a real one). */
  slack?: LocalSlackApi;
}

export const SESSION_DIR = '.sagebuild';
const SESSIONS = 'sessions';
const NOTE = /^(\d{1,10})\.json$/;
/** A note is a few hundred bytes: anything much larger is not ours, and is not read. */
const MAX_NOTE_BYTES = 16 * 1024;
/** How long the CLI waits for a session's endpoint to accept a connection before passing it over. */
const PROBE_MS = 1000;

/** Where the session of process `pid` (this one by default) keeps its note and its config. */
export function sessionPaths(
  root: string,
  pid: number = process.pid,
): { dir: string; session: string; config: string } {
  const dir = join(root, SESSION_DIR, SESSIONS);
  return { dir, session: join(dir, `${pid}.json`), config: join(dir, `${pid}-config.json`) };
}

/** Written whole or not at all: a CLI reading at the same moment never sees half a note. */
function writeAtomically(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

export function writeSession(
  root: string,
  endpoint: string,
  config: unknown,
  slack?: LocalSlackApi,
): LocalSession {
  const paths = sessionPaths(root);
  mkdirSync(paths.dir, { recursive: true });
  writeAtomically(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  const session: LocalSession = {
    endpoint,
    configPath: paths.config,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...(slack ? { slack } : {}),
  };
  writeAtomically(paths.session, `${JSON.stringify(session, null, 2)}\n`);
  return session;
}

/** Removes this process's own note and config, never another session's. */
export function removeSession(root: string): void {
  const paths = sessionPaths(root);
  rmSync(paths.session, { force: true });
  rmSync(paths.config, { force: true });
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A note as written by writeSession, for the pid its file is named by; anything else is undefined. */
function parseNote(text: string, pid: number): LocalSession | undefined {
  let note: Partial<LocalSession>;
  try {
    note = JSON.parse(text) as Partial<LocalSession>;
  } catch {
    return undefined;
  }
  const wellFormed =
    note !== null &&
    typeof note === 'object' &&
    note.pid === pid &&
    typeof note.endpoint === 'string' &&
    /^https?:\/\//.test(note.endpoint) &&
    typeof note.configPath === 'string' &&
    typeof note.startedAt === 'string' &&
    !Number.isNaN(Date.parse(note.startedAt));
  return wellFormed ? (note as LocalSession) : undefined;
}

/**
 * Every session in `root` whose process is alive, newest first. Notes of dead processes are removed (with their
 * config); unreadable or foreign files are left alone and ignored.
 */
export function liveSessions(root: string): LocalSession[] {
  const { dir } = sessionPaths(root);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  const live: LocalSession[] = [];
  for (const file of files) {
    const pid = Number(NOTE.exec(file)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    const paths = sessionPaths(root, pid);
    if (!isAlive(pid)) {
      rmSync(paths.session, { force: true });
      rmSync(paths.config, { force: true });
      continue;
    }
    try {
      if (statSync(paths.session).size > MAX_NOTE_BYTES) continue;
      const note = parseNote(readFileSync(paths.session, 'utf8'), pid);
      if (note) live.push(note);
    } catch {
      // Removed between the listing and the read: its process just exited.
    }
  }
  return live.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.pid - a.pid);
}

/** The newest live session in `root`, if any (its pid checked, not its endpoint). */
export function readSession(root: string): LocalSession | undefined {
  return liveSessions(root)[0];
}

/** Whether something accepts connections at the session's endpoint (a reused pid is not `npm start`). */
export function endpointAnswers(endpoint: string, timeoutMs: number = PROBE_MS): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(false);
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((done) => {
    const socket = connect({ host: url.hostname, port });
    const finish = (answered: boolean) => {
      socket.destroy();
      done(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export interface SessionChoice {
  session: LocalSession;
  /** How many live sessions answered in the folder, this one included. */
  running: number;
}

/** The newest session in `root` whose process is alive and whose endpoint answers; undefined when none does. */
export async function chooseSession(root: string): Promise<SessionChoice | undefined> {
  const live = liveSessions(root);
  const answering = await Promise.all(live.map((session) => endpointAnswers(session.endpoint)));
  const serving = live.filter((_, i) => answering[i]);
  const [session] = serving;
  return session ? { session, running: serving.length } : undefined;
}

/**
 * Without SAGEBUILD_CONFIG, points `env` at a running `npm start` (its config, its local AWS, dummy keys): the
 * one given, else the newest live one; returns it. With SAGEBUILD_CONFIG, or with no session, changes nothing.
 */
export function useLocalSession(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  chosen?: LocalSession,
): LocalSession | undefined {
  if (env.SAGEBUILD_CONFIG) return undefined;
  const session = chosen ?? readSession(root);
  if (!session) return undefined;
  env.SAGEBUILD_CONFIG = session.configPath;
  env.AWS_ENDPOINT_URL ??= session.endpoint;
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return session;
}
