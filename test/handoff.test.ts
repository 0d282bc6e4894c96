// What `npm run deploy` hands over: the Slack manifest with the function URL in every request URL, and an ASK CLI
// project that deploys only the skill package, to the configured skill, with the stack's Lambda as endpoint and
// voice models that know this deployment's pipelines.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../core/config/load';
import { writeHandoff } from '../infra/handoff';

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const FUNCTION_URL = 'https://abc123def456.lambda-url.eu-west-1.on.aws/';
const SKILL_ARN = 'arn:aws:lambda:eu-west-1:210987654321:function:SageBuild-Skill';

const config = parseConfig(
  {
    alexa: { skillId: 'amzn1.ask.skill.handoff-test' },
    slack: { commandName: '/churnbot' },
    pipelines: [
      {
        name: 'churn',
        aliases: ['customer churn'],
        stateMachineArn: 'arn:aws:states:eu-west-1:210987654321:stateMachine:churn-deploy',
      },
    ],
  },
  'handoff test',
);

describe('deploy handoff', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sagebuild-handoff-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the Slack manifest sends the command, events and button clicks to the function URL', () => {
    const handoff = writeHandoff({ SlackBotFunctionUrl: FUNCTION_URL }, config, dir);
    const text = readFileSync(handoff.slackManifest ?? '', 'utf8');
    expect(text).not.toContain('REPLACE-WITH');
    const manifest = readJson(handoff.slackManifest ?? '') as {
      features: { slash_commands: { command: string; url: string }[] };
      settings: { event_subscriptions: { request_url: string }; interactivity: { request_url: string } };
    };
    const url = `${FUNCTION_URL}slack/events`;
    expect(manifest.features.slash_commands.map((c) => [c.command, c.url])).toEqual([['/churnbot', url]]);
    expect(manifest.settings.event_subscriptions.request_url).toBe(url);
    expect(manifest.settings.interactivity.request_url).toBe(url);
    expect(handoff.askProject).toBeUndefined();
  });

  test('the ASK project deploys the skill package to the configured skill, ending at the stack Lambda', () => {
    const handoff = writeHandoff(
      { SkillFunctionArn: SKILL_ARN, SlackBotFunctionUrl: FUNCTION_URL },
      config,
      dir,
    );
    const project = handoff.askProject ?? '';
    expect(readJson(join(project, 'ask-resources.json'))).toEqual({
      askcliResourcesVersion: '2020-03-31',
      profiles: { default: { skillMetadata: { src: './skill-package' } } },
    });
    expect(readJson(join(project, '.ask', 'ask-states.json'))).toEqual({
      askcliStatesVersion: '2020-03-31',
      profiles: { default: { skillId: 'amzn1.ask.skill.handoff-test' } },
    });
    const skill = readJson(join(project, 'skill-package', 'skill.json')) as {
      manifest: { apis: { custom: { endpoint: { uri: string } } } };
    };
    expect(skill.manifest.apis.custom.endpoint).toEqual({ uri: SKILL_ARN });
    const model = readFileSync(
      join(project, 'skill-package', 'interactionModels', 'custom', 'en-US.json'),
      'utf8',
    );
    expect(model).toContain('"churn"');
    expect(model).toContain('customer churn');
    expect(model).not.toContain('"prod"');
    // The repository's own package is untouched: the endpoint belongs to this deployment only.
    expect(readFileSync(join(__dirname, '..', 'skill-package', 'skill.json'), 'utf8')).not.toContain(
      SKILL_ARN,
    );
    expect(existsSync(handoff.slackManifest ?? '')).toBe(true);
  });

  test('a stack without the skill gets no ASK project', () => {
    const noAlexa = { ...config, alexa: undefined };
    expect(writeHandoff({ SlackBotFunctionUrl: FUNCTION_URL }, noAlexa, dir).askProject).toBeUndefined();
  });
});
