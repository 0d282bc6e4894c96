// The local console behind `npm start`: reads command lines, hands each to the first handler that takes it,
// and prints answers and build events. Later fronts add handlers ("alexa: ...", "/sagebuild ...").

import { createInterface, type Interface } from 'node:readline';

export interface LineHandler {
  /** Shown in help, e.g. "status [pipeline]". */
  usage: string;
  matches(line: string): boolean;
  run(line: string): Promise<string>;
}

export class LocalConsole {
  private readonly handlers: LineHandler[] = [];
  private rl?: Interface;
  private queue = Promise.resolve();

  constructor(
    private readonly input: NodeJS.ReadableStream & { isTTY?: boolean },
    private readonly output: NodeJS.WritableStream & { isTTY?: boolean },
  ) {}

  use(handler: LineHandler): this {
    this.handlers.push(handler);
    return this;
  }

  /** Prints a line without garbling what the person is typing at the prompt. */
  print(text: string): void {
    const rl = this.rl;
    if (rl && this.output.isTTY) {
      this.output.write('\r\x1b[K');
      this.output.write(`${text}\n`);
      rl.prompt(true);
    } else {
      this.output.write(`${text}\n`);
    }
  }

  /** Starts reading lines. `onClose` runs on Ctrl-C; end of piped input just stops reading. */
  start(onInterrupt: () => void): void {
    const terminal = Boolean(this.input.isTTY && this.output.isTTY);
    const rl = createInterface({ input: this.input, output: this.output, terminal, prompt: 'sagebuild> ' });
    this.rl = rl;
    rl.on('line', (line) => {
      // One line at a time, in order, even when answers take a while.
      this.queue = this.queue.then(() => this.handle(line));
    });
    rl.on('SIGINT', onInterrupt);
    rl.on('close', () => {
      this.rl = undefined;
    });
    if (terminal) rl.prompt();
  }

  stop(): void {
    this.rl?.close();
  }

  async handle(line: string): Promise<void> {
    const text = line.trim();
    if (text) {
      const handler = this.handlers.find((h) => h.matches(text));
      try {
        this.print(handler ? await handler.run(text) : `I don't understand "${text}". Type help.`);
      } catch (error) {
        this.print(`Something went wrong: ${(error as Error).message}`);
      }
    }
    if (this.rl && this.output.isTTY) this.rl.prompt();
  }

  usages(): string[] {
    return this.handlers.map((h) => h.usage);
  }
}
