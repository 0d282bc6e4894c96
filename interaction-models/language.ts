// The one source of what people say to SageBuild. The Alexa interaction model (every English locale) is built
// from it, and the matcher reads the built model, so the voice skill, the local simulator and Slack's plain
// language all understand the same sentences, and only those: like Alexa's model (and virtual-alexa), the matcher
// resolves a sentence only when it is a sample, slot values aside. So every phrasing people use is written here.
// Samples follow Alexa's rules: lowercase words, apostrophes, and `{pipeline}` slot references; no digits or
// other punctuation.

export const LOCALES = ['en-US', 'en-GB', 'en-CA', 'en-AU', 'en-IN'] as const;
export type Locale = (typeof LOCALES)[number];

export const INVOCATION_NAME = 'sage build';

/** Every custom intent is a question about one pipeline, so each takes this slot. */
export const PIPELINE_SLOT = { name: 'pipeline', type: 'PIPELINE_NAME' } as const;

export const CUSTOM_INTENTS = [
  'BuildStatusIntent',
  'BuildDetailsIntent',
  'TimeLeftIntent',
  'WhyFailedIntent',
  'StartBuildIntent',
  'StopBuildIntent',
  'RunAgainIntent',
  'LastBuildsIntent',
  'EndpointStatusIntent',
  'EndpointHealthIntent',
  'RollbackIntent',
  'ApprovalsIntent',
  'ApproveIntent',
  'RejectIntent',
  'BuildPassedIntent',
] as const;
export type CustomIntentName = (typeof CUSTOM_INTENTS)[number];

export const FALLBACK_INTENT = 'AMAZON.FallbackIntent';

export const BUILT_IN_INTENTS = [
  'AMAZON.HelpIntent',
  'AMAZON.StopIntent',
  'AMAZON.CancelIntent',
  'AMAZON.NavigateHomeIntent',
  FALLBACK_INTENT,
  'AMAZON.YesIntent',
  'AMAZON.NoIntent',
] as const;
export type BuiltInIntentName = (typeof BUILT_IN_INTENTS)[number];

// Words the templates below share (see phrasing.ts for the syntax). People say "job" as often as "build", and
// "what's" as often as "what is": both forms are samples, since the model matches words, not meanings.
const BUILD = '(build|job)';
const BUILDS = '(builds|jobs)';
/** "my build", "the prod job", "the current build", "the latest dev job", ... */
const THE_BUILD = `((my|the) [{pipeline}] ${BUILD}|the (current|latest) [{pipeline}] ${BUILD})`;
/** The same, for questions about a build that may be over: "last" fits here too. */
const THE_LAST_BUILD = `((my|the) [{pipeline}] ${BUILD}|the (current|latest|last) [{pipeline}] ${BUILD})`;
const WHAT_IS = "(what is|what's)";
const HOW_IS = "(how is|how's)";

/**
 * What people say for each intent, as phrasing templates. Every sample a template stands for is in the model;
 * the questions the skill's welcome and help suggest ("is my build done", "give me details", "how long until it
 * is done", ...) are among them, and test/virtual-alexa.test.ts holds every intent to a table of phrasings.
 */
export const CUSTOM_PHRASINGS: Record<CustomIntentName, readonly string[]> = {
  BuildStatusIntent: [
    `(is|isn't) ${THE_BUILD} (done|finished|complete|ready) [yet]`,
    `is the last [{pipeline}] ${BUILD} (done|finished)`,
    // "ask sage build if my build is done": Alexa hears what follows "if".
    `${THE_BUILD} is (done|finished)`,
    `has ${THE_LAST_BUILD} finished [yet]`,
    `${HOW_IS} ${THE_BUILD} (going|doing)`,
    `${HOW_IS} (it|the {pipeline} pipeline) (going|doing)`,
    `${WHAT_IS} the status of ${THE_LAST_BUILD}`,
    `${WHAT_IS} the status of {pipeline}`,
    `${WHAT_IS} ${THE_BUILD} status`,
    `${WHAT_IS} the status`,
    'status',
    `[(current|latest)] [{pipeline}] ${BUILD} status`,
    '{pipeline} status',
    'status (of|for) {pipeline}',
    'status {pipeline}',
    `status of ${THE_BUILD}`,
    `tell me the status of ${THE_BUILD}`,
    `kindly tell me the ${BUILD} status`,
    `is ${THE_BUILD} still running`,
    `(is|isn't) it (done|finished) [yet]`,
    `where is my ${BUILD} at`,
    `any news on ${THE_BUILD}`,
    `check on ${THE_BUILD}`,
    'give me a status update',
    `give me an update on ${THE_BUILD}`,
    `${WHAT_IS} happening with ${THE_BUILD}`,
    `how far along is ${THE_BUILD}`,
    'is the training (done|finished)',
    'has the [{pipeline}] model finished training',
    `how are things going with the ${BUILD}`,
    `is my ${BUILD} sorted`,
    `${WHAT_IS} the progress of ${THE_BUILD}`,
    'is (my|the) [{pipeline}] model ready',
  ],
  BuildDetailsIntent: [
    'details',
    '(more|full) details',
    '(give me|show me) [(the|more|the full)] details',
    `(give me|tell me) [(the|more)] details (on|about) ${THE_LAST_BUILD}`,
    `(more|full) details (on|about) ${THE_LAST_BUILD}`,
    `[{pipeline}] ${BUILD} details`,
    'details (on|about|for) {pipeline}',
    `(what|which) step is (it|${THE_BUILD}) on [right now]`,
    `(what|which) stage is (it|${THE_BUILD}) (at|in)`,
    `${WHAT_IS} ${THE_BUILD} doing [right now]`,
    `${WHAT_IS} the ${BUILD} doing [right now]`,
    'tell me more',
    `tell me more about ${THE_LAST_BUILD}`,
    `${WHAT_IS} the current step`,
    'current step',
    `${WHAT_IS} the training doing`,
    `${WHAT_IS} the training metric`,
    `${WHAT_IS} the accuracy so far`,
    `who started (it|${THE_LAST_BUILD})`,
    `who kicked off (it|${THE_LAST_BUILD})`,
    `${WHAT_IS} it up to`,
    'go into more detail',
    'explain the current step',
  ],
  TimeLeftIntent: [
    `how long until ${THE_BUILD} is (done|finished)`,
    "how long (until|till) (it is|it's) (done|finished)",
    `how long (until|till) ${THE_BUILD} finishes`,
    `when will (it|${THE_BUILD}) (finish|be done|be finished)`,
    `when is ${THE_BUILD} going to (finish|be done)`,
    'how much longer [will it take]',
    `how much longer (for|on) ${THE_BUILD}`,
    'how much time is (left|remaining)',
    `how much time is (left|remaining) (on|for) ${THE_BUILD}`,
    'time (left|remaining)',
    `${WHAT_IS} the eta`,
    `${WHAT_IS} the eta (for|on) ${THE_BUILD}`,
    'eta',
    '{pipeline} eta',
    `how long will ${THE_BUILD} take`,
    'how long is left',
    `how long is left on ${THE_BUILD}`,
    'how long to go',
    'when should it be done',
    `when can i expect ${THE_BUILD} to finish`,
    `by what time will ${THE_BUILD} complete`,
    'how many minutes are left',
    `how many minutes are left on ${THE_BUILD}`,
    "(when's|when is) it due to finish",
  ],
  WhyFailedIntent: [
    `why did (it|${THE_LAST_BUILD}) fail`,
    'why did {pipeline} fail',
    `why has ${THE_LAST_BUILD} failed`,
    `why did ${THE_LAST_BUILD} break`,
    `why is ${THE_BUILD} failing`,
    `why didn't ${THE_LAST_BUILD} (work|succeed)`,
    `why did ${THE_LAST_BUILD} not succeed`,
    'what went wrong',
    `what went wrong with ${THE_LAST_BUILD}`,
    'what went wrong (on|with) {pipeline}',
    `what happened to ${THE_LAST_BUILD}`,
    'what caused the failure',
    `what caused ${THE_LAST_BUILD} to fail`,
    "(what was|what is|what's) the error",
    `(what was|what is|what's) the error (on|in|with) ${THE_LAST_BUILD}`,
    `${WHAT_IS} the failure reason`,
    'reason for [the] failure',
    'reason for the {pipeline} failure',
    'why did the training fail',
    'what broke',
    `what broke ${THE_LAST_BUILD}`,
    `tell me why ${THE_LAST_BUILD} failed`,
    'explain the failure',
    `explain why ${THE_LAST_BUILD} failed`,
    `where did ${THE_LAST_BUILD} fail`,
    'which step failed',
    `which step failed in ${THE_LAST_BUILD}`,
  ],
  StartBuildIntent: [
    `(start|launch|trigger|begin|run|kick off|fire off) (a|a new|another) [{pipeline}] ${BUILD} [please]`,
    `start [the] [{pipeline}] ${BUILD} [please]`,
    'start {pipeline}',
    '(start|run) the {pipeline} pipeline',
    `run a ${BUILD} on {pipeline}`,
    `new [{pipeline}] ${BUILD}`,
    'retrain',
    'retrain {pipeline}',
    '(retrain|rebuild) the [{pipeline}] model',
    'start training [the [{pipeline}] model]',
    'train a new [{pipeline}] model',
    'kick off a training job',
    `(i want to|i'd like to) start a [new] [{pipeline}] ${BUILD}`,
    `i'd like a new [{pipeline}] ${BUILD}`,
    `do a fresh [{pipeline}] ${BUILD}`,
  ],
  // Always names the build, job, pipeline or training: "stop" and "cancel" alone leave the skill (built-ins).
  StopBuildIntent: [
    `(stop|abort|cancel|halt|kill|terminate) (my|the|our) [{pipeline}] ${BUILD} [please]`,
    `(stop|abort|cancel|kill) the (current|running|latest) [{pipeline}] ${BUILD} [please]`,
    `(stop|cancel|abort) [{pipeline}] ${BUILD}`,
    '(stop|halt) the [{pipeline}] pipeline',
    'stop the training',
    'stop training the [{pipeline}] model',
    `call off the [{pipeline}] ${BUILD}`,
    `pull the plug on the [{pipeline}] ${BUILD}`,
    `(i want to|i'd like to) stop (my|the) [{pipeline}] ${BUILD}`,
  ],
  // A new build with an earlier one's settings (default: the latest); always confirmed first.
  RunAgainIntent: [
    '(run|start|do|try) (it|that) again',
    `(run|start|redo|repeat|retry) ${THE_LAST_BUILD} again`,
    '(run|start|retry) {pipeline} again',
    `(rerun|repeat|retry) ${THE_LAST_BUILD}`,
    '(rerun|retry) {pipeline}',
    `run the same [{pipeline}] ${BUILD} again`,
    `start another [{pipeline}] ${BUILD} with the same settings`,
    `(run|start) a [{pipeline}] ${BUILD} with the same settings [as (last time|the last one)]`,
  ],
  LastBuildsIntent: [
    `how did (the|my) (last|latest) [{pipeline}] ${BUILD} go`,
    `how did the [{pipeline}] ${BUILD} go`,
    `how did (the nightly|last night's) [{pipeline}] ${BUILD} go`,
    `how many [{pipeline}] ${BUILDS} (ran|failed) (today|yesterday|this week)`,
    `how many [{pipeline}] ${BUILDS} today`,
    `recent [{pipeline}] ${BUILDS}`,
    `list [the] [(recent|last)] [{pipeline}] ${BUILDS}`,
    `show me the (recent|last|last few) [{pipeline}] ${BUILDS}`,
    `what were the (last|last few|recent) [{pipeline}] ${BUILDS}`,
    `[{pipeline}] ${BUILD} history`,
    `${WHAT_IS} the [{pipeline}] ${BUILD} history`,
    `(last|latest) [{pipeline}] ${BUILD}`,
    `how have the [{pipeline}] ${BUILDS} been going`,
    `(summarise|summarize) the recent [{pipeline}] ${BUILDS}`,
    `what ${BUILDS} ran (today|yesterday)`,
    `any ${BUILDS} today`,
    'were there any failures today',
  ],
  EndpointStatusIntent: [
    "(is|isn't) (my|the) [{pipeline}] endpoint (up|down|running|working|in service)",
    '(which|what) (model|version) is (live|deployed|serving)',
    '(which|what) model is (live|deployed|serving) (on|to|in) {pipeline}',
    '(which|what) model is running (on|in) {pipeline}',
    'which model is serving {pipeline} traffic',
    'what version of the [{pipeline}] model is live',
    '[{pipeline}] endpoint status',
    `${WHAT_IS} the [{pipeline}] endpoint status`,
    `${WHAT_IS} deployed [on {pipeline}]`,
    `${WHAT_IS} running on the [{pipeline}] endpoint`,
    'check the [{pipeline}] endpoint',
    'is the [new] [{pipeline}] model (live|deployed)',
    'has the [{pipeline}] model been deployed',
    'when was the [{pipeline}] model last deployed',
  ],
  // The endpoint's last hour from CloudWatch: traffic, errors, latency, CPU and memory.
  EndpointHealthIntent: [
    `${HOW_IS} (my|the) [{pipeline}] endpoint [(doing|performing)]`,
    `${HOW_IS} (my|the) [{pipeline}] model (doing|performing) [in production]`,
    "(is|isn't) (my|the) [{pipeline}] endpoint healthy",
    'how healthy is (my|the) [{pipeline}] endpoint',
    '[{pipeline}] endpoint health',
    `${WHAT_IS} the [{pipeline}] endpoint (health|latency|error rate)`,
    'are there [any] errors on the [{pipeline}] endpoint',
    'how much traffic is the [{pipeline}] endpoint getting',
  ],
  // "Did it pass?": yes or no first, then how the build stands.
  BuildPassedIntent: [
    `did ${THE_LAST_BUILD} (pass|succeed|work|fail)`,
    `has ${THE_LAST_BUILD} passed`,
    `did (it|{pipeline}) (pass|succeed|work)`,
    `did the {pipeline} pipeline (pass|succeed)`,
    `is ${THE_LAST_BUILD} green`,
  ],
  // Puts the endpoint back on the model it served before the last deploy; always confirmed first.
  RollbackIntent: [
    'roll back [the] [{pipeline}] [(endpoint|model|deploy|deployment)] [please]',
    'rollback [the] [{pipeline}] [(endpoint|model|deploy|deployment)] [please]',
    'roll back {pipeline} to the previous model',
    'roll the [{pipeline}] (endpoint|model) back',
    '(undo|revert) the last [{pipeline}] (deploy|deployment)',
    'go back to the previous [{pipeline}] model',
    'put the previous [{pipeline}] model back',
    'bring back the previous [{pipeline}] model',
    "(i want to|i'd like to) roll back [the] [{pipeline}] [(endpoint|model)]",
  ],
  // Approval gates: what waits for a decision, and the decision itself (always confirmed first).
  ApprovalsIntent: [
    'is anything waiting for (me|my approval)',
    'is there anything waiting for (me|my approval)',
    "(what is|what's) waiting for (me|my approval)",
    'what needs my approval',
    'does anything need my approval',
    '(are there|any) [{pipeline}] (deploys|deployments|approvals) waiting [for (me|my approval)]',
    'is the [{pipeline}] (deploy|deployment) waiting for (me|my approval|approval)',
  ],
  ApproveIntent: [
    'approve [the] [{pipeline}] (deploy|deployment|release)',
    'approve it',
    'approve {pipeline}',
    'approve the [{pipeline}] (build|job|model)',
    'let the [{pipeline}] (deploy|deployment) (go|go ahead|through)',
    "(i want to|i'd like to) approve [the] [{pipeline}] (deploy|deployment)",
  ],
  RejectIntent: [
    'reject [the] [{pipeline}] (deploy|deployment|release)',
    'reject it',
    'reject {pipeline}',
    'reject the [{pipeline}] (build|job|model)',
    "(don't|do not) deploy [the] [{pipeline}] (build|job|model)",
    "(i want to|i'd like to) reject [the] [{pipeline}] (deploy|deployment)",
  ],
};

/**
 * What a person says when asked "which pipeline?". Alexa uses these slot samples while eliciting the slot;
 * the matcher uses them for the same answer typed or spoken.
 */
export const PIPELINE_SLOT_SAMPLES: readonly string[] = [
  '{pipeline}',
  'the {pipeline} one',
  'the {pipeline} pipeline',
  '{pipeline} pipeline',
  'the {pipeline} build',
  '{pipeline} please',
  'i mean {pipeline}',
];

type PhrasedBuiltIn = Exclude<BuiltInIntentName, typeof FALLBACK_INTENT>;

/**
 * Canonical phrases for the built-ins. Alexa knows them already (their model samples stay empty); the matcher
 * needs them spelled out. Fallback has none: it is whatever matches nothing else.
 */
export const BUILT_IN_PHRASES: Record<PhrasedBuiltIn, readonly string[]> = {
  'AMAZON.HelpIntent': [
    'help',
    'help me',
    'what can i say',
    'what can you do',
    'how does this work',
    'i need help',
    'what are my options',
  ],
  'AMAZON.StopIntent': [
    'stop',
    'off',
    'stop it',
    'shut up',
    'stop talking',
    'be quiet',
    'enough',
    'exit',
    'goodbye',
    'bye',
  ],
  'AMAZON.CancelIntent': ['cancel', 'cancel that', 'never mind', 'nevermind', 'forget it'],
  'AMAZON.NavigateHomeIntent': ['go home', 'home', 'go to the home screen', 'go back home'],
  'AMAZON.YesIntent': [
    'yes',
    'yeah',
    'yep',
    'sure',
    'ok',
    'okay',
    'yes please',
    'go ahead',
    'do it',
    'please do',
    'correct',
    "that's right",
    'absolutely',
    'of course',
    'sounds good',
  ],
  'AMAZON.NoIntent': ['no', 'nope', 'nah', 'no thanks', 'no thank you', "don't", 'not now', 'negative'],
};

/**
 * Replies that ask for nothing: an unsure answer to a yes-or-no question ("maybe"), and thanks. No built-in
 * intent hears them (Fallback would take them, and the skill could not tell "maybe" from "what's the weather"),
 * so they are custom intents without a slot.
 */
export const REPLY_INTENTS = ['UnsureIntent', 'ThanksIntent'] as const;
export type ReplyIntentName = (typeof REPLY_INTENTS)[number];

export const REPLY_PHRASINGS: Record<ReplyIntentName, readonly string[]> = {
  UnsureIntent: [
    '(maybe|perhaps|possibly)',
    'maybe not',
    "i (don't|do not) know",
    "i'm not sure",
    'i am not sure',
    'not sure',
    '(dunno|no idea|who knows)',
    '(hmm|hm|um|uh|er)',
    'let me think',
    'i guess',
    "i can't decide",
  ],
  ThanksIntent: [
    '(thanks|thank you) [(very much|so much|a lot|alexa)]',
    'thanks a bunch',
    '(great|ok|okay|cool) (thanks|thank you)',
    'cheers',
    'much appreciated',
    "that's (all|great) thanks",
  ],
};
