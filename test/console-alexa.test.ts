// `alexa: ...` in the real `npm start` console: the words go through the Alexa simulator and the interaction
// model to the real skill and core, against the console's local AWS. A whole dialog, turn by turn.

import { startConsole, type RunningConsole } from './support/console';
import { waitFor } from './support/local-stack';

let console_: RunningConsole;

beforeAll(async () => {
  console_ = await startConsole({ tempPrefix: 'sagebuild-console-alexa-', timeScale: 3000 });
});

afterAll(() => console_?.kill());

test('help and the banner tell how to talk to Alexa', async () => {
  expect(console_.output()).toContain('alexa: is my build done');
  await console_.waitFor(/ {2}alexa: <what you would say> +Talk to the Alexa skill/, console_.write('help'));
});

/** Alexa's answers printed after `from`, in order, and whether she kept listening after each. */
function answers(from: number): { speech: string; listening: boolean }[] {
  const lines = console_.output().slice(from).split('\n');
  return lines.flatMap((line, i) => {
    // "(Alexa left the skill.)" is what the console prints for an answer with nothing to say.
    const answer = /^(?:alexa: (.*)|\(Alexa left the skill\.\))$/.exec(line);
    if (!answer) return [];
    return [{ speech: answer[1] ?? '', listening: (lines[i + 1] ?? '').startsWith('(Alexa is listening') }];
  });
}

/** Waits for `count` answers after `from`. */
function awaitAnswers(count: number, from: number): Promise<{ speech: string; listening: boolean }[]> {
  return waitFor(() => {
    const said = answers(from);
    // An answer and its "listening" note arrive in one write, so a complete last line means a complete answer.
    return said.length >= count && console_.output().endsWith('\n') ? said : undefined;
  }, 30000).catch(() => {
    throw new Error(
      `expected ${count} answers from Alexa; the console printed:\n${console_.output().slice(from)}`,
    );
  });
}

test('"alexa: is my build done" answers about prod in spoken sentences; a follow-up offer takes a yes', async () => {
  const [answer] = await awaitAnswers(1, console_.write('alexa: is my build done'));
  expect(answer?.speech).toMatch(/\bprod\b.*[.?!]$/);
  expect(answer?.speech).not.toMatch(/<\/?speak>|&amp;|&lt;/);
  // An answer ends the session unless it offers a follow-up, which is a question.
  expect(answer?.listening).toBe(answer?.speech.endsWith('?'));
  if (!answer?.listening) return;
  const [followUp] = await awaitAnswers(1, console_.write('alexa: yes'));
  expect(followUp?.speech).toMatch(/\bprod\b/);
  expect(followUp?.listening).toBe(false);
});

test('when AWS is slow, the progressive response prints before the answer', async () => {
  const endpoint = /local AWS at (http:\/\/127\.0\.0\.1:\d+)/.exec(console_.output())?.[1];
  const faults = (body: object) =>
    fetch(`${endpoint}/_local/faults`, { method: 'POST', body: JSON.stringify(body) });
  // One slow call, past the skill's 1 s progressive threshold and well inside its budget.
  await faults({ latencyMs: 1500, operations: ['ListExecutions'] });
  try {
    const from = console_.write('alexa: is my prod build done');
    await awaitAnswers(1, from);
    expect(console_.output().slice(from)).toMatch(/^alexa \(progress\): \S.*\n(.*\n)*alexa: .*\bprod\b/m);
  } finally {
    await faults({});
  }
});

test('starting a dev build is confirmed first; "stop" then leaves the skill and the build runs on', async () => {
  const [question] = await awaitAnswers(1, console_.write('alexa: start a dev build'));
  expect(question).toEqual({ speech: expect.stringMatching(/\bdev\b.*\?$/), listening: true });

  // Said right after the start, while the build is still training: neither "open" nor "stop" may touch it.
  const from = console_.write('alexa: yes', 'alexa: open sage build', 'alexa: stop');
  const [started, launched, stopped] = await awaitAnswers(3, from);
  const [, name] = await console_.waitFor(/▶ .* started the dev build (dev-[\w-]+)\.\n/, from);
  expect(started?.speech).toMatch(/\bdev\b/);
  expect(started?.speech).toMatch(/start/i);
  expect(launched?.listening).toBe(true);
  expect(stopped?.listening).toBe(false);
  expect(stopped?.speech).not.toMatch(/stopp(ed|ing)/i);
  // "stop" was answered while the build still ran, and the build went on to succeed.
  const printed = console_.output();
  const untilStop = printed.slice(from, printed.indexOf(`alexa: ${stopped?.speech}`, from));
  expect(untilStop).not.toMatch(new RegExp(`[✔✖■] .*${name}`));
  await console_.waitFor(new RegExp(`✔ The dev build ${name} succeeded`), from);
  expect(console_.output().slice(from)).not.toMatch(new RegExp(`■.*${name}`));
});
