// The real `npm start` console (`tsx local/start.ts`) as a child process for tests: on a free port, with time
// scaled, in a temporary directory, commands typed on piped stdin, everything it prints collected.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanEnv } from './env';
import { waitFor } from './local-stack';

const REPO = resolve(__dirname, '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

export interface ConsoleOptions {
  /** Prefix of the temporary directory it runs in, e.g. "sagebuild-console-". */
  tempPrefix: string;
  /** SAGEBUILD_TIME_SCALE. */
  timeScale: number;
  /** Environment variables to remove from the child's environment. */
  unset?: string[];
  /** How long `waitFor` waits unless told; 30 s if not set. */
  waitMs?: number;
  /** Arguments after `npm start --`, e.g. ["--pipeline", "my-machine.asl.json"]. */
  args?: string[];
  /** Runs in this existing directory (e.g. beside another console) instead of a new one; kill() leaves it. */
  root?: string;
}

export interface RunningConsole {
  /** The temporary directory it runs in (its cwd). */
  root: string;
  child: ChildProcess;
  /** Resolves when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Types lines into the console in one write; returns where their output starts. */
  write(...lines: string[]): number;
  /** Waits until the output after `from` matches (failing early if the console exits); returns the match. */
  waitFor(pattern: RegExp | string, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Closes its stdin. */
  endInput(): void;
  /** Sends `signal` to the console process. */
  stop(signal?: NodeJS.Signals): void;
  /** Kills its whole process group (tsx and the node process under it) if still running; removes a `root` it made. */
  kill(): void;
}

/** Starts the console and waits (30 s) for its banner; if that fails, it is killed and cleaned up. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), options.tempPrefix));
  const env = cleanEnv({ LOCAL_AWS_PORT: '0', SAGEBUILD_TIME_SCALE: String(options.timeScale) });
  for (const name of options.unset ?? []) delete env[name];
  // Its own process group, so kill() can kill tsx and the node process under it, whatever happened.
  const child = spawn(TSX, [join(REPO, 'local', 'start.ts'), ...(options.args ?? [])], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal })),
  );

  const running: RunningConsole = {
    root,
    child,
    exited,
    output: () => output,
    write(...lines) {
      const from = output.length;
      child.stdin.write(lines.map((line) => `${line}\n`).join(''));
      return from;
    },
    waitFor(pattern, from = 0, timeoutMs = options.waitMs ?? 30000) {
      const regex =
        typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
      return waitFor(() => {
        const match = regex.exec(output.slice(from));
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`npm start exited (code ${child.exitCode}, signal ${child.signalCode})`);
        }
        return undefined;
      }, timeoutMs).catch((error: Error) => {
        throw new Error(
          `console output never matched ${regex} (${error.message}); after the command it was:\n${output.slice(from)}`,
        );
      });
    },
    endInput: () => child.stdin.end(),
    stop: (signal = 'SIGINT') => child.kill(signal),
    kill() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      if (!options.root) rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await running.waitFor(/From another terminal: npx sagebuild status prod\n/, 0, 30000);
  } catch (error) {
    running.kill();
    throw error;
  }
  return running;
}
