// The build card's API for the Bolt app, the notifier and the local console.
export {
  renderBuildCard,
  scopeBlockIds,
  buildNotice,
  isFinished,
  SLACK_LIMITS,
  type BuildCard,
  type BuildCardOptions,
} from './build-card';
export {
  CARD_ACTIONS,
  buttonValue,
  parseButtonValue,
  type CardAction,
  type CardButtonValue,
} from './actions';
export { consoleUrlFor } from './console-url';
export { escapeMrkdwn, fit, link, mention } from './mrkdwn';
export { stepLines, type StepLine } from './steps';
export { slackPersonName } from './people';
