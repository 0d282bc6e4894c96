// Builds people can talk about: by name, ARN, "last", "previous" and day words, through the typed command
// language against the local AWS with its seeded past; `list` lines; `why` told against now; typed commands
// that question typos, extra words and settings without values.

import { parseCommand, words } from '../commands/parse';
import { runCommand } from '../commands/run';
import { startedIn } from '../core/builds/build-ref';
import { BuildRefNotFound } from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { clockTime } from '../core/time/zoned';
import { errorSentence, rollbackQuestion } from '../core/wording';
import { startLocalStack, tester, type LocalStack } from './support/local-stack';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
});

afterAll(async () => {
  await stack?.close();
});

async function ask(line: string, core = stack.core, now = () => new Date()): Promise<string> {
  const answer = await runCommand(words(line), { core, requester: tester, now });
  expect(answer).not.toMatch(/\bError:| {4}at /);
  return answer;
}

describe('build references', () => {
  test('status by a build name finds its pipeline from the name', async () => {
    const answer = await ask('status prod-retrain-sam');
    expect(answer).toMatch(
      /^No\. Sam Okafor's prod build from 7 hours ago failed 7 hours ago while training/,
    );
  });

  test('status by execution ARN', async () => {
    const [sam] = (await stack.core.list('prod')).builds.filter((b) => b.name === 'prod-retrain-sam');
    const answer = await ask(`status ${sam?.executionArn}`);
    expect(answer).toMatch(/^No\. .*failed 7 hours ago/);
  });

  test('"last", "the last one", "latest" name the latest build; "previous" the one before', async () => {
    const latest = await ask('status prod');
    expect(await ask('status prod last')).toBe(latest);
    expect(await ask('status the last one prod')).toBe(latest);
    expect(await ask('status latest prod')).toBe(latest);
    expect(await ask('status prod previous')).toBe(await ask('status prod-retrain-sam'));
    expect(await ask('status prod the one before')).toBe(await ask('status prod-retrain-sam'));
  });

  test('day words pick the newest build started that UTC day', async () => {
    const { builds } = await stack.core.list('prod');
    const now = new Date();
    const yesterdays = builds.find((b) => startedIn('yesterday', b.startedAt, now));
    const found = await stack.core.findBuild('prod', "yesterday's");
    expect(found.name).toBe(yesterdays?.name);
  });

  test('a day with no build: the friendly sentence says when the last one started', async () => {
    const inTenDays = () => new Date(Date.now() + 10 * 86_400_000);
    const later = new SageBuild(stack.core.config, { now: inTenDays });
    try {
      expect(await ask("why prod yesterday's", later, inTenDays)).toBe(
        "I can't find a prod build from yesterday. The last one started 10 days ago.",
      );
      expect(await ask('status dev last night’s build', later, inTenDays)).toBe(
        "I can't find a dev build from last night. The last one started 10 days ago.",
      );
    } finally {
      later.close();
    }
  });

  test('an unknown build name is refused by name', async () => {
    expect(await ask('status prod prod-000000000000')).toBe(
      "I can't find a build called prod-000000000000 in the prod pipeline.",
    );
  });

  test('the error sentence for a missing "previous"', () => {
    const error = new BuildRefNotFound('dev', 'previous', new Date('2026-12-05T06:00:00Z'));
    expect(errorSentence(error, new Date('2026-12-05T09:00:00Z'))).toBe(
      "I can't find a dev build before the latest one. The last one started 3 hours ago.",
    );
  });

  test('UTC windows for day words', () => {
    const now = new Date('2026-12-05T15:00:00Z');
    const at = (iso: string) => new Date(iso);
    expect(startedIn('today', at('2026-12-05T00:10:00Z'), now)).toBe(true);
    expect(startedIn('yesterday', at('2026-12-04T23:59:00Z'), now)).toBe(true);
    expect(startedIn('yesterday', at('2026-12-05T00:00:00Z'), now)).toBe(false);
    expect(startedIn('this morning', at('2026-12-05T11:59:00Z'), now)).toBe(true);
    expect(startedIn('this afternoon', at('2026-12-05T12:00:00Z'), now)).toBe(true);
    expect(startedIn('last night', at('2026-12-04T22:00:00Z'), now)).toBe(true);
    expect(startedIn('last night', at('2026-12-05T07:00:00Z'), now)).toBe(false);
  });

  test("the team's time zone moves the day: 15:00 UTC is 07:00 in Los Angeles, 04:00 the next day in Kiritimati", () => {
    const now = new Date('2026-12-05T15:00:00Z');
    const at = (iso: string) => new Date(iso);
    const la = 'America/Los_Angeles';
    // 09:00 UTC on the 5th is 01:00 on the 5th in Los Angeles: this morning there, not yesterday.
    expect(startedIn('this morning', at('2026-12-05T09:00:00Z'), now, la)).toBe(true);
    expect(startedIn('yesterday', at('2026-12-05T07:00:00Z'), now, la)).toBe(true);
    expect(startedIn('today', at('2026-12-05T07:00:00Z'), now, la)).toBe(false);
    // UTC+14: 11:00 UTC on the 5th is 01:00 on the 6th there, so "today"; 09:00 UTC is the 5th, "yesterday".
    expect(startedIn('today', at('2026-12-05T11:00:00Z'), now, 'Pacific/Kiritimati')).toBe(true);
    expect(startedIn('yesterday', at('2026-12-05T09:00:00Z'), now, 'Pacific/Kiritimati')).toBe(true);
  });

  test("a core with a time zone tells builds' times in it, and reads day words in it", async () => {
    // UTC+05:30: every clock time differs from UTC's, so the zone can't be missed.
    const zone = 'Asia/Kolkata';
    const zoned = new SageBuild({ ...stack.core.config, timeZone: zone });
    try {
      const plan = await zoned.rollbackPlan({ pipeline: 'prod', requester: tester });
      expect(plan.to.timeZone).toBe(zone);
      const question = rollbackQuestion(plan, new Date(), true);
      expect(question).toContain(` ${clockTime(plan.to.startedAt, zone)}?`);
      expect(question).not.toContain(` ${clockTime(plan.to.startedAt, 'UTC')}?`);
      const { builds } = await stack.core.list('prod');
      const wanted = builds.find((b) => startedIn('yesterday', b.startedAt, new Date(), zone));
      const found = await zoned.findBuild('prod', "yesterday's").catch((e: Error) => e);
      expect(found).toMatchObject(wanted ? { name: wanted.name } : { name: 'BuildRefNotFound' });
    } finally {
      zoned.close();
    }
  });
});

describe('list', () => {
  test('one line per build, newest first: who, when, outcome, duration, step, name', async () => {
    const answer = await ask('list prod');
    const lines = answer.split('\n');
    expect(lines[0]).toBe('The last 6 prod builds: 5 succeeded, 1 failed. Newest first:');
    expect(lines[1]).toMatch(/^- the nightly schedule, 2 hours ago: succeeded after .+ \(prod-nightly-4\)$/);
    expect(lines[2]).toMatch(
      /^- Sam Okafor, 7 hours ago: failed while training the model, after .+ \(prod-retrain-sam\)$/,
    );
    expect(lines).toHaveLength(7);
  });
});

describe('why, told against now', () => {
  test('a succeeded latest build: the old failure is said to be older, with whose build it was', async () => {
    const answer = await ask('why prod');
    expect(answer).toMatch(/^The latest prod build succeeded 2 hours ago, so nothing failed\. /);
    expect(answer).toContain("The last failure before it was Sam Okafor's prod build from 7 hours ago.");
    expect(answer).toContain('SageMaker said:');
  });

  test('a failed latest build is the answer itself', async () => {
    const why = await ask('why dev');
    expect(why).toMatch(/^Your dev build failed 3 hours ago because the model didn't pass/);
    // The gate kept the new model out: the answer says which one still serves.
    expect(why).toMatch(
      /The endpoint still serves the model from Ana Lima's build of (today|yesterday) \d\d:\d\d\.$/,
    );
  });

  test('why about a named build', async () => {
    expect(await ask('why prod-retrain-sam')).toMatch(/^Sam Okafor's prod build from 7 hours ago failed/);
  });
});

describe('passed', () => {
  test('yes or no first', async () => {
    expect(await ask('passed prod')).toMatch(/^Yes\. /);
    expect(await ask('passed dev')).toMatch(/^No\. /);
  });
});

describe('typed commands', () => {
  test('a typo of a command gets the command meant', async () => {
    expect(await ask('stauts prod')).toBe('I don\'t know the command "stauts". Did you mean `status prod`?');
    expect(await ask('lsit dev')).toBe('I don\'t know the command "lsit". Did you mean `list dev`?');
  });

  test('extra words are questioned, not ignored', async () => {
    expect(await ask('status prod dev')).toBe(
      "I read `dev` as extra, so I didn't run it. Did you mean `status prod`?",
    );
    expect(await ask('start dev please now')).toBe(
      "I read `please` `now` as extra words, so I didn't run it. Did you mean `start dev`?",
    );
  });

  test('a setting without a value says what it needs', async () => {
    expect(await ask('start dev hyperparameters.max_depth')).toBe(
      'hyperparameters.max_depth needs a value, like hyperparameters.max_depth=5. Nothing was started.',
    );
  });

  test('existing commands still parse as before', () => {
    const { pipelines } = stack.core;
    expect(parseCommand(words('status'), pipelines)).toEqual({ kind: 'question', question: 'status' });
    expect(parseCommand(words('stop dev'), pipelines)).toEqual({ kind: 'stop', pipeline: 'dev' });
    expect(parseCommand(words('stop dev-abc123'), pipelines)).toEqual({
      kind: 'stop',
      pipeline: 'dev',
      build: 'dev-abc123',
    });
    expect(parseCommand(words('status production'), pipelines)).toEqual({
      kind: 'question',
      question: 'status',
      pipeline: 'prod',
    });
    expect(parseCommand(words('status prdo'), pipelines)).toEqual({
      kind: 'question',
      question: 'status',
      pipeline: 'prdo',
    });
  });
});

describe('again', () => {
  test('a new build with the same settings as the named one; a second while it runs is refused', async () => {
    const answer = await ask('again dev-ana-2');
    const match = /^Started a new dev build, (dev-[0-9a-f]{12})\. Same settings as dev-ana-2: (.+)\.$/.exec(
      answer,
    );
    expect(match?.[2]).toBe('hyperparameters.eta=0.3');
    const fact = await stack.core.status('dev', match?.[1]);
    expect(fact.startedBy).toMatchObject({ id: tester.id });
    expect(await ask('again dev')).toContain("I didn't start another one.");
    await stack.core.stop({ pipeline: 'dev', requester: tester }).catch(() => undefined);
  });

  test('again with a setting typed after it is questioned', async () => {
    expect(await ask('again dev please')).toBe(
      "I read `please` as extra, so I didn't run it. Did you mean `again dev`?",
    );
  });
});

test('list and endpoint are about a pipeline: a build named with them is questioned', async () => {
  expect(await ask("list prod yesterday's")).toBe(
    "I read `yesterday's` as extra, so I didn't run it. Did you mean `list prod`?",
  );
});

test('an unknown word with a build reference is still read as a pipeline, with "did you mean"', async () => {
  expect(await ask('status last prdo')).toContain('Did you mean prod?');
});
