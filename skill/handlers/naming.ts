// The intent a Dialog.ConfirmIntent names, with the pipeline chosen: the confirmed request comes back with it.

import type { Intent } from 'ask-sdk-model';

/**
 * The intent with its pipeline slot set to the chosen pipeline, so the confirmed request carries it; not yet
 * confirmed, since it goes out with a question.
 */
export function naming(intent: Intent | undefined, name: string, pipeline: string): Intent {
  const base: Intent = intent ?? { name, confirmationStatus: 'NONE' };
  return {
    ...base,
    confirmationStatus: 'NONE',
    slots: { ...base.slots, pipeline: { name: 'pipeline', value: pipeline, confirmationStatus: 'NONE' } },
  };
}
