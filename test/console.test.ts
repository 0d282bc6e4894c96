// The real `npm start` program: commands on piped stdin, narration of a live build, the session file that lets
// `npx sagebuild` in another terminal reach the same local AWS, and a clean shutdown on SIGINT.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { liveSessions, sessionPaths } from '../local/session-file';
import { startConsole, type RunningConsole } from './support/console';
import { cleanEnv } from './support/env';

const REPO = resolve(__dirname, '..');

let npmStart: RunningConsole;
const helpers = new Set<ChildProcess>();

beforeAll(async () => {
  npmStart = await startConsole({ tempPrefix: 'sagebuild-console-', timeScale: 3000, waitMs: 60000 });
});

afterAll(() => {
  for (const helper of helpers) helper.kill('SIGKILL');
  npmStart?.kill();
});

test('the banner names the local AWS, on a free port', () => {
  expect(npmStart.output()).toMatch(
    /^SageBuild on a local AWS at http:\/\/127\.0\.0\.1:\d+ \(time runs 3000x faster/,
  );
  expect(npmStart.output()).not.toContain('http://127.0.0.1:4599 ');
  // The seeded past builds happened "in the past": nothing announces them.
  expect(npmStart.output()).not.toMatch(/prod-nightly|prod-retrain|dev-ana/);
});

test('answers piped commands and narrates the dev build it starts', async () => {
  const from = npmStart.write('status prod\nwhy prod\nstart dev');
  await npmStart.waitFor(/Yes\. Your prod build finished 2 hours ago.*churn-prod is in service\./, from);
  await npmStart.waitFor(
    /The latest prod build succeeded 2 hours ago, so nothing failed\. The last failure before it was Sam Okafor's prod build from 7 hours ago\. It failed 7 hours ago while training the model\. SageMaker said: .*ValueError/,
    from,
  );
  const [, name] = await npmStart.waitFor(/Started a new dev build, (dev-[\w-]+)\./, from);
  await npmStart.waitFor(new RegExp(`▶ \\S.* started the dev build ${name}\\.\n`), from);
  await npmStart.waitFor(new RegExp(`  The dev build ${name} is now training the model\\.\n`), from);
  await npmStart.waitFor(new RegExp(`  The dev build ${name} is now updating the endpoint\\.\n`), from);
  await npmStart.waitFor(new RegExp(`✔ The dev build ${name} succeeded`), from);

  const asked = npmStart.write('status dev');
  await npmStart.waitFor(/Yes\. Your dev build finished just now.*churn-dev is in service\./, asked);
  expect(npmStart.output()).not.toContain('    at ');
});

test('while running, its own session file names the local AWS and the config', () => {
  const [session, ...others] = liveSessions(npmStart.root);
  expect(others).toEqual([]);
  if (!session) throw new Error('no session file');
  const paths = sessionPaths(npmStart.root, session.pid);
  expect(existsSync(paths.session)).toBe(true);
  expect(JSON.parse(readFileSync(paths.session, 'utf8'))).toEqual(session);
  const banner = /local AWS at (http:\/\/127\.0\.0\.1:\d+)/.exec(npmStart.output());
  expect(session.endpoint).toBe(banner?.[1]);
  expect(session.configPath).toBe(paths.config);
  expect(existsSync(session.configPath)).toBe(true);
});

test('after stdin ends it keeps serving: npx sagebuild reaches it through the session file', async () => {
  npmStart.endInput();
  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const cli = spawn(process.execPath, [join(REPO, 'bin', 'sagebuild.js'), 'status', 'dev'], {
      cwd: npmStart.root,
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
  expect(run.stderr).toMatch(
    /^\(using the local AWS at http:\/\/127\.0\.0\.1:\d+, started by npm start \(pid \d+\) at \d\d:\d\d\)\n$/,
  );
  expect(run.stdout).toMatch(/^Yes\. Your dev build finished .*churn-dev is in service\.\n$/);
  expect(npmStart.child.exitCode).toBeNull();
});

test('SIGINT shuts down cleanly: the shutdown line, exit code 0, no session file left', async () => {
  npmStart.stop('SIGINT');
  const bounded = new Promise<'still running'>((done) =>
    setTimeout(() => done('still running'), 15000).unref(),
  );
  const result = await Promise.race([npmStart.exited, bounded]);
  expect(result).toEqual({ code: 0, signal: null });
  expect(npmStart.output()).toContain('Shutting down the local AWS…');
  expect(readdirSync(sessionPaths(npmStart.root).dir)).toEqual([]);
});
