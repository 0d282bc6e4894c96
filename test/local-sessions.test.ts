// One session per `npm start`: two real consoles in the same folder each keep their own session file, the CLI
// uses the newest live one and says which (and that there are two), each removes only its own file when it
// exits, and a file left by a killed console is ignored and cleaned up. Session files of processes that are
// alive but don't serve (a reused pid) are passed over with a note.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  chooseSession,
  isAlive,
  liveSessions,
  removeSession,
  sessionPaths,
  writeSession,
  type LocalSession,
} from '../local/session-file';
import { startConsole, type RunningConsole } from './support/console';
import { cleanEnv } from './support/env';
import { waitFor } from './support/local-stack';
import { runProcess } from './support/run-process';

const REPO = resolve(__dirname, '..');
const consoles: RunningConsole[] = [];
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sagebuild-sessions-'));
});

afterAll(() => {
  consoles.forEach((running) => running.kill());
  if (root) rmSync(root, { recursive: true, force: true });
});

function sagebuild(args: string[], cwd: string = root) {
  return runProcess(process.execPath, [join(REPO, 'bin', 'sagebuild.js'), ...args], {
    cwd,
    env: cleanEnv(),
    timeoutMs: 60_000,
  });
}

async function npmStartIn(dir: string): Promise<RunningConsole> {
  const running = await startConsole({ tempPrefix: 'unused-', timeScale: 3000, waitMs: 60_000, root: dir });
  consoles.push(running);
  return running;
}

function endpointOf(running: RunningConsole): string {
  const banner = /local AWS at (http:\/\/127\.0\.0\.1:\d+)/.exec(running.output());
  if (!banner?.[1]) throw new Error('no banner');
  return banner[1];
}

/** The session whose endpoint is this console's. */
function sessionOf(running: RunningConsole, sessions: LocalSession[]): LocalSession {
  const found = sessions.find((s) => s.endpoint === endpointOf(running));
  if (!found) throw new Error(`no session for ${endpointOf(running)}`);
  return found;
}

const notes = (dir: string) => readdirSync(sessionPaths(dir).dir).filter((f) => /^\d+\.json$/.test(f));

test('two npm starts in one folder: each its own session; the CLI uses the newest and says so', async () => {
  const first = await npmStartIn(root);
  const second = await npmStartIn(root);
  expect(endpointOf(first)).not.toBe(endpointOf(second));

  const sessions = liveSessions(root);
  expect(sessions).toHaveLength(2);
  const [newest] = sessions;
  expect(newest).toEqual(sessionOf(second, sessions));
  const older = sessionOf(first, sessions);
  expect(older.configPath).not.toBe(newest?.configPath);
  expect(existsSync(older.configPath)).toBe(true);

  const run = await sagebuild(['status', 'prod']);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(
    new RegExp(
      `^\\(using the local AWS at ${endpointOf(second)}, started by npm start \\(pid ${newest?.pid}\\) ` +
        `at \\d\\d:\\d\\d: the newest of 2 npm start sessions running in this folder\\)\\n$`,
    ),
  );
  expect(run.stdout).toMatch(/^Yes\. Your prod build finished /);

  // The newest exits: it removes its own file only, and the CLI goes back to the first, still running.
  second.stop('SIGINT');
  expect(await second.exited).toEqual({ code: 0, signal: null });
  expect(liveSessions(root)).toEqual([older]);
  expect(existsSync(older.configPath)).toBe(true);
  const back = await sagebuild(['status', 'dev']);
  expect(back.code).toBe(0);
  expect(back.stderr).toMatch(
    new RegExp(
      `^\\(using the local AWS at ${endpointOf(first)}, started by npm start \\(pid ${older.pid}\\) at \\d\\d:\\d\\d\\)\\n$`,
    ),
  );
  expect(back.stdout).toMatch(/^No\. Your dev build failed /);

  // Killed without a chance to clean up: its file stays, but no CLI takes it, and the next one removes it.
  first.kill();
  await first.exited;
  await waitFor(() => (isAlive(older.pid) ? undefined : true));
  expect(notes(root)).toEqual([`${older.pid}.json`]);
  const orphaned = await sagebuild(['status', 'prod']);
  expect(orphaned.code).toBe(2);
  expect(orphaned.stderr).not.toContain('using the local AWS');
  expect(orphaned.stderr).toContain('Set SAGEBUILD_CONFIG to your config file, or run `npm start`');
  expect(notes(root)).toEqual([]);
  expect(existsSync(older.configPath)).toBe(false);
}, 240_000);

describe('session files, without a console', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sagebuild-session-file-'));
  });
  afterEach(() => {
    removeSession(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a live pid whose endpoint does not answer is passed over, with a note saying so', async () => {
    // This test process stands in for an npm start whose local AWS is gone (a closed port).
    const session = writeSession(dir, 'http://127.0.0.1:1', { pipelines: [] });
    expect(liveSessions(dir)).toEqual([session]);
    expect(await chooseSession(dir)).toBeUndefined();
    const run = await sagebuild(['status', 'prod'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `(npm start (pid ${process.pid}) seems to run in this folder, but its local AWS at http://127.0.0.1:1 doesn't answer)`,
    );
    // Alive: its file is not anyone else's to remove.
    expect(notes(dir)).toEqual([`${process.pid}.json`]);
  });

  test("removeSession removes this process's own files only; a dead process's are cleaned on the next look", async () => {
    const mine = writeSession(dir, 'http://127.0.0.1:1', {});
    // Another process writes its own session, as npm start does, and waits until told to go.
    const other = spawn(
      process.execPath,
      [
        '-e',
        `require('tsx/cjs/api').register();
         const { writeSession } = require(${JSON.stringify(join(REPO, 'local', 'session-file.ts'))});
         writeSession(${JSON.stringify(dir)}, 'http://127.0.0.1:2', {});
         console.log('written');
         process.stdin.resume();
         process.stdin.on('end', () => process.exit(0));`,
      ],
      { cwd: REPO, env: cleanEnv(), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise((done) => other.on('exit', done));
    await new Promise((done) => other.stdout.once('data', done));
    const otherPid = other.pid ?? 0;
    expect(
      liveSessions(dir)
        .map((s) => s.pid)
        .sort(),
    ).toEqual([mine.pid, otherPid].sort());

    removeSession(dir);
    expect(notes(dir)).toEqual([`${otherPid}.json`]);
    expect(existsSync(sessionPaths(dir, otherPid).config)).toBe(true);

    // It ends without removing its file (as a killed npm start would): the next look removes it.
    other.stdin.end();
    await exited;
    await waitFor(() => (isAlive(otherPid) ? undefined : true));
    expect(liveSessions(dir)).toEqual([]);
    expect(notes(dir)).toEqual([]);
    expect(existsSync(sessionPaths(dir, otherPid).config)).toBe(false);
  });

  test('foreign or malformed files in the folder are ignored, never crash the CLI', async () => {
    const { dir: sessions } = sessionPaths(dir);
    mkdirSync(sessions, { recursive: true });
    writeFileSync(join(sessions, `${process.pid}.json`), '{not json');
    writeFileSync(join(sessions, 'notes.txt'), 'hello');
    expect(liveSessions(dir)).toEqual([]);
    expect(await chooseSession(dir)).toBeUndefined();
  });
});
