// The wording API: every sentence SageBuild says or writes comes from here.
export { approxDuration, relativeTime, spokenDuration } from './duration';
export { gerund, roleLabel, stateWords, stepLabel } from './steps';
export {
  buildList,
  details,
  liveModel,
  readableReason,
  spokenList,
  started,
  status,
  stopped,
  timeLeft,
  whyFailed,
} from './sentences';
export { errorSentence } from './errors';
export {
  capabilities,
  noAnswerInTime,
  NOT_STARTED,
  NOT_STOPPED,
  personName,
  someoneStarted,
  someoneStopped,
  startQuestion,
  stopQuestion,
} from './dialog';
export { stillRunning } from './dialog';
export { fixedNamesProblem, startWarnings } from './start-warnings';
export { buildChangeNotice, stepNotice, type BuildChange } from './notices';
export {
  buildPhrase,
  dayAndTime,
  NOT_ROLLED_BACK,
  rollbackLine,
  rollbackQuestion,
  rollbackRefusedSentence,
  rollbackUnanswered,
  rolledBack,
  rollbackSettled,
  someoneRolledBack,
} from './rollback';
export { comparisonSentence, metricLabel, metricLine, metricValue } from './comparison';
export {
  approvalSentence,
  approvalsSentence,
  approvalStepLabel,
  decisionSentence,
  qualityGateSentence,
  onlyApprovers,
  gateAlreadyClosed,
  gateOutcomeLine,
  approvalWaitingLine,
  approveQuestion,
  gateOutcomeSentence,
  rejectQuestion,
  awaitingApprovalLine,
  spokenComparison,
  spokenWaiting,
  spokenDecisionQuestion,
  spokenDecision,
  NOTHING_WAITING,
} from './approvals';
export {
  deployComparisonAnswer,
  healthAnswer,
  healthSpeech,
  latency,
  percent,
  problemClause,
} from './health';
export { whyAnswer } from './why';
export { whoseBuild, WhoseBuild } from './build-names';
export { passedAnswer } from './passed';
export { buildRefNotFoundSentence } from './build-refs';
export { buildLines, spokenBuildList } from './build-lines';
export { unclearCommand, unknownCommand } from './commands';
export {
  voiceAgainQuestion,
  voiceErrorSentence,
  voiceStarted,
  voiceStartedAgain,
  voiceStopped,
  voiceStopQuestion,
} from './voice';
export { againQuestion, startedAgain } from './again';
