// `click` in the console finds buttons beyond the build card: the approval card's, and a deploy watch's
// Rollback in the card's thread (newest first), as the fake Slack API holds them.

import { findClick, type CardClick } from '../local/slack/card-buttons';
import type { FakeMessage } from '../local/slack/fake-slack-api';
import { renderApprovalCard } from '../slack/cards/approval-card';
import { rollbackButton } from '../slack/listeners/rollback';

const CHANNEL = 'C0PROD';
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:prod:prod-3f2a1c9d0b1e';

function message(ts: string, blocks: unknown[], threadTs?: string): FakeMessage {
  return {
    channel: CHANNEL,
    ts,
    ...(threadTs ? { threadTs } : {}),
    replyBroadcast: false,
    user: 'U0BOT',
    botId: 'B0BOT',
    text: '',
    blocks,
    versions: [],
  };
}

const buildCard = (ts: string, build: string) =>
  message(ts, [
    { type: 'header', text: { type: 'plain_text', text: 'prod build' } },
    { type: 'context', block_id: 'build_links', elements: [{ type: 'mrkdwn', text: `Build ${build}` }] },
    { type: 'actions', block_id: 'build_actions', elements: [] },
  ]);

const approvalCard = (ts: string) =>
  message(
    ts,
    renderApprovalCard(
      {
        approval: {
          pipeline: 'prod',
          build: 'prod-3f2a1c9d0b1e',
          executionArn: ARN,
          stateName: 'Wait for approval',
          approvers: ['Ana'],
          startedAt: new Date(0),
          waitingSince: new Date(0),
        },
      },
      new Date(0),
    ).blocks,
  );

const rollbackReply = (ts: string, threadTs: string) =>
  message(
    ts,
    [
      {
        type: 'actions',
        block_id: 'watch_actions',
        elements: [rollbackButton({ pipeline: 'prod', build: 'prod-3f2a1c9d0b1e' }, 'Roll back?')],
      },
    ],
    threadTs,
  );

test('click approve and click reject press the approval card', () => {
  const messages = [buildCard('100.000001', 'prod-3f2a1c9d0b1e'), approvalCard('100.000002')];
  const approve = findClick('click approve', messages) as CardClick;
  expect(approve.card.ts).toBe('100.000002');
  expect(approve.button.actionId).toBe('approval_approve');
  expect(approve.build).toBe('prod-3f2a1c9d0b1e');
  expect((findClick('click reject prod-3f2a1c9d0b1e', messages) as CardClick).button.label).toBe('Reject');
});

test('click roll back <build> presses the newest Rollback in that build card’s thread', () => {
  const messages = [
    buildCard('100.000001', 'prod-3f2a1c9d0b1e'),
    rollbackReply('100.000003', '100.000001'),
    rollbackReply('100.000005', '100.000001'),
    buildCard('100.000009', 'prod-99aa00bb11cc'),
  ];
  const click = findClick('click roll back prod-3f2a1c9d0b1e', messages) as CardClick;
  expect(click.card.ts).toBe('100.000005');
  expect(click.button.label).toBe('Roll back');
  expect(click.build).toBe('prod-3f2a1c9d0b1e');
  // Without a build: the latest card has none, so the newest Rollback anywhere.
  expect((findClick('click roll back', messages) as CardClick).card.ts).toBe('100.000005');
  expect(findClick('click deploy prod-99aa00bb11cc', messages)).toBe(
    'The card of prod-99aa00bb11cc has no buttons.',
  );
});
