// The real `npm start` program: commands on piped stdin, narration of a live build, the session file that lets
// `npx sagebuild` in another terminal reach the same local AWS, and a clean shutdown on SIGINT.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sessionPaths, type LocalSession } from '../local/session-file';
import { cleanEnv } from './support/env';
import { waitFor } from './support/local-stack';

const REPO = resolve(__dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

let root: string;
let npmStart: ChildProcess | undefined;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
const helpers = new Set<ChildProcess>();

/** Waits (bounded) until the console's output after `from` matches `pattern`; returns the match. */
function waitForOutput(pattern: RegExp, from = 0, timeoutMs = 60000): Promise<RegExpExecArray> {
  return waitFor(() => {
    const match = pattern.exec(output.slice(from));
    if (match) return match;
    if (npmStart && (npmStart.exitCode !== null || npmStart.signalCode !== null)) {
      throw new Error(`npm start exited (code ${npmStart.exitCode}, signal ${npmStart.signalCode})`);
    }
    return undefined;
  }, timeoutMs).catch((error: Error) => {
    throw new Error(`console output never matched ${pattern} (${error.message}); it was:\n${output}`);
  });
}

function send(line: string): number {
  const from = output.length;
  npmStart?.stdin?.write(`${line}\n`);
  return from;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sagebuild-console-'));
  // Its own process group, so afterAll can kill tsx and the node process it runs, whatever happened.
  const child = spawn(TSX, [join(REPO, 'local', 'start.ts')], {
    cwd: root,
    env: cleanEnv({ LOCAL_AWS_PORT: '0', SAGEBUILD_TIME_SCALE: '3000' }),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  npmStart = child;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  await waitForOutput(/From another terminal: npx sagebuild status prod\n/, 0, 30000);
});

afterAll(() => {
  for (const helper of helpers) helper.kill('SIGKILL');
  const child = npmStart;
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

test('the banner names the local AWS, on a free port', () => {
  expect(output).toMatch(/^SageBuild on a local AWS at http:\/\/127\.0\.0\.1:\d+ \(time runs 3000x faster/);
  expect(output).not.toContain('http://127.0.0.1:4599 ');
  // The seeded past builds happened "in the past": nothing announces them.
  expect(output).not.toMatch(/prod-nightly|prod-retrain|dev-ana/);
});

test('answers piped commands and narrates the dev build it starts', async () => {
  const from = send('status prod\nwhy prod\nstart dev');
  await waitForOutput(/Yes\. Your prod build finished 2 hours ago.*churn-prod is in service\./, from);
  await waitForOutput(
    /Your prod build failed 7 hours ago at the Train model step\. SageMaker said: .*ValueError/,
    from,
  );
  const [, name] = await waitForOutput(/Started a new dev build, (dev-[\w-]+)\./, from);
  await waitForOutput(new RegExp(`▶ \\S.* started the dev build ${name}\\.\n`), from);
  await waitForOutput(new RegExp(`  The dev build ${name} is now training the model\\.\n`), from);
  await waitForOutput(new RegExp(`  The dev build ${name} is now updating the endpoint\\.\n`), from);
  await waitForOutput(new RegExp(`✔ The dev build ${name} succeeded`), from);

  const asked = send('status dev');
  await waitForOutput(/Yes\. Your dev build finished just now.*churn-dev is in service\./, asked);
  expect(output).not.toContain('    at ');
});

test('while running, the session file names the local AWS and the config', () => {
  const paths = sessionPaths(root);
  expect(existsSync(paths.session)).toBe(true);
  const session = JSON.parse(readFileSync(paths.session, 'utf8')) as LocalSession;
  const banner = /local AWS at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
  expect(session.endpoint).toBe(banner?.[1]);
  expect(session.configPath).toBe(paths.config);
  expect(existsSync(session.configPath)).toBe(true);
});

test('after stdin ends it keeps serving: npx sagebuild reaches it through the session file', async () => {
  npmStart?.stdin?.end();
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const cli = spawn(process.execPath, [join(REPO, 'bin', 'sagebuild.js'), 'status', 'dev'], {
      cwd: root,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    helpers.add(cli);
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => cli.kill('SIGKILL'), 30000);
    cli.on('error', fail);
    cli.on('close', (code) => {
      clearTimeout(timer);
      helpers.delete(cli);
      done({ code, stdout, stderr });
    });
  });
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/using the local AWS at http:\/\/127\.0\.0\.1:\d+, started by npm start/);
  expect(run.stdout).toMatch(/^Yes\. Your dev build finished .*churn-dev is in service\.\n$/);
  expect(npmStart?.exitCode).toBeNull();
});

test('SIGINT shuts down cleanly: the shutdown line, exit code 0, no session file left', async () => {
  npmStart?.kill('SIGINT');
  const bounded = new Promise<'still running'>((done) =>
    setTimeout(() => done('still running'), 15000).unref(),
  );
  const result = await Promise.race([exited, bounded]);
  expect(result).toEqual({ code: 0, signal: null });
  expect(output).toContain('Shutting down the local AWS…');
  expect(existsSync(sessionPaths(root).session)).toBe(false);
});
