// Build-change notices: what a channel or the console says when a build starts, moves on or ends.

import { readStopCause, stopCause } from '../core/builds/stop-cause';
import { buildChangeNotice, personName, stepNotice } from '../core/wording';

const build = { pipeline: 'dev', name: 'dev-3f2a1c9d0b1e' };

test.each([
  [
    { status: 'RUNNING', startedBy: { id: 'slack:U1', displayName: 'Ana' } },
    'Ana started the dev build dev-3f2a1c9d0b1e.',
  ],
  [{ status: 'RUNNING' }, 'The dev build dev-3f2a1c9d0b1e started.'],
  [{ status: 'SUCCEEDED', durationMs: 55_000 }, 'The dev build dev-3f2a1c9d0b1e succeeded after 55 seconds.'],
  [
    { status: 'FAILED', durationMs: 65 * 60_000, reason: 'validation:auc was 0.71, below the threshold 0.8' },
    'The dev build dev-3f2a1c9d0b1e failed after an hour and five minutes: validation:auc was 0.71, below the threshold 0.8.',
  ],
  [
    { status: 'ABORTED', durationMs: 20_000, stoppedBy: 'Ana', reason: 'wrong data' },
    'The dev build dev-3f2a1c9d0b1e was stopped by Ana after 20 seconds: wrong data.',
  ],
  [
    { status: 'ABORTED', durationMs: 20_000, stoppedBy: 'someone using Alexa' },
    'The dev build dev-3f2a1c9d0b1e was stopped by someone using Alexa after 20 seconds.',
  ],
  [{ status: 'TIMED_OUT' }, 'The dev build dev-3f2a1c9d0b1e timed out.'],
] as const)('%j', (change, sentence) => {
  expect(buildChangeNotice({ ...build, ...change })).toBe(sentence);
});

test('a step notice', () => {
  expect(stepNotice('dev', build.name, 'training the model')).toBe(
    'The dev build dev-3f2a1c9d0b1e is now training the model.',
  );
});

test('who started a build is named as a person would say it, never by a raw ID', () => {
  const alexa = { id: 'alexa:amzn1.ask.account.AEXAMPLE0123456789' };
  expect(buildChangeNotice({ ...build, status: 'RUNNING', startedBy: alexa })).toBe(
    'Someone using Alexa started the dev build dev-3f2a1c9d0b1e.',
  );
  expect(personName({ id: 'cli:ana', displayName: 'ana' })).toBe('ana');
  expect(personName({ id: 'cli:root' })).toBe('someone on the command line');
  expect(personName({ id: 'slack:U0123' })).toBe('someone on Slack');
  expect(personName({ id: 'webhook:8f3a9c' })).toBe('someone');
  expect(buildChangeNotice({ ...build, status: 'RUNNING', startedBy: { id: 'webhook:8f3a9c' } })).toBe(
    'Someone started the dev build dev-3f2a1c9d0b1e.',
  );
  expect(buildChangeNotice({ ...build, status: 'RUNNING', startedBy: { displayName: 'a.lima' } })).toBe(
    'a.lima started the dev build dev-3f2a1c9d0b1e.',
  );
  expect(buildChangeNotice({ ...build, status: 'RUNNING', startedBy: { id: 'cli:root' } })).toBe(
    'Someone on the command line started the dev build dev-3f2a1c9d0b1e.',
  );
  expect(personName({ id: 'slack:U0123', displayName: 'Ana Lima' })).toBe('Ana Lima');
});

describe('the stop cause SageBuild writes and reads back', () => {
  test('names the person, or where they asked from, never their id', () => {
    expect(stopCause({ id: 'alexa:amzn1.ask.account.AEXAMPLE' })).toBe(
      'Stopped by someone using Alexa via SageBuild',
    );
    expect(stopCause({ id: 'cli:root', displayName: 'root' }, 'asked from\nthe command line')).toBe(
      'Stopped by root via SageBuild: asked from the command line',
    );
    expect(stopCause({ id: 'slack:U0ANA', displayName: 'x'.repeat(500) })).toBe(
      `Stopped by ${'x'.repeat(100)} via SageBuild`,
    );
  });

  test('reads who and why apart, also from causes written with a raw id', () => {
    expect(readStopCause('Stopped by Ana Lima via SageBuild: wrong data')).toEqual({
      stoppedBy: 'Ana Lima',
      reason: 'wrong data',
    });
    expect(
      readStopCause(
        'Stopped by alexa:amzn1.ask.account.LOCAL-root via SageBuild: asked from the command line',
      ),
    ).toEqual({ stoppedBy: 'someone using Alexa', reason: 'asked from the command line' });
    expect(readStopCause('Stopped by someone on Slack via SageBuild')).toEqual({
      stoppedBy: 'someone on Slack',
    });
    expect(readStopCause('Stopped from the console')).toBeUndefined();
    expect(readStopCause(undefined)).toBeUndefined();
  });
});
