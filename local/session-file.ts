// While `npm start` runs, it leaves a note saying where its local AWS listens and where its config is, so
// `npx sagebuild ...` in another terminal talks to the same local AWS without any setup.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSession {
  endpoint: string;
  configPath: string;
  pid: number;
}

export const SESSION_DIR = '.sagebuild';

export function sessionPaths(root: string): { dir: string; session: string; config: string } {
  const dir = join(root, SESSION_DIR);
  return { dir, session: join(dir, 'local-session.json'), config: join(dir, 'local-config.json') };
}

export function writeSession(root: string, endpoint: string, config: unknown): LocalSession {
  const paths = sessionPaths(root);
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  const session: LocalSession = { endpoint, configPath: paths.config, pid: process.pid };
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

export function removeSession(root: string): void {
  rmSync(sessionPaths(root).session, { force: true });
}
