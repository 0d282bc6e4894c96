// Sentences about typed commands that can't run as written: a typo of a command, words left over, a setting
// without a value. Shared by the CLI, the console and Slack's slash command.

/** A typed command that can't run as written (commands/problems.ts finds them). */
export type UnclearCommand =
  /** Words that named nothing; `meant` is the command without them. */
  | { kind: 'extra'; extra: string[]; meant: string }
  /** A setting named without "=value"; `example` is its default value, where the pipeline has one. */
  | { kind: 'needs-value'; key: string; example?: string };

/** "I read `dev` as extra, so I didn't run it. Did you mean `status prod`?" */
export function unclearCommand(problem: UnclearCommand): string {
  if (problem.kind === 'needs-value') {
    const example = `${problem.key}=${problem.example ?? '<value>'}`;
    return `${problem.key} needs a value, like ${example}. Nothing was started.`;
  }
  const words = problem.extra.map((w) => `\`${w}\``).join(' ');
  const what = problem.extra.length === 1 ? 'as extra' : 'as extra words';
  return `I read ${words} ${what}, so I didn't run it. Did you mean \`${problem.meant}\`?`;
}

/** "I don't know the command "stauts". Did you mean `status prod`?" */
export function unknownCommand(name: string, suggestion?: string): string {
  const known = `I don't know the command "${name}".`;
  return suggestion ? `${known} Did you mean \`${suggestion}\`?` : known;
}
