// Turns Step Functions state names into phrases that read well after "has been" or "while":
// "Train model" → "training the model", "TrainModel" / "train_model" too.
// In order: a short table for names that read badly, questions ("Is quality gate met" → "checking whether the
// quality gate is met"), outcome states ("Build succeeded" → "finishing up"), then the generic rule (verb → -ing,
// "the" before the object). A name no rule understands reads badly: when the core knows the state's role from
// the machine's definition, `roleLabel` says the role instead; else it falls back to "working on the <name>
// step" (or the name whole, quoted, when it holds symbols), which is always grammatical.

import type { StepRole } from '../machine/roles';

/** Whole names that the generic rule would garble, keyed by lowercase words. */
const SPECIAL: Record<string, string> = {
  'is endpoint in service': 'waiting for the endpoint',
  'endpoint in service': 'waiting for the endpoint',
  'is endpoint ready': 'waiting for the endpoint',
  'endpoint ready': 'waiting for the endpoint',
  'quality gate': 'checking the quality gate',
  'quality gate passed': 'checking the quality gate',
  'is gate metric': 'checking the quality gate metric',
};

/**
 * Last words that make a state an outcome rather than work ("Build succeeded", "Training failed"): the
 * Succeed/Fail states themselves, which read badly as "building the succeeded".
 */
const OUTCOMES: Record<string, string> = {
  succeed: 'finishing up',
  succeeded: 'finishing up',
  success: 'finishing up',
  done: 'finishing up',
  finished: 'finishing up',
  complete: 'finishing up',
  completed: 'finishing up',
  fail: 'reporting the failure',
  failed: 'reporting the failure',
};

// Verbs that start state names in ML pipelines. Words ending in -ize/-ise/-ify count as verbs as well.
const VERBS = new Set(
  (
    'aggregate analyse analyze annotate approve attach audit backup bake benchmark build cache calculate call ' +
    'check choose clean collect commit compare compute configure copy create delay delete deploy describe ' +
    'destroy detach download drop emit encode ensure evaluate explain export extract fetch filter find finish fit ' +
    'gather generate get grade handle import infer ingest initialize inspect invoke join label launch list load log ' +
    'look mark merge monitor move notify package pick poll post postprocess predict prepare preprocess ' +
    'process promote provision publish put query read record redeploy register release remove rename report ' +
    'resolve restore retrain retry review roll route run sample save scale score select send set shuffle ' +
    'sleep split start stop store submit swap sync tag test train transform trigger tune update upload use ' +
    'validate verify wait warm write'
  ).split(' '),
);

/** Verbs whose last consonant doubles although they have two syllables (stress on the last one). */
const DOUBLING = new Set([
  'admit',
  'begin',
  'commit',
  'control',
  'forget',
  'occur',
  'omit',
  'permit',
  'submit',
]);

const PREPOSITIONS = new Set(
  'about across after against as at back before by down during for from in into of off on onto out over per through to until up via with'.split(
    ' ',
  ),
);

/** Words that already determine the noun, so no "the" goes before them. */
const DETERMINERS = new Set(
  'a all an another any both each every its my new no our some that the their these this those your'.split(
    ' ',
  ),
);

/** Nouns read without "the" when they stand alone: "deploying to production", "deploying to it". */
const BARE_NOUNS = new Set(['dev', 'it', 'prod', 'production', 'staging', 'them']);

/**
 * Products and services a pipeline talks to, spelled as their makers do. A proper noun standing alone takes
 * no article ("notifying Slack", not "notifying the slack"); as a modifier it does ("the Slack channel").
 */
const PROPER_NOUNS: Record<string, string> = Object.fromEntries(
  (
    'AWS Athena BigQuery CloudWatch Databricks Datadog Discord DynamoDB ECR EventBridge GitHub GitLab Jenkins ' +
    'Jira MLflow Opsgenie PagerDuty Redshift S3 SageMaker Slack Snowflake SNS Splunk SQS'
  )
    .split(' ')
    .map((name) => [name.toLowerCase(), name]),
);

/** Proper nouns that are also everyday words: the product only when the name capitalises it ("Notify Teams"). */
const CAPITALISED_PROPER_NOUNS = new Set(['Glue', 'Lambda', 'Teams']);

/** Splits "Train model", "TrainModel", "train_model" and "train-model" into words, keeping acronyms. */
export function stateWords(stateName: string): string[] {
  const cleaned = stateName.replace(/[^\p{L}\p{N}\s_'-]+/gu, ' ').trim();
  // Hyphens and camel case only separate words when the name has no spaces ("Pre-process data" keeps its hyphen).
  const spaced = /\s/.test(cleaned)
    ? cleaned.replace(/_+/g, ' ')
    : cleaned.replace(/[_-]+/g, ' ').replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2');
  return spaced
    .split(/\s+/)
    .filter((w) => w !== '')
    .map(normalCase);
}

/** "Model" → "model", but "XGBoost", "AUC" and "S3" keep their capitals, and "slack" is "Slack". */
function normalCase(word: string): string {
  const proper = PROPER_NOUNS[word.toLowerCase()];
  if (proper) return proper;
  if (CAPITALISED_PROPER_NOUNS.has(word)) return word;
  const plain = /^\p{Lu}?[^\p{Lu}]*$/u.test(word) && /\p{Ll}/u.test(word);
  return word.length === 1 || plain ? word.toLowerCase() : word;
}

function isVerb(word: string): boolean {
  const last = word.toLowerCase().split('-').pop() ?? '';
  return VERBS.has(last) || (last.length > 5 && /(ize|ise|ify)$/.test(last));
}

function isGerund(word: string): boolean {
  return word.length > 5 && /ing$/.test(word);
}

/** English -ing spelling: save → saving, stop → stopping, tie → tying, see → seeing, train → training. */
export function gerund(verb: string): string {
  const w = verb.toLowerCase();
  if (w === 'be') return 'being';
  if (w.endsWith('ie')) return `${w.slice(0, -2)}ying`;
  if (/(ee|ye|oe)$/.test(w)) return `${w}ing`;
  if (w.endsWith('e')) return `${w.slice(0, -1)}ing`;
  const last = w.split('-').pop() ?? w;
  const syllables = last.match(/[aeiouy]+/g)?.length ?? 0;
  if (DOUBLING.has(last) || (syllables === 1 && /[^aeiou][aeiou][^aeiouwxy]$/.test(w))) {
    return `${w}${w.slice(-1)}ing`;
  }
  return `${w}ing`;
}

/** Adds "the" at the start of each noun phrase: "check endpoint status" → "check the endpoint status". */
function withArticles(words: string[]): string[] {
  const out: string[] = [];
  let expectNoun = true;
  words.forEach((word, i) => {
    const lower = word.toLowerCase();
    const next = words[i + 1];
    if (lower === 'and' && next !== undefined && isVerb(next)) {
      // "train and evaluate model": the second verb reads as a gerund too.
      out.push('and');
      expectNoun = true;
      return;
    }
    if (i > 0 && words[i - 1]?.toLowerCase() === 'and' && isVerb(word)) {
      out.push(gerund(word));
      return;
    }
    if (PREPOSITIONS.has(lower)) {
      out.push(word);
      expectNoun = true;
      return;
    }
    if (expectNoun && !skipsArticle(word, next)) out.push('the');
    expectNoun = false;
    out.push(word);
  });
  return out;
}

function skipsArticle(word: string, next: string | undefined): boolean {
  const lower = word.toLowerCase();
  if (DETERMINERS.has(lower) || /^\d/.test(word)) return true;
  // A lone proper noun, acronym or environment ("to S3", "to production") takes no article;
  // as a modifier it does ("the S3 bucket", "the production endpoint").
  const alone = next === undefined || PREPOSITIONS.has(next.toLowerCase());
  return alone && (word !== lower || BARE_NOUNS.has(lower));
}

/** Choice states named as questions: "Is quality gate met" → "checking whether the quality gate is met". */
function questionLabel(first: string, rest: string[]): string | undefined {
  const verb = first.toLowerCase();
  if ((verb !== 'is' && verb !== 'are') || rest.length < 2) return undefined;
  // The predicate starts at the first preposition ("in service"), else it is the last word ("met").
  const preposition = rest.findIndex((w, i) => i > 0 && PREPOSITIONS.has(w.toLowerCase()));
  const split = preposition > 0 ? preposition : rest.length - 1;
  return ['checking whether', ...withArticles(rest.slice(0, split)), verb, ...rest.slice(split)].join(' ');
}

/** Words that name a step without saying what it does: "Train Step" is training, "TrainingJob" too. */
const FILLER_NOUNS = new Set(['step', 'job', 'task', 'state', 'stage', 'phase']);

/** "step 1", "stage_2", "3": numbered names say nothing but their number. */
function numbered(words: string[]): string | undefined {
  const [first, second] = words;
  if (words.length === 1 && first !== undefined && /^\d+$/.test(first)) return `working on step ${first}`;
  if (
    words.length === 2 &&
    first &&
    second &&
    FILLER_NOUNS.has(first.toLowerCase()) &&
    /^\d+$/.test(second)
  ) {
    return `working on ${first.toLowerCase()} ${second}`;
  }
  return undefined;
}

/**
 * The phrase a state's name makes, or undefined when no rule understands the name ("sm-train", "Endpoint
 * status", "Accuracy > 0.9?"): such a name reads badly, so a role says it better when there is one.
 */
function namePhrase(stateName: string): string | undefined {
  const all = stateWords(stateName);
  const special = SPECIAL[all.join(' ').toLowerCase()];
  if (special) return special;
  const number = numbered(all);
  if (number) return number;
  // "Train Step", "TrainingJob": the verb alone says it, the filler noun would read "training the step".
  const words =
    all.length > 1 && all.slice(1).every((w) => FILLER_NOUNS.has(w.toLowerCase())) ? all.slice(0, 1) : all;
  const [first, ...rest] = words;
  if (first === undefined) return undefined;
  if ((first.toLowerCase() === 'is' || first.toLowerCase() === 'are') && rest.length === 1) {
    // "IsDeployed": a yes/no check with no subject.
    return `checking whether it ${first.toLowerCase()} ${rest[0]?.toLowerCase()}`;
  }
  const question = questionLabel(first, rest);
  if (question) return question;
  const outcome = OUTCOMES[words[words.length - 1]?.toLowerCase() ?? ''];
  if (outcome) return outcome;
  if (isGerund(first)) return [first.toLowerCase(), ...withArticles(rest)].join(' ');
  if (isVerb(first)) return [gerund(first), ...withArticles(rest)].join(' ');
  return undefined;
}

/** Characters a name keeps only when quoted whole: "Accuracy > 0.9?" must not read "the accuracy 0 9 step". */
const SYMBOLS = /[^\p{L}\p{N}\s_'-]/u;

/** A name no rule understands, still grammatical: "working on the endpoint status step". */
function unknownStepPhrase(stateName: string): string {
  const name = stateName.trim();
  if (SYMBOLS.test(name)) return `working on the step "${name}"`;
  const words = stateWords(name).join(' ');
  if (words === '') return 'working on an unnamed step';
  return `working on the ${/ step$/i.test(words) ? words : `${words} step`}`;
}

/** A phrase to read after "has been" / "while": "training the model", "waiting for the endpoint". */
export function stepLabel(stateName: string): string {
  return namePhrase(stateName) ?? unknownStepPhrase(stateName);
}

/** What a step does, by role: the same words whatever the machine calls the state. */
const ROLE_LABELS: Partial<Record<StepRole, string>> = {
  training: 'training the model',
  tuning: 'tuning the model',
  model: 'saving the model',
  'endpoint-config': 'creating the endpoint config',
  'create-endpoint': 'creating the endpoint',
  'update-endpoint': 'updating the endpoint',
  'endpoint-wait': 'waiting for the endpoint',
  'endpoint-check': 'checking the endpoint',
  approval: 'waiting for approval',
};

/** Roles that say less than a well-chosen name ("Preprocess data" is a processing job): the name first. */
const NAME_FIRST: Partial<Record<StepRole, string>> = {
  processing: 'running the processing job',
  transform: 'running the batch transform',
  lambda: 'running a Lambda function',
  task: 'running a task',
  parallel: 'running steps in parallel',
  map: 'working through the items',
  wait: 'waiting',
  choice: 'deciding what to do next',
  succeed: 'finishing up',
  fail: 'reporting the failure',
};

/**
 * A step by its role first ("training the model" for any training task), by its name only when the role
 * says nothing, and by a plain phrase for the role when the name reads badly ("sm-train", "step_1"). Every
 * sentence that speaks of a step goes through here or through `stepLabel`: one place decides.
 */
export function roleLabel(role: StepRole | undefined, stateName: string): string {
  const byRole = role ? ROLE_LABELS[role] : undefined;
  if (byRole) return byRole;
  return namePhrase(stateName) ?? (role ? NAME_FIRST[role] : undefined) ?? unknownStepPhrase(stateName);
}
