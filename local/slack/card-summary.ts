// A build card's update in one console line: "#dev-builds card updated: dev-3f2a… Train model (2/5) ·
// 1 minute elapsed · about 2 minutes left". The console prints a card whole when it is posted and when its
// status changes; in between (the progress refresh moving it every few seconds) this line says what moved.
// Read back from the card's own blocks (build-card.ts's block_ids), as a person would read the card.

import { plain, type NameOf } from './render';

/** What an in-between update shows, read from the card's blocks. */
export interface CardProgress {
  build?: string;
  /** The step running, with its place among the card's steps: "Train model (2/5)". */
  step?: string;
  elapsed?: string;
  eta?: string;
}

interface TextObject {
  text?: string;
}

interface CardBlock {
  type?: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: TextObject[];
}

/** The mrkdwn step icon of a running step (build-card.ts's STEP_ICONS.running). */
const RUNNING_ICON = ':hourglass_flowing_sand:';

/** The card block whose block_id is `id` (on the Home tab it is scoped: "dev.build_steps"). */
function blockOf(blocks: unknown[], id: string): CardBlock | undefined {
  return (blocks as CardBlock[]).find((b) => b.block_id === id || b.block_id?.endsWith(`.${id}`));
}

export function cardProgress(blocks: unknown[], nameOf?: NameOf): CardProgress {
  const progress: CardProgress = {};
  const links = blockOf(blocks, 'build_links')?.elements?.[0]?.text;
  const build = links ? /^Build (\S+)/.exec(plain(links, nameOf))?.[1] : undefined;
  if (build) progress.build = build;
  const steps = (blockOf(blocks, 'build_steps')?.text?.text ?? '').split('\n').filter(Boolean);
  const at = steps.findIndex((line) => line.startsWith(RUNNING_ICON));
  if (at >= 0) {
    // "Label · 12 seconds": the step's own time is left out, the line gives the build's.
    const label = plain((steps[at] as string).slice(RUNNING_ICON.length), nameOf)
      .split(' · ')[0]
      ?.trim();
    if (label) progress.step = `${label} (${at + 1}/${steps.length})`;
  }
  for (const field of blockOf(blocks, 'build_facts')?.fields ?? []) {
    const [name, value] = plain(field.text ?? '', nameOf).split('\n');
    if (name === 'Elapsed' && value) progress.elapsed = value;
    if (name === 'ETA' && value) progress.eta = value;
  }
  return progress;
}

/** "dev-3f2a Train model (2/5) · 1 minute elapsed · about 2 minutes left", or undefined if not a build card. */
export function progressLine(progress: CardProgress): string | undefined {
  if (!progress.build) return undefined;
  const parts = [
    [progress.build, progress.step].filter(Boolean).join(' '),
    progress.elapsed && `${progress.elapsed} elapsed`,
    progress.eta && `${progress.eta} left`,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** The header's text: a card whose header is unchanged moved on within its status. */
export function headerOf(blocks: unknown[]): string | undefined {
  const first = blocks[0] as CardBlock | undefined;
  return first?.type === 'header' ? first.text?.text : undefined;
}
