// The intent a Dialog.ConfirmIntent names, with the pipeline chosen: the confirmed request comes back with it.

import type { Intent } from 'ask-sdk-model';

/** The intent with its pipeline slot set to the chosen pipeline, so the confirmed request carries it. */
export function naming(intent: Intent | undefined, name: string, pipeline: string): Intent {
  const base: Intent = intent ?? { name, confirmationStatus: 'NONE' };
  return {
    ...base,
    slots: { ...base.slots, pipeline: { name: 'pipeline', value: pipeline, confirmationStatus: 'NONE' } },
  };
}
