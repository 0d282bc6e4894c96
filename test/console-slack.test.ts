// `/sagebuild ...` and `@SageBuild ...` in the real `npm start` console: the console plays a Slack workspace and
// sends signed requests to the real Bolt app; the bot's answers and the channel's build card (posted, then
// updated in place as the local build runs) print as the fake Slack API receives them.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanEnv } from './support/env';
import { TEST_TIME_SCALE, waitFor } from './support/local-stack';

const REPO = resolve(__dirname, '..');

let root: string;
let console_: ChildProcess | undefined;
let output = '';

/** Waits until the output written after `from` matches; the failure shows what the console printed. */
function expectOutput(pattern: RegExp, from: number, timeoutMs = 30000): Promise<RegExpExecArray> {
  return waitFor(() => pattern.exec(output.slice(from)) ?? undefined, timeoutMs).catch(() => {
    throw new Error(
      `console output never matched ${pattern}; after the command it was:\n${output.slice(from)}`,
    );
  });
}

/** Types a line into the console; returns where its output starts. */
function type(line: string): number {
  const from = output.length;
  console_?.stdin?.write(`${line}\n`);
  return from;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sagebuild-console-slack-'));
  // Its own process group, so afterAll can kill tsx and the node process under it. No Slack tokens: the
  // console must play its own workspace, not connect to a real one.
  const env = cleanEnv({ LOCAL_AWS_PORT: '0', SAGEBUILD_TIME_SCALE: String(TEST_TIME_SCALE) });
  for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) delete env[name];
  const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), [join(REPO, 'local', 'start.ts')], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  console_ = child;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await expectOutput(/From another terminal: npx sagebuild status prod\n/, 0);
});

afterAll(() => {
  if (console_?.pid !== undefined && console_.exitCode === null && console_.signalCode === null) {
    try {
      process.kill(-console_.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

test('the banner and help tell how to talk to the Slack bot', async () => {
  expect(output).toMatch(/Slack \(a local workspace, you are @\S+ in #dev-builds\): \/sagebuild status prod/);
  const from = type('help');
  await expectOutput(/ {2}\/sagebuild <command> +The Slack bot/, from);
  await expectOutput(/ {2}@SageBuild <question> +Ask the Slack bot/, from);
});

test('/sagebuild status prod answers privately', async () => {
  const [, answer] = await expectOutput(
    /^SageBuild \(only you can see this\): (.*)$/m,
    type('/sagebuild status prod'),
  );
  expect(answer).toMatch(/\bprod\b/);
  expect(answer).not.toMatch(/&amp;|&lt;|<@/);
});

test('/sagebuild start dev is announced, and its card is posted, then updated to succeeded', async () => {
  const from = type('/sagebuild start dev');
  const [, starter, name] = await expectOutput(
    /^SageBuild \(in the channel\): @(\S+) started a new dev build, (dev-[\w-]+)\.$/m,
    from,
  );
  expect(starter).not.toBe('U0LOCALUSER'); // the mention shows the person's name, as Slack renders it
  await expectOutput(
    /^#dev-builds build card:\n {2}│ ━ ▶ dev build running ━\n(?: {2}│ .*\n)*? {2}│ \[Stop\] \[Refresh\]$/m,
    from,
  );
  const [card] = await expectOutput(
    /^#dev-builds build card \(updated\):\n {2}│ ━ ✓ dev build succeeded ━\n(?: {2}│ .*\n)*? {2}│ \[Refresh\] \[Run again\]$/m,
    from,
  );
  expect(card).toContain(`Build ${name}`);
  expect(card).not.toMatch(/^ {2}│ [▶·] /m); // every step done
  await expectOutput(
    new RegExp(`^#dev-builds \\(in thread\\) SageBuild: The dev build ${name} succeeded`, 'm'),
    from,
  );
  // One card for the build: posted once, then only updated.
  expect(output.slice(from).match(/^#dev-builds build card:$/gm)).toHaveLength(1);
});

test('@SageBuild is my build done? answers in the thread of the question', async () => {
  const [, answer] = await expectOutput(
    /^#dev-builds \(in thread\) SageBuild: (.*)$/m,
    type('@SageBuild is my build done?'),
  );
  expect(answer).toMatch(/\b(prod|dev)\b/);
});
