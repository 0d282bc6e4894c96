// `/sagebuild ...` and `@SageBuild ...` in the real `npm start` console: the console plays a Slack workspace and
// sends signed requests to the real Bolt app; the bot's answers and the channel's build card (posted, then
// updated in place as the local build runs) print as the fake Slack API receives them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { CHART_SIZE } from '../slack/cards/health-chart';
import { startConsole, type RunningConsole } from './support/console';
import { TEST_TIME_SCALE } from './support/local-stack';

let console_: RunningConsole;

beforeAll(async () => {
  // No Slack tokens: the console must play its own workspace, not connect to a real one.
  console_ = await startConsole({
    tempPrefix: 'sagebuild-console-slack-',
    timeScale: TEST_TIME_SCALE,
    unset: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'],
  });
});

afterAll(() => console_?.kill());

test('the banner and help tell how to talk to the Slack bot', async () => {
  expect(console_.output()).toMatch(
    /Slack \(a local workspace, you are @\S+ in #dev-builds\): \/sagebuild status prod/,
  );
  const from = console_.write('help');
  await console_.waitFor(/ {2}\/sagebuild <command> +The Slack bot/, from);
  await console_.waitFor(/ {2}@SageBuild <question> +Ask the Slack bot/, from);
});

test('/sagebuild status prod answers privately', async () => {
  const [, answer] = await console_.waitFor(
    /^SageBuild \(only you can see this\): (.*)$/m,
    console_.write('/sagebuild status prod'),
  );
  expect(answer).toMatch(/\bprod\b/);
  expect(answer).not.toMatch(/&amp;|&lt;|<@/);
});

test('/sagebuild start dev is announced, and its card is posted, then updated to succeeded', async () => {
  const from = console_.write('/sagebuild start dev');
  const [, starter, name] = await console_.waitFor(
    /^SageBuild \(in the channel\): @(\S+) started a new dev build, (dev-[\w-]+)\.$/m,
    from,
  );
  expect(starter).not.toBe('U0LOCALUSER'); // the mention shows the person's name, as Slack renders it
  await console_.waitFor(
    /^#dev-builds build card:\n {2}│ ━ ▶ dev build running ━\n(?: {2}│ .*\n)*? {2}│ \[Stop\] \[Refresh\]$/m,
    from,
  );
  const [card] = await console_.waitFor(
    /^#dev-builds build card \(updated\):\n {2}│ ━ ✓ dev build succeeded ━\n(?: {2}│ .*\n)*? {2}│ \[Refresh\] \[Run again\]$/m,
    from,
  );
  expect(card).toContain(`Build ${name}`);
  expect(card).not.toMatch(/^ {2}│ [▶·] /m); // every step done
  await console_.waitFor(
    new RegExp(`^#dev-builds \\(in thread\\) SageBuild: The dev build ${name} succeeded`, 'm'),
    from,
  );
  // One card for the build: posted once, then only updated.
  const printed = console_.output().slice(from);
  expect(printed.match(/^#dev-builds build card:$/gm)).toHaveLength(1);
});

test('@SageBuild is my build done? answers the asker alone (an ephemeral in the thread of the question)', async () => {
  const [, answer] = await console_.waitFor(
    /^SageBuild \(only you can see this\): (.*)$/m,
    console_.write('@SageBuild is my build done?'),
  );
  expect(answer).toMatch(/\b(prod|dev)\b/);
});

test('/sagebuild health prod answers with the words and the chart, saved as a PNG whose path it prints', async () => {
  const from = console_.write('/sagebuild health prod');
  const [, path] = await console_.waitFor(
    /^ {2}│ \[image: prod endpoint, last 24 hours\] saved to (\S+\.png)$/m,
    from,
  );
  expect(path).toBe(join('.sagebuild', 'charts', 'prod-health.png'));
  expect(console_.output().slice(from)).toMatch(
    /^SageBuild \(only you can see this\): The prod endpoint churn-prod/m,
  );
  const png = PNG.sync.read(readFileSync(join(console_.root, path ?? '')));
  expect([png.width, png.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
});
