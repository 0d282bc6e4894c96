// The skill's Lambda entry point: an async two-argument handler (Node 22+ runtimes reject callback handlers,
// which is what `.lambda()` would make). The skill is built once per container, at cold start.

import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { skillFromConfig } from './from-config';

const skill = skillFromConfig();

export const handler = async (event: RequestEnvelope, context: unknown): Promise<ResponseEnvelope> =>
  skill.invoke(event, context);
