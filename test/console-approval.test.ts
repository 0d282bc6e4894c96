// `npm start`: a prod build stops at its approval gate, the console says for whom, and `approve prod` lets it
// deploy (the real program, commands on piped stdin).

import { startConsole, type RunningConsole } from './support/console';

let npmStart: RunningConsole;

beforeAll(async () => {
  npmStart = await startConsole({ tempPrefix: 'sagebuild-approval-', timeScale: 3000, waitMs: 60000 });
});

afterAll(() => npmStart?.kill());

// Every kind of approver the local prod pipeline lists, named for people (no raw IDs).
const EVERY_APPROVER = 'Ana Lima, a Slack member, anyone on the command line or anyone using Alexa';

test('a prod build waits at the gate; approvals lists it; approve prod lets it deploy', async () => {
  expect(npmStart.output()).toContain(
    'Prod builds wait for approval before they deploy: approvals · approve prod',
  );
  const from = npmStart.write('start prod');
  const [, name] = await npmStart.waitFor(/Started a new prod build, (prod-[\w-]+)\./, from);
  await npmStart.waitFor(new RegExp(`  The prod build ${name} is now waiting for approval\\.\n`), from);

  const listed = npmStart.write('approvals');
  await npmStart.waitFor(
    new RegExp(
      `The prod build ${name}, started by \\S+, has been waiting for approval from ${EVERY_APPROVER} for `,
    ),
    listed,
  );
  const status = npmStart.write('status prod');
  await npmStart.waitFor(
    new RegExp(`Your prod build .*waiting for approval from ${EVERY_APPROVER} for `),
    status,
  );

  const approved = npmStart.write('approve prod');
  await npmStart.waitFor(new RegExp(`Approved\\. The prod build ${name} goes on to deploy\\.`), approved);
  await npmStart.waitFor(new RegExp(`✔ The prod build ${name} succeeded`), approved);
  const again = npmStart.write('approve prod');
  await npmStart.waitFor(
    new RegExp(`\\S+ already approved the prod build ${name} .*Nothing changed\\.`),
    again,
  );
  expect(npmStart.output()).not.toContain('    at ');
});

test('click approve presses the approval card: the build deploys and the card loses its buttons', async () => {
  const from = npmStart.write('start prod');
  const [, name] = await npmStart.waitFor(/Started a new prod build, (prod-[\w-]+)\./, from);
  await npmStart.waitFor(new RegExp(`  The prod build ${name} is now waiting for approval\\.\n`), from);
  // The approval card comes from the gate's own event, after the build card's line.
  await npmStart.waitFor(/\[Approve\] \[Reject\]/, from);
  const clicked = npmStart.write('click approve');
  await npmStart.waitFor(
    /\(You clicked Approve and confirmed "Approve the deploy\?" with Approve\.\)/,
    clicked,
  );
  await npmStart.waitFor(new RegExp(`✔ The prod build ${name} succeeded`), clicked);
  const again = npmStart.write('click approve');
  await npmStart.waitFor(/^The card of .*$/m, again);
  expect(npmStart.output()).not.toContain('    at ');
});
