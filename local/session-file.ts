// While `npm start` runs, it leaves a note saying where its local AWS listens and where its config is, so
// `npx sagebuild ...` in another terminal talks to the same local AWS without any setup. When it plays a Slack
// workspace, the note also says where that fake Slack API is, with its local-only tokens, for `npm run doctor`.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fake Slack API of `npm start` and the tokens it and the local bot use (local-only, never real ones). */
export interface LocalSlackApi {
  /** The WebClient's slackApiUrl, e.g. http://127.0.0.1:4321/api/ */
  apiUrl: string;
  botToken: string;
  signingSecret: string;
}

export interface LocalSession {
  endpoint: string;
  configPath: string;
  pid: number;
  /** Only while `npm start` plays a Slack workspace (not when connected to a real one). */
  slack?: LocalSlackApi;
}

export const SESSION_DIR = '.sagebuild';

export function sessionPaths(root: string): { dir: string; session: string; config: string } {
  const dir = join(root, SESSION_DIR);
  return { dir, session: join(dir, 'local-session.json'), config: join(dir, 'local-config.json') };
}

export function writeSession(
  root: string,
  endpoint: string,
  config: unknown,
  slack?: LocalSlackApi,
): LocalSession {
  const paths = sessionPaths(root);
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  const session: LocalSession = {
    endpoint,
    configPath: paths.config,
    pid: process.pid,
    ...(slack ? { slack } : {}),
  };
  writeFileSync(paths.session, `${JSON.stringify(session, null, 2)}\n`);
  return session;
}

/** The running console's session, if there is one and its process is alive. */
export function readSession(root: string): LocalSession | undefined {
  try {
    const session = JSON.parse(readFileSync(sessionPaths(root).session, 'utf8')) as LocalSession;
    process.kill(session.pid, 0);
    return session;
  } catch {
    return undefined;
  }
}

/**
 * Without SAGEBUILD_CONFIG, points `env` at the running `npm start` (its config, its local AWS, dummy keys) and
 * returns its session; with SAGEBUILD_CONFIG, or with no session, changes nothing.
 */
export function useLocalSession(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): LocalSession | undefined {
  if (env.SAGEBUILD_CONFIG) return undefined;
  const session = readSession(root);
  if (!session) return undefined;
  env.SAGEBUILD_CONFIG = session.configPath;
  env.AWS_ENDPOINT_URL ??= session.endpoint;
  env.AWS_ACCESS_KEY_ID ??= 'local';
  env.AWS_SECRET_ACCESS_KEY ??= 'local';
  return session;
}

export function removeSession(root: string): void {
  rmSync(sessionPaths(root).session, { force: true });
}
