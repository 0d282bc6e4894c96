// The build card: valid Block Kit within Slack's limits, the right buttons for the build's state, the core's
// sentences unchanged, and text from AWS escaped.

import type { types } from '@slack/bolt';
import type { BuildStatusFact } from '../core/builds/facts';
import { buildChangeNotice } from '../core/wording';
import { parseDefinition, allStates } from '../core/machine/definition';
import { mainSteps } from '../core/machine/steps';
import { homeViewProblems, messageBlockProblems } from '../local/slack/block-kit-rules';
import { helpReply } from '../slack/replies';
import { referenceDefinition } from '../pipeline';
import {
  CARD_ACTIONS,
  consoleUrlFor,
  parseButtonValue,
  renderBuildCard,
  scopeBlockIds,
  type BuildCard,
} from '../slack/cards';

type Block = types.KnownBlock;
type Button = types.Button;

const NOW = new Date('2026-11-20T10:10:00Z');
const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:sagebuild-dev:dev-3f2a';
const URL = consoleUrlFor(ARN);

function fact(overrides: Partial<BuildStatusFact> = {}): BuildStatusFact {
  return {
    pipeline: 'dev',
    executionArn: ARN,
    name: 'dev-3f2a',
    status: 'RUNNING',
    startedAt: new Date('2026-11-20T10:00:00Z'),
    elapsedMs: 600_000,
    startedBy: { id: 'slack:U0ANA', displayName: 'Ana Lima' },
    currentStep: {
      name: 'Save model',
      label: 'saving the model',
      state: 'running',
      startedAt: new Date('2026-11-20T10:08:00Z'),
    },
    eta: { typicalDurationMs: 1_500_000, basedOn: 5, remainingMs: 900_000 },
    steps: [
      { label: 'Train model', state: 'done' },
      { label: 'Grade metrics', state: 'skipped' },
      { label: 'Save model', state: 'running', startedAt: new Date('2026-11-20T10:08:00Z') },
      { label: 'Create endpoint config', state: 'waiting' },
      { label: 'Check endpoint', state: 'waiting' },
      { label: 'Create endpoint / Update endpoint', state: 'waiting' },
      { label: 'Wait for endpoint', state: 'waiting' },
    ],
    ...overrides,
  };
}

const failed = (overrides: Partial<BuildStatusFact> = {}) =>
  fact({
    status: 'FAILED',
    stoppedAt: new Date('2026-11-20T10:09:00Z'),
    elapsedMs: 540_000,
    currentStep: { name: 'Train model', label: 'training the model', state: 'failed' },
    steps: [
      { label: 'Train model', state: 'failed' },
      { label: 'Grade metrics', state: 'skipped' },
      { label: 'Save model', state: 'skipped' },
    ],
    eta: undefined,
    failure: {
      pipeline: 'dev',
      executionArn: ARN,
      name: 'dev-3f2a',
      status: 'FAILED',
      step: 'Train model',
      error: 'TrainingFailed',
      reason: 'AlgorithmError: loss < 0 & nan > inf',
    },
    ...overrides,
  });

const render = (f: BuildStatusFact, canStop = true): BuildCard =>
  renderBuildCard(f, { consoleUrl: URL, canStop, now: NOW });

function block(card: BuildCard, id: string): Block | undefined {
  return card.blocks.find((b) => b.block_id === id);
}

function sectionText(card: BuildCard, id: string): string {
  const found = block(card, id);
  if (found?.type !== 'section') return '';
  return [found.text?.text ?? '', ...(found.fields ?? []).map((f) => f.text)].join('\n');
}

function buttons(card: BuildCard): Button[] {
  const actions = block(card, 'build_actions');
  return actions?.type === 'actions' ? (actions.elements as Button[]) : [];
}

/** Every rule of Slack's Block Kit that a card could break. */
/** What Slack would take: the fake Slack API's Block Kit rules find nothing, and there is text beside the blocks. */
function expectValidBlocks(card: BuildCard): void {
  expect(card.text.length).toBeGreaterThan(0);
  expect(messageBlockProblems(card.blocks)).toEqual([]);
}

describe('the build card', () => {
  test.each([
    ['running', fact()],
    [
      'running, without ETA, step or starter',
      fact({ eta: undefined, currentStep: undefined, startedBy: undefined }),
    ],
    ['succeeded', fact({ status: 'SUCCEEDED', stoppedAt: NOW, eta: undefined })],
    ['failed', failed()],
    ['timed out', failed({ status: 'TIMED_OUT' })],
    ['stopped', failed({ status: 'ABORTED' })],
  ])('is valid Block Kit when %s', (_, f) => {
    expectValidBlocks(render(f));
  });

  test('a card waiting at an approval gate counts no time down: a person decides', () => {
    const card = render(fact({ awaitingApproval: { approvers: ['Ana Lima'], since: NOW } }));
    const facts = sectionText(card, 'build_facts');
    expect(facts).toContain('*Elapsed*\nten minutes');
    expect(facts).not.toContain('*ETA*');
  });

  test('a running card: header, steps done/running/waiting, elapsed, ETA, starter, console link', () => {
    const card = render(fact());
    const head = block(card, 'build_header');
    expect(head?.type === 'header' && head.text.text).toContain('dev build running');
    expect(sectionText(card, 'build_steps').split('\n')).toEqual([
      ':white_check_mark: Train model',
      ':heavy_minus_sign: Grade metrics',
      ':hourglass_flowing_sand: Save model · two minutes',
      ':white_circle: Create endpoint config',
      ':white_circle: Check endpoint',
      ':white_circle: Create endpoint / Update endpoint',
      ':white_circle: Wait for endpoint',
    ]);
    const facts = sectionText(card, 'build_facts');
    expect(facts).toContain('*Elapsed*\nten minutes');
    expect(facts).toContain('*ETA*\nabout 15 minutes');
    expect(facts).toContain('*Started by*\nAna Lima');
    const links = block(card, 'build_links');
    expect(links?.type === 'context' && 'text' in links.elements[0]! && links.elements[0].text).toContain(
      `<https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}|`,
    );
  });

  test('without the machine steps, the card shows the step the build is in, by its own name', () => {
    const other = render(
      fact({ steps: undefined, currentStep: { name: 'Tune & score', label: 'tuning', state: 'running' } }),
    );
    expect(sectionText(other, 'build_steps')).toBe(':hourglass_flowing_sand: Tune &amp; score');
    expect(block(render(fact({ steps: undefined, currentStep: undefined })), 'build_steps')).toBeUndefined();
  });

  test('a stopped step and a long machine: one section, the rest counted', () => {
    const steps = Array.from({ length: 45 }, (_, i) => ({
      label: `step_${i + 1}`,
      state: 'waiting' as const,
    }));
    steps[0] = { label: 'step_1', state: 'stopped' as 'waiting' };
    const card = render(failed({ status: 'ABORTED', steps }));
    expectValidBlocks(card);
    const lines = sectionText(card, 'build_steps').split('\n');
    expect(lines[0]).toBe(':octagonal_sign: step_1');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe(':white_circle: … and 25 more');
  });

  test('a failed card names the failed step and the reason; later steps are skipped', () => {
    const card = render(failed());
    expect(sectionText(card, 'build_failure')).toContain('*Failed step*\nTrain model');
    expect(sectionText(card, 'build_failure')).toContain('*Reason*\nAlgorithmError');
    expect(sectionText(card, 'build_steps').split('\n')).toEqual([
      ':x: Train model',
      ':heavy_minus_sign: Grade metrics',
      ':heavy_minus_sign: Save model',
    ]);
    expect(sectionText(card, 'build_facts')).toContain('*Finished*\na minute ago');
  });

  test('text is the core notice, escaped; the summary is the same notice without the reason', () => {
    const f = failed();
    const card = render(f);
    const notice = buildChangeNotice({
      pipeline: 'dev',
      name: 'dev-3f2a',
      status: 'FAILED',
      startedBy: f.startedBy,
      durationMs: f.elapsedMs,
      reason: f.failure?.reason,
    });
    expect(card.text).toBe(notice.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(card.text).toContain('loss &lt; 0 &amp; nan &gt; inf');
    expect(sectionText(card, 'build_summary')).toBe('The dev build dev-3f2a failed after nine minutes.');
    expect(sectionText(card, 'build_failure')).toContain('loss &lt; 0 &amp; nan &gt; inf');
  });

  test('names with Slack control characters are escaped everywhere they appear in mrkdwn', () => {
    const card = render(fact({ startedBy: { displayName: '<!channel> & co' } }));
    expect(sectionText(card, 'build_facts')).toContain('&lt;!channel&gt; &amp; co');
    expect(JSON.stringify(card.blocks)).not.toContain('<!channel>');
  });

  const stoppedFromAlexa = (overrides: Partial<BuildStatusFact> = {}) =>
    failed({
      status: 'ABORTED',
      startedBy: { id: 'alexa:amzn1.ask.account.LOCAL-root' },
      currentStep: { name: 'Train model', label: 'training the model', state: 'failed' },
      steps: undefined,
      failure: {
        pipeline: 'dev',
        executionArn: ARN,
        name: 'dev-3f2a',
        status: 'ABORTED',
        step: 'Train model',
        error: 'StoppedBySageBuild',
        reason: 'StoppedBySageBuild',
        stoppedBy: 'someone using Alexa',
      },
      ...overrides,
    });

  test('a stop reads as a stop: stopped icon, where it stopped and who stopped it, no raw id, no failure', () => {
    const card = render(stoppedFromAlexa());
    expectValidBlocks(card);
    const all = JSON.stringify(card);
    expect(all).not.toContain('amzn1.');
    expect(all).not.toContain('Failed step');
    expect(all).not.toContain(':x:');
    expect(all).not.toContain('StoppedBySageBuild');
    const header = block(card, 'build_header');
    expect(header?.type === 'header' && header.text.text).toBe(':octagonal_sign: dev build stopped');
    expect(sectionText(card, 'build_steps')).toBe(':octagonal_sign: Train model');
    expect(sectionText(card, 'build_summary')).toBe('The dev build dev-3f2a was stopped after nine minutes.');
    expect(sectionText(card, 'build_facts')).toContain('*Started by*\nsomeone using Alexa');
    expect(sectionText(card, 'build_failure')).toBe(
      '\n*Stopped at*\nTrain model\n*Stopped by*\nsomeone using Alexa',
    );
    expect(card.text).toBe('The dev build dev-3f2a was stopped by someone using Alexa after nine minutes.');
  });

  test("a stop's reason is the one the person gave, said once", () => {
    const card = render(
      stoppedFromAlexa({
        failure: {
          ...(stoppedFromAlexa().failure as NonNullable<BuildStatusFact['failure']>),
          reason: 'asked from the command line',
          stoppedBy: 'root',
        },
      }),
    );
    expectValidBlocks(card);
    expect(card.text).toBe(
      'The dev build dev-3f2a was stopped by root after nine minutes: asked from the command line.',
    );
    expect(sectionText(card, 'build_failure')).toBe(
      '\n*Stopped at*\nTrain model\n*Stopped by*\nroot\n*Reason*\nasked from the command line.',
    );
    expect(JSON.stringify(card).match(/Stopped by/g)).toHaveLength(1);
  });

  test('a Slack starter without a name is mentioned; no raw id is shown as text', () => {
    const card = render(fact({ startedBy: { id: 'slack:U0ANA' } }));
    expectValidBlocks(card);
    expect(sectionText(card, 'build_summary')).toBe('<@U0ANA> started the dev build dev-3f2a.');
    expect(sectionText(card, 'build_facts')).toContain('*Started by*\n<@U0ANA>');
    expect(card.text).toBe('<@U0ANA> started the dev build dev-3f2a.');
    const cli = render(fact({ startedBy: { id: 'cli:root' } }));
    expect(sectionText(cli, 'build_summary')).toBe(
      'Someone on the command line started the dev build dev-3f2a.',
    );
    expect(sectionText(cli, 'build_facts')).toContain('*Started by*\nsomeone on the command line');
  });

  test('Stop is a danger button with a confirm dialog, only while running and allowed', () => {
    const running = buttons(render(fact()));
    expect(running.map((b) => b.action_id)).toEqual([CARD_ACTIONS.stop, CARD_ACTIONS.refresh]);
    const stop = running[0];
    expect(stop?.style).toBe('danger');
    expect(stop?.confirm).toMatchObject({
      title: { type: 'plain_text' },
      text: { text: expect.stringContaining('dev-3f2a') },
      confirm: { type: 'plain_text' },
      deny: { type: 'plain_text' },
    });
    expect(buttons(render(fact(), false)).map((b) => b.action_id)).toEqual([CARD_ACTIONS.refresh]);
  });

  test('Run again appears only once the build has finished', () => {
    expect(buttons(render(fact())).map((b) => b.action_id)).not.toContain(CARD_ACTIONS.runAgain);
    for (const status of ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const) {
      const ids = buttons(render(failed({ status }))).map((b) => b.action_id);
      expect(ids).toEqual([CARD_ACTIONS.refresh, CARD_ACTIONS.runAgain]);
    }
  });

  test('every button names the build in its value', () => {
    for (const b of buttons(render(fact()))) {
      expect(parseButtonValue(b.value)).toEqual({ pipeline: 'dev', executionArn: ARN });
    }
    expect(parseButtonValue('not json')).toBeUndefined();
    expect(parseButtonValue('{"pipeline":1}')).toBeUndefined();
  });

  test('long texts are cut to Slack limits, never inside an escape', () => {
    const reason = '& '.repeat(3000);
    const card = render(failed({ failure: { ...failed().failure!, reason }, name: 'x'.repeat(80) }));
    expectValidBlocks(card);
    for (const field of sectionText(card, 'build_failure').split('\n')) {
      expect(field).not.toMatch(/&[a-z]*…$/);
    }
  });

  test('on the Home tab, cards of several pipelines keep their block_ids apart, and their action_ids', () => {
    const dev = render(fact());
    const prod = render(fact({ pipeline: 'prod', name: 'prod-1' }));
    const view = [...scopeBlockIds(dev.blocks, 'dev'), ...scopeBlockIds(prod.blocks, 'prod')];
    expect(messageBlockProblems([...dev.blocks, ...prod.blocks])[0]?.message).toBe(
      'duplicate block_id: build_header',
    );
    expect(homeViewProblems({ type: 'home', blocks: view })).toEqual([]);
    expect(view.map((b) => b.block_id)).toContain('prod.build_actions');
    const stops = view.flatMap((b) =>
      b.type === 'actions' ? b.elements.map((e) => (e as Button).action_id) : [],
    );
    expect(stops.filter((id) => id === CARD_ACTIONS.stop)).toHaveLength(2);
  });

  test('help with a very long list of pipelines stays within a section, its text in full beside it', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `/sagebuild status pipeline-${i}`);
    const reply = helpReply('Here is what I can do.', lines, `Pipelines: ${'p'.repeat(4000)}`);
    expect(reply.text.length).toBeGreaterThan(4000);
    expect(messageBlockProblems(reply.blocks)).toEqual([]);
  });

  test('console links follow the partition', () => {
    expect(consoleUrlFor('arn:aws-cn:states:cn-north-1:123456789012:execution:m:n')).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\/states\/home\?region=cn-north-1#/,
    );
  });
});

describe('the reference steps', () => {
  const machine = parseDefinition(JSON.stringify(referenceDefinition));
  const steps = machine ? mainSteps(machine) : [];

  test('come from the reference definition like any machine, in its order', () => {
    expect(steps.map((s) => s.names.join(' / '))).toEqual([
      'Train model',
      'Grade metrics',
      'Save model',
      'Create endpoint config',
      'Check endpoint',
      'Create endpoint / Update endpoint',
      'Wait for endpoint',
    ]);
  });

  test('cover every state a running build can be in, each once', () => {
    const named = steps.flatMap((s) => s.states);
    expect(new Set(named).size).toBe(named.length);
    const working = allStates(machine!)
      .filter(({ state }) => state.Type !== 'Fail' && state.Type !== 'Succeed')
      .map(({ name }) => name);
    expect(working.filter((name) => !named.includes(name))).toEqual([]);
  });
});
