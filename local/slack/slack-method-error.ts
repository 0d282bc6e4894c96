// A Web API method's refusal, as the fake Slack API answers it.

export type SlackArgs = Record<string, unknown>;

/**
 * A Web API error answer (`{ ok: false, error }`), e.g. message_not_found. `details` go next to it, as Slack
 * sends `errors` and `response_metadata.messages` with invalid_blocks.
 */
export class SlackMethodError extends Error {
  constructor(
    readonly error: string,
    readonly details: SlackArgs = {},
  ) {
    super(error);
  }
}
