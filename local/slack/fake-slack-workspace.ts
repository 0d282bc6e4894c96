// What the fake Slack Web API remembers and how each method answers. No HTTP here: fake-slack-api.ts puts
// this behind `POST /api/<method>`. Shapes follow Slack's method reference (docs.slack.dev/reference/methods):
// `{ ok: true, ... }` on success, `{ ok: false, error }` on failure, with Slack's own error codes.

import manifest from '../../slack/manifest.json';
import { countChecked } from '../conformance';
import { checkMessagePayload, checkModalPayload, checkViewPayload } from './payload-rules';
import { TriggerIds } from './trigger-ids';
import { FakeFiles, FILE_METHOD_SCOPES } from './fake-slack-files';
import { SlackMethodError, type SlackArgs } from './slack-method-error';
import { LOCAL_BOT, LOCAL_TEAM } from './workspace';

export { SlackMethodError, type SlackArgs };

export interface MessageVersion {
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
  at: Date;
}

/** A channel message as it stands now, with every version it has had (the first is the post). */
export interface FakeMessage {
  channel: string;
  ts: string;
  /** Set on a reply in a thread: the parent's ts. */
  threadTs?: string;
  replyBroadcast: boolean;
  /** Who posted it: the bot user, or a person (userSays). */
  user: string;
  /** Set on the bot's messages. */
  botId?: string;
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  versions: MessageVersion[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  messageTs: string;
  at: Date;
}

/** A payload posted to a response_url, as Bolt's `respond()` sends it. */
export interface FakeResponse {
  id: string;
  responseType: 'ephemeral' | 'in_channel';
  replaceOriginal: boolean;
  deleteOriginal: boolean;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  payload: SlackArgs;
  at: Date;
}

export interface FakeView {
  id: string;
  /** Who sees it: the Home tab's user, or the person whose click's trigger_id opened the modal. */
  userId: string;
  /** A Home tab (views.publish) or a modal (views.open). */
  kind?: 'home' | 'modal';
  view: SlackArgs;
  hash: string;
  at: Date;
}

export interface FakeUser {
  name: string;
  displayName?: string;
  realName?: string;
  isBot?: boolean;
}

/** What the fake posts to `onActivity` listeners, as it happens (the console prints these). */
export type SlackActivity =
  | { kind: 'posted' | 'updated'; message: FakeMessage }
  | { kind: 'deleted'; channel: string; ts: string }
  | { kind: 'ephemeral'; ephemeral: FakeEphemeral }
  | { kind: 'response'; response: FakeResponse }
  | { kind: 'view'; view: FakeView };

export interface WorkspaceOptions {
  /** user ID → user, for users.info. */
  users?: Record<string, FakeUser>;
  /** user group ID (S…) → member user IDs, for usergroups.users.list. */
  userGroups?: Record<string, string[]>;
  /** channel ID → name, for conversations.info. Unknown channels get a name made from their ID. */
  channels?: Record<string, string>;
  /**
   * The bot token's scopes, checked by the methods that need one the app may lack (files.*: files:write),
   * answering missing_scope as Slack does. Default: the bot scopes slack/manifest.json asks for.
   */
  scopes?: readonly string[];
}

/** Where a response_url's original message is, so `replace_original`/`delete_original` can act on it. */
export interface ResponseTarget {
  channel: string;
  messageTs: string;
}

type Method = (args: SlackArgs) => SlackArgs;

/** Methods whose arguments are a message: text, blocks, attachments. */
const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);

const FIRST_TS_SECONDS = 1_700_000_000;

export class FakeWorkspace {
  readonly users: Map<string, FakeUser>;
  readonly userGroups: Map<string, string[]>;
  readonly channelNames: Map<string, string>;
  private readonly byChannel = new Map<string, FakeMessage[]>();
  readonly ephemerals: FakeEphemeral[] = [];
  readonly responses: FakeResponse[] = [];
  readonly views: FakeView[] = [];
  /**
   * What Slack accepts but SageBuild's own rules forbid, one line each: blocks without top-level `text`
   * (notifications and screen readers read the text). Tests expect none.
   */
  readonly lapses: string[] = [];
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private readonly listeners = new Set<(activity: SlackActivity) => void>();
  private tsCounter = 0;
  private viewCounter = 0;
  private readonly overrides = new Map<string, Method>();
  /** trigger_ids exchanged for a modal: each works once, within Slack's 3 seconds. */
  private readonly triggers = new TriggerIds();
  /** Uploaded files (files.getUploadURLExternal, the upload URL, files.completeUploadExternal). */
  readonly files = new FakeFiles();
  private readonly scopes: readonly string[];

  constructor(private readonly options: WorkspaceOptions = {}) {
    this.scopes = options.scopes ?? manifest.oauth_config.scopes.bot;
    this.users = new Map(Object.entries(options.users ?? {}));
    this.userGroups = new Map(Object.entries(options.userGroups ?? {}));
    this.channelNames = new Map(Object.entries(options.channels ?? {}));
  }

  /** Forgets every message, ephemeral, response and view, and restores the configured users and groups. */
  reset(): void {
    this.byChannel.clear();
    this.ephemerals.length = 0;
    this.responses.length = 0;
    this.views.length = 0;
    this.lapses.length = 0;
    this.responseTargets.clear();
    this.overrides.clear();
    this.files.reset();
    this.tsCounter = 0;
    this.viewCounter = 0;
    this.triggers.reset();
    const fresh = new FakeWorkspace(this.options);
    replaceMap(this.users, fresh.users);
    replaceMap(this.userGroups, fresh.userGroups);
    replaceMap(this.channelNames, fresh.channelNames);
  }

  onActivity(listener: (activity: SlackActivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Current messages of one channel (or of all), oldest first; thread replies included. */
  messages(channel?: string): FakeMessage[] {
    if (channel !== undefined) return [...(this.byChannel.get(channel) ?? [])];
    return [...this.byChannel.values()].flat().sort((a, b) => compareTs(a.ts, b.ts));
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.byChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /** Replies in the thread under `threadTs`, oldest first. */
  replies(channel: string, threadTs: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.threadTs === threadTs);
  }

  expectResponse(id: string, target?: ResponseTarget): void {
    if (target) this.responseTargets.set(id, target);
  }

  /** Replaces (or adds) a method's behaviour, e.g. to return a shape a test needs. */
  setMethod(method: string, handler: Method): void {
    this.overrides.set(method, handler);
  }

  call(method: string, args: SlackArgs): SlackArgs {
    const handler = this.overrides.get(method) ?? this.methods[method];
    if (!handler) throw new SlackMethodError('unknown_method');
    const needed = FILE_METHOD_SCOPES[method];
    if (needed && !this.scopes.includes(needed)) {
      throw new SlackMethodError('missing_scope', { needed, provided: this.scopes.join(',') });
    }
    this.check(method, args);
    return handler(args);
  }

  /** Holds what the product sends to Slack's rules before any method acts on it: a refusal changes nothing. */
  private check(method: string, args: SlackArgs): void {
    try {
      if (MESSAGE_METHODS.has(method)) this.noteLapse(method, checkMessagePayload(args, method, this.files));
      if (method === 'views.publish') checkViewPayload(args.view, this.files);
      if (method === 'views.open') checkModalPayload(args.view);
    } catch (error) {
      if (error instanceof SlackMethodError) countChecked('slack: payloads refused');
      throw error;
    }
  }

  noteLapse(where: string, lapse: string | undefined): void {
    if (lapse) this.lapses.push(`${where}: ${lapse}`);
  }

  /** A response_url payload. Acts on the original message when the URL was tied to one. */
  respond(id: string, payload: SlackArgs): FakeResponse {
    if (!flag(payload.delete_original)) {
      try {
        this.noteLapse('response_url', checkMessagePayload(payload, 'response_url', this.files));
      } catch (error) {
        if (error instanceof SlackMethodError) countChecked('slack: payloads refused');
        throw error;
      }
    }
    const response: FakeResponse = {
      id,
      responseType: payload.response_type === 'in_channel' ? 'in_channel' : 'ephemeral',
      replaceOriginal: flag(payload.replace_original),
      deleteOriginal: flag(payload.delete_original),
      text: typeof payload.text === 'string' ? payload.text : '',
      blocks: list(payload.blocks),
      threadTs: optionalString(payload.thread_ts),
      payload,
      at: new Date(),
    };
    this.responses.push(response);
    this.emit({ kind: 'response', response });
    const target = this.responseTargets.get(id);
    if (target && response.deleteOriginal) this.remove(target.channel, target.messageTs);
    else if (target && response.replaceOriginal) {
      this.edit({
        channel: target.channel,
        ts: target.messageTs,
        text: payload.text,
        blocks: payload.blocks,
      });
    }
    return response;
  }

  private readonly methods: Record<string, Method> = {
    'auth.test': () => ({
      url: `https://${LOCAL_TEAM.domain}.slack.com/`,
      team: LOCAL_TEAM.name,
      user: LOCAL_BOT.name,
      team_id: LOCAL_TEAM.id,
      user_id: LOCAL_BOT.userId,
      bot_id: LOCAL_BOT.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const message = this.post(args);
      return { channel: message.channel, ts: message.ts, message: wireMessage(message) };
    },
    'chat.update': (args) => {
      const message = this.edit(args);
      return { channel: message.channel, ts: message.ts, text: message.text, message: wireMessage(message) };
    },
    'chat.delete': (args) => {
      const { channel, ts } = {
        channel: requireString(args.channel, 'channel_not_found'),
        ts: String(args.ts),
      };
      const message = this.message(channel, ts);
      if (!message) throw new SlackMethodError('message_not_found');
      if (message.botId !== LOCAL_BOT.botId) throw new SlackMethodError('cant_delete_message');
      this.remove(channel, ts);
      return { channel, ts };
    },
    'chat.postEphemeral': (args) => {
      const ephemeral: FakeEphemeral = {
        channel: requireString(args.channel, 'channel_not_found'),
        user: requireString(args.user, 'user_not_in_channel'),
        ...content(args),
        threadTs: optionalString(args.thread_ts),
        messageTs: this.nextTs(),
        at: new Date(),
      };
      this.ephemerals.push(ephemeral);
      this.emit({ kind: 'ephemeral', ephemeral });
      return { message_ts: ephemeral.messageTs };
    },
    'chat.getPermalink': (args) => {
      const channel = requireString(args.channel, 'channel_not_found');
      const ts = String(args.message_ts ?? '');
      const message = this.message(channel, ts);
      if (!message) throw new SlackMethodError('message_not_found');
      const thread = message.threadTs ? `?thread_ts=${message.threadTs}&cid=${channel}` : '';
      return {
        channel,
        permalink: `https://${LOCAL_TEAM.domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}${thread}`,
      };
    },
    'views.publish': (args) => {
      const userId = requireString(args.user_id, 'user_not_found');
      const view = args.view;
      if (!view || typeof view !== 'object') throw new SlackMethodError('invalid_arguments');
      const previous = [...this.views].reverse().find((v) => v.userId === userId && v.kind !== 'modal');
      if (args.hash !== undefined && previous && args.hash !== previous.hash) {
        throw new SlackMethodError('hash_conflict');
      }
      this.viewCounter += 1;
      const published: FakeView = {
        id: previous?.id ?? `V0LOCAL${String(this.viewCounter).padStart(4, '0')}`,
        userId,
        kind: 'home',
        view: view as SlackArgs,
        hash: `${FIRST_TS_SECONDS}.${this.viewCounter}`,
        at: new Date(),
      };
      this.views.push(published);
      this.emit({ kind: 'view', view: published });
      return {
        view: { ...published.view, id: published.id, team_id: LOCAL_TEAM.id, hash: published.hash },
      };
    },
    'views.open': (args) => {
      // The trigger is exchanged only for a view Slack takes (checked before any method acts).
      this.triggers.exchange(args.trigger_id);
      this.viewCounter += 1;
      const opened: FakeView = {
        id: `V0MODAL${String(this.viewCounter).padStart(4, '0')}`,
        // A trigger_id does not say whose click it came from here; the modal's payload does, on submit.
        userId: '',
        kind: 'modal',
        view: args.view as SlackArgs,
        hash: `${FIRST_TS_SECONDS}.${this.viewCounter}`,
        at: new Date(),
      };
      this.views.push(opened);
      this.emit({ kind: 'view', view: opened });
      return {
        view: {
          ...opened.view,
          id: opened.id,
          team_id: LOCAL_TEAM.id,
          hash: opened.hash,
          app_id: LOCAL_BOT.appId,
          bot_id: LOCAL_BOT.botId,
          root_view_id: opened.id,
          previous_view_id: null,
          state: { values: {} },
        },
      };
    },
    'files.getUploadURLExternal': (args) => this.files.getUploadUrl(args),
    'files.completeUploadExternal': (args) => this.files.complete(args),
    'usergroups.users.list': (args) => {
      const members = this.userGroups.get(String(args.usergroup ?? ''));
      if (!members) throw new SlackMethodError('no_such_subteam');
      return { users: [...members] };
    },
    'users.info': (args) => {
      const id = String(args.user ?? '');
      const user = this.users.get(id);
      if (!user) throw new SlackMethodError('user_not_found');
      const realName = user.realName ?? user.name;
      const displayName = user.displayName ?? user.name;
      return {
        user: {
          id,
          team_id: LOCAL_TEAM.id,
          name: user.name,
          real_name: realName,
          deleted: false,
          is_bot: user.isBot ?? false,
          profile: {
            display_name: displayName,
            display_name_normalized: displayName,
            real_name: realName,
            real_name_normalized: realName,
          },
        },
      };
    },
    'conversations.info': (args) => {
      const id = requireString(args.channel, 'channel_not_found');
      const name = this.channelNames.get(id) ?? (id.startsWith('C') ? id.toLowerCase() : undefined);
      if (name === undefined) throw new SlackMethodError('channel_not_found');
      return {
        channel: { id, name, is_channel: true, is_private: false, is_archived: false, is_member: true },
      };
    },
  };

  private post(args: SlackArgs): FakeMessage {
    const channel = requireString(args.channel, 'channel_not_found');
    const { text, blocks, attachments } = content(args);
    return this.add({
      channel,
      ts: this.nextTs(),
      threadTs: optionalString(args.thread_ts),
      replyBroadcast: flag(args.reply_broadcast),
      user: LOCAL_BOT.userId,
      botId: LOCAL_BOT.botId,
      text,
      blocks,
      attachments,
      metadata: args.metadata,
      versions: [{ text, blocks, attachments, at: new Date() }],
    });
  }

  /** A person's message in a channel (what a mention or a question in a thread replies to). */
  userSays(channel: string, user: string, text: string, threadTs?: string): FakeMessage {
    return this.add({
      channel,
      ts: this.nextTs(),
      ...(threadTs ? { threadTs } : {}),
      replyBroadcast: false,
      user,
      text,
      blocks: [],
      versions: [{ text, blocks: [], at: new Date() }],
    });
  }

  private add(message: FakeMessage): FakeMessage {
    const messages = this.byChannel.get(message.channel) ?? [];
    messages.push(message);
    this.byChannel.set(message.channel, messages);
    this.emit({ kind: 'posted', message });
    return message;
  }

  /** chat.update: fields left out keep their old value, as in Slack. */
  private edit(args: SlackArgs): FakeMessage {
    const channel = requireString(args.channel, 'channel_not_found');
    const message = this.message(channel, String(args.ts ?? ''));
    if (!message) throw new SlackMethodError('message_not_found');
    // A bot may only edit its own messages.
    if (message.botId !== LOCAL_BOT.botId) throw new SlackMethodError('cant_update_message');
    if (typeof args.text === 'string') message.text = args.text;
    if (args.blocks !== undefined) message.blocks = list(args.blocks);
    if (args.attachments !== undefined) message.attachments = list(args.attachments);
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.versions.push({
      text: message.text,
      blocks: message.blocks,
      attachments: message.attachments,
      at: new Date(),
    });
    this.emit({ kind: 'updated', message });
    return message;
  }

  private remove(channel: string, ts: string): boolean {
    const messages = this.byChannel.get(channel) ?? [];
    const index = messages.findIndex((m) => m.ts === ts);
    if (index < 0) return false;
    messages.splice(index, 1);
    this.emit({ kind: 'deleted', channel, ts });
    return true;
  }

  /** "1700000000.000100", "1700000000.000200", …: unique, increasing, and shaped like Slack's. */
  private nextTs(): string {
    this.tsCounter += 100;
    const seconds = FIRST_TS_SECONDS + Math.floor(this.tsCounter / 1_000_000);
    return `${seconds}.${String(this.tsCounter % 1_000_000).padStart(6, '0')}`;
  }

  private emit(activity: SlackActivity): void {
    for (const listener of this.listeners) listener(activity);
  }
}

function wireMessage(message: FakeMessage): SlackArgs {
  return {
    type: 'message',
    ...(message.botId ? { subtype: 'bot_message' } : {}),
    text: message.text,
    user: message.user,
    ...(message.botId ? { bot_id: message.botId } : {}),
    team: LOCAL_TEAM.id,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    blocks: message.blocks,
    ...(message.attachments ? { attachments: message.attachments } : {}),
  };
}

/** text/blocks/attachments of a post; Slack refuses a message with none of them. */
function content(args: SlackArgs): { text: string; blocks: unknown[]; attachments?: unknown[] } {
  const text = typeof args.text === 'string' ? args.text : '';
  const blocks = list(args.blocks);
  const attachments = args.attachments === undefined ? undefined : list(args.attachments);
  if (!text && blocks.length === 0 && !attachments?.length) throw new SlackMethodError('no_text');
  return { text, blocks, ...(attachments ? { attachments } : {}) };
}

function requireString(value: unknown, error: string): string {
  if (typeof value !== 'string' || value === '') throw new SlackMethodError(error);
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Form bodies carry booleans as "true"/"1". */
export function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function compareTs(a: string, b: string): number {
  return Number(a) - Number(b) || a.localeCompare(b);
}

function replaceMap<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}
