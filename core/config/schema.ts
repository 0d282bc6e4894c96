// The SageBuild config file, validated with zod. Every rule here exists so that a bad config fails at load time
// with the field named, instead of as a confusing AWS error in the middle of a build. zod/mini, not zod: the
// same checks with a functional API, and about 90 KiB less in the Alexa skill's Lambda bundle.
import * as z from 'zod/mini';
import { isPathProblem, parseInputPath } from './input-path';
import { isTimeZone } from '../time/zoned';

// A call slower than timeoutMs is tried again; 4 s lets a slow AWS (3 s a call) still answer, and leaves a hung
// first try time for a second within the budget.
export const DEFAULT_AWS = { timeoutMs: 4000, maxAttempts: 2, budgetMs: 6000 };

/**
 * The form in which names and aliases are compared: case-insensitive, and "churn-prod", "churn_prod" and
 * "churn prod" are the same (Alexa hears hyphens as spaces). Uniqueness and lookup both use it.
 */
export function nameKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// Step Functions forbids whitespace, ":" and a few punctuation marks in names; partition is checked below.
const STATE_MACHINE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):states:([a-z0-9-]+):(\d{12}):stateMachine:([^\s:/"#%\\^|~`$&,;<>{}[\]?*]{1,80})$/;

/** The region inside a state machine ARN (only call on a validated ARN). */
export function arnRegion(arn: string): string {
  return arn.split(':')[3] ?? '';
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** A string that must match `pattern`, failing with `message`. */
const matching = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));

/** A whole number between min and max inclusive, `fallback` when left out. */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z._default(z.int().check(z.gte(min), z.lte(max)), fallback);

/** A list of `item`, empty when left out. */
const list = <T extends z.core.SomeType>(item: T) => z._default(z.array(item), []);

const region = matching(REGION, 'must be an AWS region like us-east-1');

/** IANA names are short ("America/Argentina/ComodRivadavia" is among the longest): anything longer is refused unread. */
const timeZone = z
  .string()
  .check(
    z.refine(
      (name) => name.length <= 64 && isTimeZone(name),
      'must be a time zone like Europe/Berlin or UTC',
    ),
  );

/** Why a string is not a usable state machine ARN, or undefined when it is. */
function arnProblem(arn: string): string | undefined {
  if (!STATE_MACHINE_ARN.test(arn) || !REGION.test(arnRegion(arn))) {
    return 'must be a Step Functions state machine ARN';
  }
  if (arn.split(':')[1] !== partitionOf(arnRegion(arn))) {
    return `partition ${arn.split(':')[1]} does not match region ${arnRegion(arn)}`;
  }
  return undefined;
}

const stateMachineArn = z.string().check(
  z.superRefine((arn, ctx) => {
    const problem = arnProblem(arn);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

// Pipeline names end up inside execution names (80 chars max, no spaces), hence the tight pattern.
const pipelineName = matching(
  /^[a-z0-9][a-z0-9-]{0,19}$/,
  'must be 1-20 lowercase letters, digits or hyphens, starting with a letter or digit',
);

const alias = matching(
  /^[\p{L}\p{N}][\p{L}\p{N} '_-]{0,39}$/u,
  'must be 1-40 letters, digits, spaces or hyphens',
);

// Paths into the execution input (see input-path.ts); a trailing ".*" allows every key below. A bare "*" is
// refused on purpose: the input also carries role ARNs and S3 locations that chat users must not redirect.
const inputKey = z.string().check(
  z.superRefine((key, ctx) => {
    const parsed = parseInputPath(key, { allowWildcard: true });
    if (isPathProblem(parsed)) {
      const message = `must be a dotted key path like trainingInstanceType, hyperparameters.* or Create Model.ModelName: it ${parsed.problem}`;
      ctx.addIssue({ code: 'custom', message });
    }
  }),
);

const slackChannelId = matching(
  /^[A-Z0-9]{2,}$/,
  'must be a Slack channel id like C0123ABCD (not a #channel-name)',
);

/** "*", "prefix:*" or "prefix:id", e.g. "slack:U0123", "slack-group:S0123", "cli:*". */
const principal = matching(
  /^(\*|[a-z][a-z0-9-]*:(\*|[^\s*]+))$/,
  'must be "*", "prefix:*" or "prefix:id", like slack:U0123',
);

/** Where a request comes from: "slack:C0123" (a channel), "slack:*", or "alexa" (the skill's requests). */
const place = matching(
  /^(\*|alexa|[a-z][a-z0-9-]*:(\*|[^\s*]+))$/,
  'must be "alexa", "*", "prefix:*" or "prefix:id", like slack:C0123',
);

const access = z.prefault(
  z.strictObject({
    start: list(principal),
    stop: list(principal),
    /**
     * Who may subscribe a Slack channel to the pipeline's cards (failure reasons included), or unsubscribe
     * one. Left out: whoever may stop its builds.
     */
    subscribe: z.optional(z.array(principal)),
    /** Who may put the endpoint back on an earlier build's model (`rollback prod`). Left out: nobody. */
    rollback: list(principal),
    /** Places (e.g. "slack:C0123", "alexa") that start, stop and subscribe are limited to; empty means anywhere. */
    channels: list(place),
  }),
  {},
);

/**
 * An approval gate before the endpoint changes: who may approve or reject (identities matched like access rules;
 * an entry may carry the name status answers use, e.g. { "id": "slack:U0ANA", "name": "Ana" }), and after how
 * many hours an undecided gate closes as rejected. The reference pipeline gets a gate state from it; a team's own
 * machine has its own `.waitForTaskToken` state and uses `approvers` alone.
 */
const approval = z.strictObject({
  approvers: z
    .array(
      z.union([
        principal,
        z.strictObject({
          id: principal,
          name: z.string().check(z.minLength(1), z.maxLength(60)),
        }),
      ]),
    )
    .check(z.minLength(1, 'must list at least one approver')),
  // Step Functions keeps a Standard execution for a year at most.
  timeoutHours: wholeNumber(1, 8760, 24),
});

const pipelineFields = z
  .strictObject({
    name: pipelineName,
    aliases: list(alias),
    stateMachineArn,
    region: z.optional(region),
    defaultInput: z._default(z.record(z.string(), z.unknown()), {}),
    // Nothing can be changed at a start unless the config says so: no default can know what a team's machine reads.
    allowedInputKeys: z._default(z.array(inputKey), []),
    slack: z.prefault(z.strictObject({ channels: list(slackChannelId) }), {}),
    access,
    approval: z.optional(approval),
  })
  .check(
    z.superRefine((p, ctx) => {
      // Step Functions only answers for a state machine in its own region, so a different region can never work.
      if (p.region !== undefined && p.region !== arnRegion(p.stateMachineArn)) {
        ctx.addIssue({
          code: 'custom',
          path: ['region'],
          message: `must match the region in stateMachineArn (${arnRegion(p.stateMachineArn)}), or be left out`,
        });
      }
    }),
  );

const pipeline = z.pipe(
  pipelineFields,
  z.transform((p: z.output<typeof pipelineFields>) => ({
    ...p,
    region: p.region ?? arnRegion(p.stateMachineArn),
    access: { ...p.access, subscribe: p.access.subscribe ?? p.access.stop },
  })),
);

const aws = z.prefault(
  z.strictObject({
    timeoutMs: wholeNumber(200, 10000, DEFAULT_AWS.timeoutMs),
    maxAttempts: wholeNumber(1, 5, DEFAULT_AWS.maxAttempts),
    // All calls of one answer together: Alexa waits 8 s, and the front needs a moment to speak.
    budgetMs: wholeNumber(500, 30000, DEFAULT_AWS.budgetMs),
    /**
     * DynamoDB table where a start claims its pipeline for a minute, so starts in several processes (Lambda
     * containers) settle on one build. The deployed stack fills it in; without it, claims live in memory.
     */
    startClaimsTable: z.optional(matching(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')),
  }),
  {},
);

/** The Alexa skill front: which skill may call it, and when to send a progressive "Checking..." first. */
const alexa = z.strictObject({
  skillId: matching(
    /^amzn1\.ask\.skill\.[A-Za-z0-9._-]+$/,
    'must be an Alexa skill ID like amzn1.ask.skill.1234',
  ),
  progressiveAfterMs: wholeNumber(0, 5000, 1000),
});

/**
 * The Slack front. Tokens are never here: they come from the environment (SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_APP_TOKEN) or from the Secrets Manager secret named by `tokensSecretId`.
 */
const slack = z.strictObject({
  commandName: z._default(
    matching(/^\/[a-z0-9_-]{1,31}$/, 'must be a slash command like /sagebuild'),
    '/sagebuild',
  ),
  /** The bot's own user ID (U…), so Bolt need not call auth.test on every request. */
  botUserId: z.optional(matching(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user ID like U0123ABCD')),
  /** DynamoDB table for build cards and channel subscriptions. */
  storeTable: z._default(
    matching(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
    'sagebuild-slack',
  ),
  tokensSecretId: z.optional(z.string().check(z.minLength(1))),
});

/**
 * The deploy watch: for `minutes` after a build's deploy succeeds, the endpoint is compared with the hour
 * before the deploy every `checkEveryMinutes`, and Slack is told once if it got clearly worse. 0 minutes: off.
 */
export const DEFAULT_DEPLOY_WATCH = { minutes: 30, checkEveryMinutes: 5 };
const deployWatch = z.prefault(
  z
    .strictObject({
      minutes: wholeNumber(0, 180, DEFAULT_DEPLOY_WATCH.minutes),
      checkEveryMinutes: wholeNumber(1, 60, DEFAULT_DEPLOY_WATCH.checkEveryMinutes),
    })
    .check(
      z.superRefine((watch, ctx) => {
        if (watch.minutes > 0 && watch.checkEveryMinutes > watch.minutes) {
          ctx.addIssue({
            code: 'custom',
            path: ['checkEveryMinutes'],
            message: `must be at most minutes (${watch.minutes}): a longer wait would never check`,
          });
        }
      }),
    ),
  {},
);

// Loose at the top level only: later features add their own sections next to these.
export const configSchema = z
  .looseObject({
    region: z.optional(region),
    aws,
    alexa: z.optional(alexa),
    slack: z.optional(slack),
    deployWatch,
    timeZone: z.optional(timeZone),
    defaultPipeline: z.optional(z.string()),
    pipelines: z.array(pipeline).check(z.minLength(1, 'must list at least one pipeline')),
  })
  .check(
    z.superRefine((config, ctx) => {
      // Every name and alias must lead to exactly one pipeline.
      const owner = new Map<string, string>();
      config.pipelines.forEach((p, i) => {
        const claims: [string, (string | number)[]][] = [
          [p.name, ['name']],
          ...p.aliases.map((a, j): [string, (string | number)[]] => [a, ['aliases', j]]),
        ];
        for (const [word, path] of claims) {
          const taken = owner.get(nameKey(word));
          if (taken !== undefined && taken !== p.name) {
            ctx.addIssue({
              code: 'custom',
              path: ['pipelines', i, ...path],
              message: `"${word}" is already used by pipeline ${taken}`,
            });
          }
          owner.set(nameKey(word), taken ?? p.name);
        }
      });
      const names = config.pipelines.map((p) => p.name);
      if (config.defaultPipeline !== undefined && !names.includes(config.defaultPipeline)) {
        ctx.addIssue({
          code: 'custom',
          path: ['defaultPipeline'],
          message: `must be one of the pipeline names (${names.join(', ')})`,
        });
      }
    }),
  );

export type SageBuildConfig = z.output<typeof configSchema>;
export type PipelineConfig = SageBuildConfig['pipelines'][number];
