// The skill's Lambda entry point: an async two-argument handler (Node 22+ runtimes reject callback handlers,
// which is what `.lambda()` would make). The skill is built once per container, at cold start. Each request
// runs in its own log context (Lambda's request ID); the skill's interceptor adds the intent and the user, and
// the request ends with one JSON line saying how it went. An event that is not a well-formed request for this
// skill (skill/envelope.ts) fails the invocation with RequestRefused, as the SDK fails another skill's
// request: its line names the broken part, never the event, and the error carries no stack frames.

import { loggedLambda } from '../core/log/request';
import { skillFromConfig } from './from-config';

const skill = skillFromConfig();

export const handler = loggedLambda('skill', (event: unknown, context: unknown) =>
  skill.invoke(event, context),
);
