// The card's buttons as the action handlers see them: fixed action ids, and a value naming the build.

export const CARD_ACTIONS = {
  stop: 'build_stop',
  refresh: 'build_refresh',
  runAgain: 'build_run_again',
} as const;

export type CardAction = (typeof CARD_ACTIONS)[keyof typeof CARD_ACTIONS];

/** A button's `value`, as JSON: which build the card is about. */
export interface CardButtonValue {
  pipeline: string;
  executionArn: string;
}

export function buttonValue(value: CardButtonValue): string {
  return JSON.stringify({ pipeline: value.pipeline, executionArn: value.executionArn });
}

/** The build a clicked button names, or undefined for a value this module did not write. */
export function parseButtonValue(value: string | undefined): CardButtonValue | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as Partial<CardButtonValue> | null;
    const { pipeline, executionArn } = parsed ?? {};
    return typeof pipeline === 'string' && typeof executionArn === 'string'
      ? { pipeline, executionArn }
      : undefined;
  } catch {
    return undefined;
  }
}
