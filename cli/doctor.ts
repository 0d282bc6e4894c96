// `npm run doctor [-- --stack <name>]`: checks a live SageBuild deployment with the operator's AWS credentials
// and prints one line per check. Exit code 0 when every check passed or was skipped, 1 when one failed, 2 when
// the config can't be loaded (or the arguments are wrong). Without SAGEBUILD_CONFIG, while `npm start` runs,
// it checks that local AWS and its local Slack workspace.

import {
  awsChecks,
  checkAlexa,
  checkConfig,
  DEFAULT_STACK,
  startGroups,
  type Check,
  type CheckGroup,
} from '../core/doctor';
import { useLocalSession, type LocalSession } from '../local/session-file';
import { checkSlack, type SlackCheckOptions } from '../slack/doctor-check';

const STACK_ENV = 'SAGEBUILD_STACK';
/** Per group of checks; each AWS call has its own, shorter timeout from the config's aws section. */
const GROUP_TIMEOUT_MS = 20_000;
const LOCAL_ROLES =
  'The local AWS (npm start) has no CloudFormation or IAM. Run the doctor with SAGEBUILD_CONFIG and your AWS ' +
  "credentials to check a deployment's roles.";

const USAGE = `Usage: npm run doctor [-- --stack <name>]

Checks a SageBuild deployment with your AWS credentials, one line each: the config (SAGEBUILD_CONFIG), each
pipeline's state machine and builds, the Lambdas' IAM roles (from the CloudFormation stack "${DEFAULT_STACK}", or
the one --stack or ${STACK_ENV} names), the Slack bot's tokens, and the Alexa skill.
Without SAGEBUILD_CONFIG, while npm start runs, it checks that local AWS.
Exit code: 0 when every check passed or was skipped, 1 when one failed, 2 when the config can't be loaded.`;

const MARKS: Record<Check['status'], string> = { pass: '✓', fail: '✗', skip: '–' };

export function checkLine(check: Check): string {
  const title = check.status === 'skip' ? `${check.title} (skipped)` : check.title;
  return `${MARKS[check.status]} ${title}: ${check.detail}`;
}

interface Args {
  help: boolean;
  stack?: string;
}

/** The arguments, or what is wrong with them. */
function parseArgs(argv: string[]): Args | string {
  const args: Args = { help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--stack' || arg.startsWith('--stack=')) {
      const name = arg === '--stack' ? argv[(i += 1)] : arg.slice('--stack='.length);
      if (!name || name.startsWith('-')) return '--stack needs a stack name.';
      args.stack = name;
    } else return `Unknown argument "${arg}".`;
  }
  return args;
}

/** Locally, the Slack check uses the fake Slack API and the tokens `npm start` recorded, unless tokens are set. */
function slackOptions(session: LocalSession | undefined): SlackCheckOptions {
  const env = process.env;
  if (!session?.slack || env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET) return {};
  return {
    env: {
      ...env,
      SLACK_BOT_TOKEN: session.slack.botToken,
      SLACK_SIGNING_SECRET: session.slack.signingSecret,
    },
    slackApiUrl: session.slack.apiUrl,
    envSource: 'the npm start session (its local Slack workspace)',
  };
}

function summary(checks: Check[]): string {
  const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
  const failed = count('fail');
  const skipped = count('skip') ? ` (${count('skip')} skipped)` : '';
  if (failed) return `${failed} check${failed === 1 ? '' : 's'} failed${skipped}.`;
  return `All required checks passed${skipped}.`;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`${args}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const session = useLocalSession(process.cwd());
  if (session) console.error(`(checking the local AWS at ${session.endpoint}, started by npm start)`);
  const { check: configCheck, config } = checkConfig();
  console.log(checkLine(configCheck));
  if (!config) {
    console.error('Set SAGEBUILD_CONFIG to your config file, or run `npm start` for the local AWS.');
    return 2;
  }
  const aws = awsChecks(config, {
    stackName: args.stack ?? (process.env[STACK_ENV]?.trim() || DEFAULT_STACK),
    otherStackHint: `--stack <name> or ${STACK_ENV}`,
    ...(session ? { noStackBecause: LOCAL_ROLES } : {}),
  });
  const slack = async (signal: AbortSignal) => {
    // A config without slack.tokensSecretId is deployed with the secret the stack made: read that one.
    const fromStack = config.slack && !config.slack.tokensSecretId;
    const secret = fromStack ? await aws.slackSecret(signal) : undefined;
    return checkSlack(config, {
      region: aws.region,
      ...slackOptions(session),
      ...(secret && 'id' in secret ? { tokensSecretId: secret.id } : {}),
      ...(secret && 'unknown' in secret ? { noSecretBecause: secret.unknown } : {}),
    });
  };
  const groups: CheckGroup[] = [
    ...aws.groups,
    { title: 'Slack', run: slack },
    { title: 'Alexa skill', run: async () => [checkAlexa(config)] },
  ];
  const checks = [configCheck];
  try {
    // All groups run at once; their lines print in a fixed order as soon as each one's turn comes.
    for (const lines of startGroups(groups, GROUP_TIMEOUT_MS)) {
      for (const check of await lines) {
        console.log(checkLine(check));
        checks.push(check);
      }
    }
  } finally {
    aws.close();
  }
  console.log(summary(checks));
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

if (require.main === module) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // An HTTP keep-alive socket must not keep the doctor waiting after its last line.
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
