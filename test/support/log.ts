// A logger whose lines a test reads: the real JSON writer, writing into memory instead of stdout.

import { createLogger, type LogFields, type Logger, type LogLevel } from '../../core/log/logger';

export interface CapturedLog {
  log: Logger;
  /** Everything written, as written. */
  text(): string;
  /** Each line, parsed. */
  lines(): LogFields[];
}

export function captureLog(level: LogLevel = 'INFO'): CapturedLog {
  let text = '';
  const log = createLogger({ level, sink: { write: (chunk: string) => (text += chunk) } });
  return {
    log,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as LogFields),
  };
}
