// The card's step list: the machine's own main steps, in its order, as the core read them from the
// machine's definition and marked from the build's history. When the core could not read the definition,
// the card shows only the step the build is in (or ended in).

import type { BuildStatusFact, StepLineState } from '../../core/builds/facts';
import { spokenDuration } from '../../core/wording';

export type { StepLineState };

export interface StepLine {
  label: string;
  state: StepLineState;
  /** How long the step has been running, where the facts say. */
  took?: string;
}

/** A card's step list stays one section: at most this many lines, then how many more. */
export const MAX_STEP_LINES = 20;

function took(startedAt: Date | undefined, now: Date): string | undefined {
  return startedAt ? spokenDuration(Math.max(0, now.getTime() - startedAt.getTime())) : undefined;
}

/** The lines to show, from the core's steps; the current step alone when the core has none. */
export function stepLines(fact: BuildStatusFact, now: Date): StepLine[] {
  if (fact.steps && fact.steps.length > 0) {
    const lines = fact.steps.slice(0, MAX_STEP_LINES).map((step): StepLine => {
      const line: StepLine = { label: step.label, state: step.state };
      const running = step.state === 'running' ? took(step.startedAt, now) : undefined;
      if (running) line.took = running;
      return line;
    });
    const more = fact.steps.length - lines.length;
    if (more > 0) lines.push({ label: `… and ${more} more`, state: 'waiting' });
    return lines;
  }
  const current = fact.currentStep;
  if (!current) return [];
  // A stopped build's last step did not fail: it was stopped there.
  const state = fact.status === 'ABORTED' && current.state === 'failed' ? 'stopped' : current.state;
  const line: StepLine = { label: current.name, state };
  const running = current.state === 'running' ? took(current.startedAt, now) : undefined;
  if (running) line.took = running;
  return [line];
}
