// The app manifests create the Slack app, so they must match what the code does: the command it answers,
// the events it listens to, interactivity for its buttons, and the scopes of the Web API methods it calls
// (no fewer, and none it has no use for).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { parseConfig } from '../core/config/load';
import { SageBuild } from '../core/sagebuild';
import { createSlackApp } from '../slack/app';
import { CARD_ACTIONS } from '../slack/cards/actions';
import type { SlackReceiver } from '../slack/receivers/receiver';
import { MemoryStore } from '../slack/store/memory-store';

const SLACK_DIR = resolve(__dirname, '..', 'slack');

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    bot_user: { display_name: string };
    slash_commands: { command: string; url?: string; should_escape: boolean }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

function manifest(file: string): Manifest {
  return JSON.parse(readFileSync(join(SLACK_DIR, file), 'utf8')) as Manifest;
}

/** The bot scope each Web API method needs (docs.slack.dev/reference/methods); null: none. */
const METHOD_SCOPES: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.delete': 'chat:write',
  'chat.getPermalink': null,
  'auth.test': null,
  'views.publish': null,
  'usergroups.users.list': 'usergroups:read',
  'users.info': 'users:read',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

/** The bot scope each event subscription needs; null: none. */
const EVENT_SCOPES: Record<string, string | null> = {
  app_mention: 'app_mentions:read',
  'message.im': 'im:history',
  app_home_opened: null,
};

/**
 * Scopes no single call needs but the bot uses: slash commands, and posting to channels that subscribed
 * with /sagebuild subscribe without inviting the bot (the notifier's chat.postMessage).
 */
const OTHER_SCOPES = ['commands', 'chat:write.public'];

/** Every `.ts` file under slack/. */
function sources(dir = SLACK_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Whether `path` ("chat.postMessage") is a Web API method of Slack's WebClient. */
const WEB_CLIENT = new WebClient('xoxb-manifest-test');
function isWebApiMethod(path: string[]): boolean {
  let at: unknown = WEB_CLIENT;
  for (const part of path) {
    if (at === null || (typeof at !== 'object' && typeof at !== 'function')) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return path.length >= 2 && typeof at === 'function';
}

/**
 * Web API methods the code calls, whatever the client is called (`client.chat.postMessage(`,
 * `this.deps.web.chat.update(`, `click.client.usergroups.users.list(`): every dotted call is read, and the
 * longest tail of it that is a WebClient method counts (`cached.users.has(` is none). `apiCall('…')` too.
 */
function calledMethods(): Set<string> {
  const methods = new Set<string>();
  for (const file of sources()) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/([A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)+)\s*\(/g)) {
      const parts = (match[1] ?? '').split(/\s*\??\.\s*/);
      const tail = parts.map((_, i) => parts.slice(i)).find(isWebApiMethod);
      if (tail) methods.add(tail.join('.'));
    }
    for (const match of code.matchAll(/\bapiCall\(\s*['"`]([\w.]+)['"`]/g))
      if (match[1]) methods.add(match[1]);
  }
  return methods;
}

interface Registered {
  commands: string[];
  events: string[];
  messages: number;
  actions: string[];
}

/** What createSlackApp registers, recorded from Bolt's own registration methods. */
function registeredListeners(): Registered {
  const seen: Registered = { commands: [], events: [], messages: 0, actions: [] };
  const spies = [
    jest.spyOn(App.prototype, 'command').mockImplementation(function (this: App, name: unknown) {
      seen.commands.push(String(name));
    }),
    jest.spyOn(App.prototype, 'event').mockImplementation(function (this: App, name: unknown) {
      seen.events.push(String(name));
    }),
    jest.spyOn(App.prototype, 'message').mockImplementation(function (this: App) {
      seen.messages += 1;
    }),
    jest.spyOn(App.prototype, 'action').mockImplementation(function (this: App, id: unknown) {
      seen.actions.push(String(id));
    }),
  ];
  const config = parseConfig(
    {
      pipelines: [
        {
          name: 'prod',
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-prod',
        },
      ],
    },
    'the manifest test',
  );
  const core = new SageBuild(config);
  const idle = { init: () => undefined, start: async () => undefined, stop: async () => undefined };
  const receiver: SlackReceiver = { bolt: idle, start: async () => undefined, stop: async () => undefined };
  try {
    createSlackApp({ core, config, store: new MemoryStore(), receiver, botToken: 'xoxb-manifest-test' });
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    core.close();
  }
  return seen;
}

const listeners = registeredListeners();

describe.each(['manifest.json', 'manifest.socket.json'])('%s matches the listeners', (file) => {
  const m = manifest(file);

  test('the slash command is the default command name, unescaped as the parser expects', () => {
    expect(listeners.commands).toEqual(['/sagebuild']);
    expect(m.features.slash_commands.map((c) => c.command)).toEqual(listeners.commands);
    expect(m.features.slash_commands.every((c) => c.should_escape === false)).toBe(true);
  });

  test('the events subscribed are exactly the events listened to', () => {
    // app.message listens to messages; the listener answers DMs only, so the subscription is message.im.
    const listened = [...listeners.events, ...(listeners.messages > 0 ? ['message.im'] : [])].sort();
    expect([...m.settings.event_subscriptions.bot_events].sort()).toEqual(listened);
    expect(m.features.app_home.home_tab_enabled).toBe(listened.includes('app_home_opened'));
    expect(m.features.app_home.messages_tab_enabled).toBe(listened.includes('message.im'));
  });

  test('interactivity is on, for the card buttons', () => {
    expect(listeners.actions).toEqual(expect.arrayContaining(Object.values(CARD_ACTIONS)));
    expect(m.settings.interactivity.is_enabled).toBe(true);
  });

  test('the scopes cover every Web API method called and every event, and nothing more', () => {
    const methods = calledMethods();
    expect([...methods].sort()).toEqual(
      expect.arrayContaining([
        'chat.postMessage',
        'chat.postEphemeral',
        'chat.update',
        'usergroups.users.list',
        'views.publish',
      ]),
    );
    for (const method of methods) {
      expect({ method, known: method in METHOD_SCOPES }).toEqual({ method, known: true });
    }
    const needed = new Set<string>(OTHER_SCOPES);
    for (const method of methods) if (METHOD_SCOPES[method]) needed.add(METHOD_SCOPES[method] as string);
    for (const event of m.settings.event_subscriptions.bot_events) {
      if (EVENT_SCOPES[event]) needed.add(EVENT_SCOPES[event] as string);
    }
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});

describe('HTTP and Socket Mode manifests', () => {
  const http = manifest('manifest.json');
  const socket = manifest('manifest.socket.json');

  test('HTTP: one request URL placeholder for commands, interactivity and events; no Socket Mode', () => {
    const urls = [
      ...http.features.slash_commands.map((c) => c.url),
      http.settings.interactivity.request_url,
      http.settings.event_subscriptions.request_url,
    ];
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toMatch(/^https:\/\/.+\/slack\/events$/);
    expect(http.settings.socket_mode_enabled).toBe(false);
  });

  test('Socket Mode: enabled, no URLs, otherwise the same app', () => {
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket)).not.toContain('https://');
    expect(socket.oauth_config).toEqual(http.oauth_config);
    expect(socket.settings.event_subscriptions.bot_events).toEqual(
      http.settings.event_subscriptions.bot_events,
    );
    expect(socket.features.slash_commands.map((c) => c.command)).toEqual(
      http.features.slash_commands.map((c) => c.command),
    );
  });
});
