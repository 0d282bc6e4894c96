// The pretend Slack workspace that the fake Web API, the console and the tests share: one team, one bot.
// Real IDs look like these (T…, U…, B…, A…), so code that checks prefixes behaves as it would in Slack.

import { LOCAL_SLACK_BOT_USER } from '../local-config';

export const LOCAL_TEAM = { id: 'T0SAGEBUILD', name: 'SageBuild (local)', domain: 'sagebuild-local' };
export const LOCAL_BOT = {
  userId: LOCAL_SLACK_BOT_USER,
  botId: 'B0SAGEBOT',
  appId: 'A0SAGEBUILD',
  name: 'sagebuild',
};
