// Sentences about typed commands that can't run as written: a typo of a command, words left over, a setting
// without a value. Shared by the CLI, the console and Slack's slash command.

/** What `unclear` commands carry (commands/problems.ts has the same shape; wording needs no import of it). */
export type UnclearCommand =
  { kind: 'extra'; extra: string[]; meant: string } | { kind: 'needs-value'; key: string; example?: string };

/** "I read `dev` as extra, so I didn't run it. Did you mean `status prod`?" */
export function unclearCommand(problem: UnclearCommand): string {
  if (problem.kind === 'needs-value') {
    const example = `${problem.key}=${problem.example ?? '6'}`;
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
