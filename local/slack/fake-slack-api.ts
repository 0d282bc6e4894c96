// A local Slack Web API for tests, the bench and the console. It speaks HTTP the way @slack/web-api's WebClient
// calls Slack: `POST /api/<method>` with a form-encoded (or JSON) body and `Authorization: Bearer xoxb-…`,
// answered with `{ ok, ... }` JSON, 429 + Retry-After when rate limited. Point a WebClient at it with
// `slackApiUrl: \`${fake.url}/api/\``. `POST /response/<id>` stands in for response_urls (Bolt's `respond()`).
// Everything is recorded, so tests assert on what the bot posted, not on how it called the SDK.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../http-body';
import { MAX_FAKE_UPLOAD_BYTES, type FakeFile } from './fake-slack-files';
import {
  FakeWorkspace,
  SlackMethodError,
  type FakeEphemeral,
  type FakeMessage,
  type FakeResponse,
  type FakeView,
  type ResponseTarget,
  type SlackActivity,
  type SlackArgs,
  type WorkspaceOptions,
} from './fake-slack-workspace';

export type { FakeFile } from './fake-slack-files';
export type {
  FakeEphemeral,
  FakeMessage,
  FakeResponse,
  FakeUser,
  FakeView,
  MessageVersion,
  ResponseTarget,
  SlackActivity,
  SlackArgs,
} from './fake-slack-workspace';

export interface SlackCall {
  method: string;
  /** The arguments, JSON fields (blocks, view, …) decoded; the token is not kept here. */
  args: SlackArgs;
  /** The bearer token (or `token` argument) it came with. */
  token?: string;
  at: Date;
  /** "ok", the error code it got (e.g. "message_not_found"), or "ratelimited" for a 429. */
  outcome: string;
}

export interface RefusedResponse {
  id: string;
  /** Slack's error code, e.g. invalid_blocks. */
  error: string;
  payload: SlackArgs;
}

export interface FakeSlackOptions extends WorkspaceOptions {
  /** When set, only this token is accepted (invalid_auth otherwise); by default any xox… token is. */
  token?: string;
}

export interface RateLimitOptions {
  /** Only calls to this method are limited; all methods when left out. */
  method?: string;
  /** How many calls get a 429 before calls go through again. */
  count: number;
  retryAfterSeconds: number;
}

export interface ThrottleOptions {
  /** Only calls to this method count and are limited; all methods when left out. */
  method?: string;
  /** Calls allowed in any one-second window; the rest get HTTP 429. */
  perSecond: number;
  retryAfterSeconds: number;
}

export interface FakeSlack {
  /** http://127.0.0.1:<port>; the WebClient's slackApiUrl is `${url}/api/`. */
  url: string;
  apiUrl: string;
  /** Every Web API call, oldest first, including refused and rate-limited ones. */
  calls: SlackCall[];
  /** Calls to one method, oldest first. */
  callsTo(method: string): SlackCall[];
  /** Current messages of a channel (all channels when left out), each with its versions. */
  messages(channel?: string): FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Replies in a thread, oldest first. */
  replies(channel: string, threadTs: string): FakeMessage[];
  /** A person's message in a channel, as if typed in Slack: what a mention event points at (its ts). */
  postAs(channel: string, user: string, text: string, threadTs?: string): FakeMessage;
  /** The channel's name (conversations.info's), if the workspace knows one. */
  channelName(id: string): string | undefined;
  ephemerals: FakeEphemeral[];
  /** Payloads posted to response URLs, oldest first. */
  responses: FakeResponse[];
  /** Every views.publish (Home tabs) and views.open (modals), oldest first. */
  views: FakeView[];
  /** An uploaded file by ID (its bytes once POSTed to its upload URL), finished or not. */
  file(id: string): FakeFile | undefined;
  /** Files whose upload was finished with files.completeUploadExternal, oldest first. */
  uploadedFiles(): FakeFile[];
  /** response_url posts refused (HTTP 400), oldest first. */
  refusedResponses: RefusedResponse[];
  /**
   * What Slack would accept but SageBuild's rules forbid, e.g. "chat.postMessage: blocks without top-level
   * text". Tests expect none.
   */
  lapses: string[];
  /**
   * A response_url on this server for a slash command or action payload. Tie it to the message the action
   * came from (`target`) so replace_original/delete_original change that message.
   */
  responseUrl(id?: string, target?: ResponseTarget): string;
  /** The next `count` calls (to `method`, or to any) get HTTP 429 with Retry-After. */
  rateLimit(options: RateLimitOptions): void;
  /** From now on, like Slack's own limits: calls beyond `perSecond` in a second get 429. `undefined` lifts it. */
  throttle(options: ThrottleOptions | undefined): void;
  /** The next `count` calls to `method` answer `{ ok: false, error }`. */
  fail(method: string, error: string, count?: number): void;
  /** Replaces or adds a method: the handler returns the fields next to `ok: true`, or throws. */
  setMethod(method: string, handler: (args: SlackArgs) => SlackArgs): void;
  setUser(id: string, user: { name: string; displayName?: string; realName?: string }): void;
  setUserGroup(id: string, members: string[]): void;
  /** Listens to posts, updates, ephemerals, responses and views as they happen. Returns an unsubscribe. */
  onActivity(listener: (activity: SlackActivity) => void): () => void;
  /** Forgets calls, messages and faults; configured users and groups come back. */
  reset(): void;
  close(): Promise<void>;
}

/** Thrown as `new SlackError(code)` from a setMethod handler to answer `{ ok: false, error: code }`. */
export { SlackMethodError as SlackError };

interface Fault {
  method?: string;
  remaining: number;
  answer: (res: ServerResponse) => string;
}

const MAX_BODY_BYTES = 1024 * 1024;
/** Arguments WebClient sends JSON-encoded inside a form body. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files']);

export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const workspace = new FakeWorkspace(options);
  const calls: SlackCall[] = [];
  const refusedResponses: RefusedResponse[] = [];
  let faults: Fault[] = [];
  let throttle: (ThrottleOptions & { recent: number[] }) | undefined;
  let responseCounter = 0;

  /** A 429 when the throttle says so, else the first fault queued for this method (used up by this call). */
  function takeFault(method: string): Fault | undefined {
    if (throttle && (throttle.method === undefined || throttle.method === method)) {
      const now = Date.now();
      throttle.recent = throttle.recent.filter((at) => now - at < 1000);
      if (throttle.recent.length >= throttle.perSecond) return rateLimited(throttle.retryAfterSeconds);
      throttle.recent.push(now);
    }
    const fault = faults.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method));
    if (fault) fault.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return fault;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const { args, bodyToken } = parseArgs(await readText(req), req.headers['content-type']);
    const token = bearer(req.headers.authorization) ?? bodyToken;
    const call: SlackCall = { method, args, token, at: new Date(), outcome: 'ok' };
    calls.push(call);
    const fault = takeFault(method);
    if (fault) {
      call.outcome = fault.answer(res);
      return;
    }
    try {
      checkToken(token, options.token);
      sendJson(res, 200, { ok: true, ...workspace.call(method, args) });
    } catch (error) {
      if (!(error instanceof SlackMethodError)) throw error;
      call.outcome = error.error;
      sendJson(res, 200, { ok: false, error: error.error, ...error.details });
    }
  }

  /** A response_url answers like an incoming webhook: HTTP 400 and the error code when it refuses a payload. */
  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const payload = parseArgs(await readText(req), req.headers['content-type']).args;
    try {
      workspace.respond(id, payload);
    } catch (error) {
      if (!(error instanceof SlackMethodError)) throw error;
      refusedResponses.push({ id, error: error.error, payload });
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(error.error);
      return;
    }
    sendJson(res, 200, { ok: true });
  }

  /** An upload URL from files.getUploadURLExternal: the file's bytes, raw or as multipart form data. */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    const body = await readBody(req, MAX_FAKE_UPLOAD_BYTES + 64 * 1024, () => new Error('upload too large'));
    const bytes = await fileBytes(body, req.headers['content-type']);
    const answer = workspace.files.receive(key, bytes);
    workspace.noteLapse('upload', answer.lapse);
    res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(answer.body);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const api = /^\/api\/([\w.]+)$/.exec(path)?.[1];
    const response = /^\/response\/([\w.-]+)$/.exec(path)?.[1];
    const upload = /^\/upload\/v1\/([\w-]+)$/.exec(path)?.[1];
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
    if (api) return handleApi(req, res, api);
    if (response) return handleResponseUrl(req, res, response);
    if (upload) return handleUpload(req, res, upload);
    sendJson(res, 404, { ok: false, error: 'unknown_method' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fatal_error', detail: String(error) });
    });
  });
  await new Promise<void>((resolve, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  workspace.files.uploadBase = url;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages: (channel) => workspace.messages(channel),
    message: (channel, ts) => workspace.message(channel, ts),
    replies: (channel, threadTs) => workspace.replies(channel, threadTs),
    postAs: (channel, user, text, threadTs) => workspace.userSays(channel, user, text, threadTs),
    channelName: (id) => workspace.channelNames.get(id),
    ephemerals: workspace.ephemerals,
    responses: workspace.responses,
    views: workspace.views,
    file: (id) => workspace.files.get(id),
    uploadedFiles: () => workspace.files.completed(),
    refusedResponses,
    lapses: workspace.lapses,
    responseUrl(id, target) {
      const key = id ?? `R${String((responseCounter += 1)).padStart(6, '0')}`;
      workspace.expectResponse(key, target);
      return `${url}/response/${key}`;
    },
    rateLimit({ method, count, retryAfterSeconds }) {
      faults.push({ ...rateLimited(retryAfterSeconds), method, remaining: count });
    },
    throttle(options) {
      throttle = options && { ...options, recent: [] };
    },
    fail(method, error, count = 1) {
      faults.push({
        method,
        remaining: count,
        answer: (res) => {
          sendJson(res, 200, { ok: false, error });
          return error;
        },
      });
    },
    setMethod: (method, handler) => workspace.setMethod(method, handler),
    setUser: (id, user) => void workspace.users.set(id, user),
    setUserGroup: (id, members) => void workspace.userGroups.set(id, [...members]),
    onActivity: (listener) => workspace.onActivity(listener),
    reset() {
      calls.length = 0;
      refusedResponses.length = 0;
      faults = [];
      throttle = undefined;
      workspace.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Slack's answer when rate limited: HTTP 429 with Retry-After (seconds). */
function rateLimited(retryAfterSeconds: number): Fault {
  return {
    remaining: 1,
    answer: (res) => {
      sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterSeconds) });
      return 'ratelimited';
    },
  };
}

function checkToken(token: string | undefined, expected: string | undefined): void {
  if (!token) throw new SlackMethodError('not_authed');
  if (expected !== undefined ? token !== expected : !token.startsWith('xox')) {
    throw new SlackMethodError('invalid_auth');
  }
}

function bearer(header: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(header ?? '')?.[1];
}

/** A form body (what WebClient sends) or a JSON body (what respond() and some clients send). */
function parseArgs(body: string, contentType: string | undefined): { args: SlackArgs; bodyToken?: string } {
  let args: SlackArgs;
  if ((contentType ?? '').includes('application/json')) {
    const parsed = body ? (JSON.parse(body) as unknown) : {};
    args = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...(parsed as SlackArgs) } : {};
  } else {
    args = {};
    for (const [key, value] of new URLSearchParams(body))
      args[key] = JSON_ARGS.has(key) ? decodeJson(value) : value;
  }
  const bodyToken = typeof args.token === 'string' ? args.token : undefined;
  delete args.token;
  return { args, bodyToken };
}

/** An upload's bytes: the body itself, or the file part of a multipart form (what WebClient sends). */
async function fileBytes(body: Buffer, contentType: string | undefined): Promise<Buffer> {
  if (!(contentType ?? '').startsWith('multipart/form-data')) return body;
  const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

function decodeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

async function readText(req: IncomingMessage): Promise<string> {
  const body = await readBody(req, MAX_BODY_BYTES, () => new Error('body too large'));
  return body.toString('utf8');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}
