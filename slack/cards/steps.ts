// The card's step list: the pipeline's main steps in order, each done, running, waiting, failed or skipped.
// The core only knows the step a build is in (or ended in), so the list comes from a known order: steps
// before the current one are done, later ones waiting (or skipped once the build has ended).

import type { BuildStatusFact, StepState } from '../../core/builds/facts';
import { spokenDuration } from '../../core/wording';

/** A main step, and every state that counts as being in it (a branch taken instead, the checks inside it). */
export interface CardStep {
  label: string;
  states: string[];
}

/** Main steps in order; a plain string is a step made of one state of that name. */
export type StepList = readonly (string | CardStep)[];

/**
 * The reference pipeline's (pipeline/sagemaker-deploy.asl.json) main steps. Written out rather than
 * imported, so the notifier's bundle does not carry the definition; a test keeps the two in step.
 */
export const REFERENCE_STEPS: StepList = [
  'Train model',
  {
    label: 'Check quality gate',
    states: [
      'Check quality gate',
      'Grade metrics',
      'Is quality gate met',
      'Metric not reported',
      'Choose inference image',
      'Use training image',
    ],
  },
  'Save model',
  'Create endpoint config',
  { label: 'Check endpoint', states: ['Check endpoint', 'Is endpoint missing'] },
  { label: 'Create endpoint / Update endpoint', states: ['Create endpoint', 'Update endpoint'] },
  {
    label: 'Wait for endpoint',
    states: [
      'Wait for endpoint',
      'Check endpoint status',
      'Is endpoint in service',
      'Explain endpoint failure',
      'Explain endpoint rollback',
      'Explain other endpoint config',
      'Explain endpoint status',
    ],
  },
];

export type StepLineState = StepState | 'skipped';

export interface StepLine {
  label: string;
  state: StepLineState;
  /** How long the step has been running, where the facts say. */
  took?: string;
}

function normalize(steps: StepList): CardStep[] {
  return steps.map((step) => (typeof step === 'string' ? { label: step, states: [step] } : step));
}

/**
 * The lines to show. A succeeded build has done every step. When the current step is not among the main
 * steps (another pipeline's states), the list can't be placed, so only the current step is shown.
 */
export function stepLines(fact: BuildStatusFact, steps: StepList, now: Date): StepLine[] {
  const main = normalize(steps);
  if (fact.status === 'SUCCEEDED') return main.map((step) => ({ label: step.label, state: 'done' }));
  const current = fact.currentStep;
  if (!current) return [];
  const currentLine: StepLine = { label: current.name, state: current.state };
  if (current.state === 'running' && current.startedAt) {
    currentLine.took = spokenDuration(Math.max(0, now.getTime() - current.startedAt.getTime()));
  }
  const at = main.findIndex((step) => step.states.includes(current.name));
  if (at < 0) return [currentLine];
  const later: StepLineState = fact.status === 'RUNNING' ? 'waiting' : 'skipped';
  return main.map((step, i): StepLine => {
    if (i < at) return { label: step.label, state: 'done' };
    // A branch the label names ("Update endpoint") is shown by its name; a check inside a step ("Grade
    // metrics") under the step's.
    if (i === at)
      return { ...currentLine, label: step.label.includes(current.name) ? current.name : step.label };
    return { label: step.label, state: later };
  });
}
