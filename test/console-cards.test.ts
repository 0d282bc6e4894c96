// Cards in the real `npm start` console: a build's card moves as the build runs (one line per update, the whole
// card only when it is posted and when its status changes), and `click` presses the card's buttons: a signed
// block_actions payload to the real Bolt app, as Slack sends once a confirm dialog was confirmed.

import { startConsole, type RunningConsole } from './support/console';
import { TEST_TIME_SCALE } from './support/local-stack';

/** Long enough to click Stop on it: 6000 simulated minutes of training take two real minutes here. */
const LONG_TRAINING = 'hyperparameters.sagebuild_training_minutes=6000';

let console_: RunningConsole;

beforeAll(async () => {
  // No Slack tokens: the console plays its own workspace.
  console_ = await startConsole({
    tempPrefix: 'sagebuild-console-cards-',
    timeScale: TEST_TIME_SCALE,
    unset: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'],
  });
});

afterAll(() => console_?.kill());

test('help tells how to click; with no card yet, click says to start a build', async () => {
  const from = console_.write('help');
  await console_.waitFor(/^ {2}click <button> \[build\] +Press a button on the latest build card/m, from);
  const [answer] = await console_.waitFor(/^There is no build card yet\..*$/m, console_.write('click stop'));
  expect(answer).toBe('There is no build card yet. Start a build first, e.g. /sagebuild start dev.');
});

test('/sagebuild help shows its lead and its first usage line apart', async () => {
  const [help] = await console_.waitFor(
    /^SageBuild \(only you can see this\): .*\n {2}│ .*\n/m,
    console_.write('/sagebuild help'),
  );
  expect(help).toMatch(
    /^SageBuild \(only you can see this\): Here is what I can do:\n {2}│ \/sagebuild status \[pipeline\] \[build\] +Is the latest build done\?/,
  );
});

test('a running card moves in one-line updates; click stop stops the build through the Bolt app', async () => {
  const from = console_.write(`/sagebuild start dev ${LONG_TRAINING}`);
  const [, name] = await console_.waitFor(
    /^SageBuild \(in the channel\): @\S+ started a new dev build, (dev-\w+)\.$/m,
    from,
  );
  await console_.waitFor(/^#dev-builds build card:\n {2}│ ━ ▶ dev build running ━$/m, from);
  // The progress refresh moves it: one line, not the whole card again.
  const [moved] = await console_.waitFor(new RegExp(`^#dev-builds card updated: ${name} .*$`, 'm'), from);
  expect(moved).toMatch(
    new RegExp(`^#dev-builds card updated: ${name} Train model \\(1/7\\) · .+ elapsed · .+ left$`),
  );
  expect(
    console_
      .output()
      .slice(from)
      .match(/^#dev-builds build card/gm),
  ).toHaveLength(1);

  // A button the card doesn't have: the ones it has.
  const [refused] = await console_.waitFor(/^The card of .*$/m, console_.write('click deploy'));
  expect(refused).toBe(
    `The card of ${name} has no "deploy" button; its buttons are Stop, Refresh. Try: click stop`,
  );

  const clicked = console_.write(`click stop ${name}`);
  await console_.waitFor(/^\(You clicked Stop and confirmed "Stop this build\?" with Stop it\.\)$/m, clicked);
  await console_.waitFor(
    new RegExp(
      `^#dev-builds \\(in thread, also sent to the channel\\) SageBuild: @\\S+ stopped the dev build ${name}\\.$`,
      'm',
    ),
    clicked,
  );
  const [stopped] = await console_.waitFor(
    /^#dev-builds build card \(updated\):\n {2}│ ━ ■ dev build stopped ━\n(?: {2}│ .*\n)*? {2}│ \[Refresh\] \[Run again\]$/m,
    clicked,
  );
  expect(stopped).toContain(`Build ${name}`);
  expect(stopped).toMatch(/Stopped at: Train model/);
  expect(stopped).not.toMatch(/✗|Failed step/);
  // Refresh on a finished card shows it whole again; a click without a button says how.
  await console_.waitFor(
    /^#dev-builds build card \(updated\):\n {2}│ ━ ■ dev build stopped ━$/m,
    console_.write('click Refresh'),
  );
  const [bare] = await console_.waitFor(/^Say which button.*$/m, console_.write('click'));
  expect(bare).toBe('Say which button: click <button> [build], e.g. click stop, or click refresh dev-…');
  // The build is stopped in the local AWS, not just on the card.
  const [status] = await console_.waitFor(/^.*\bstopped\b.*$/m, console_.write('status dev'));
  expect(status).toMatch(/^Your dev build was stopped by \S+ .*while training the model\.$/);
  // The stop is told once (the card's update plus one line), and the card never went back to running.
  const afterClick = console_.output().slice(clicked);
  expect(afterClick.match(/^#dev-builds .*SageBuild: .*stopped/gm)).toHaveLength(1);
  expect(afterClick).not.toMatch(new RegExp(`^#dev-builds card updated: ${name} Train model`, 'm'));
});
