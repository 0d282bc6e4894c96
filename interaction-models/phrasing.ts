// A compact way to write the many phrasings of one request: "(is|isn't) my [{pipeline}] (build|job) done"
// stands for the eight plain samples it expands to. `(a|b)` picks one alternative (an empty one is allowed),
// `[x]` is optional, and both nest. The expanded samples are what the Alexa model lists, word for word: Alexa's
// model format has no such syntax, and a simulator that matches samples only (virtual-alexa) must see them all.

/** A template error names the template, so a typo in the language source is found when the model is built. */
function badTemplate(template: string, why: string): Error {
  return new Error(`Bad phrasing template "${template}": ${why}.`);
}

/** Longest template accepted: the language source is ours, but every length is bounded before work. */
const MAX_TEMPLATE_LENGTH = 400;
/** One template may not stand for more samples than this (a slip like a missing bracket would explode). */
const MAX_EXPANSIONS = 512;

type Node = string | Node[][];

/** Parses `text` from `at` until `close` (or the end): a sequence of literals and groups. */
function parseSequence(template: string, at: number, close?: string): { nodes: Node[]; end: number } {
  const nodes: Node[] = [];
  let literal = '';
  let i = at;
  const flush = () => {
    if (literal !== '') nodes.push(literal);
    literal = '';
  };
  while (i < template.length) {
    const char = template[i] ?? '';
    if (char === '(' || char === '[') {
      flush();
      const group = parseGroup(template, i + 1, char === '(' ? ')' : ']');
      // "[x]" is "(x|)": the optional part or nothing.
      nodes.push(char === '[' ? [...group.choices, []] : group.choices);
      i = group.end + 1;
    } else if (char === ')' || char === ']' || char === '|') {
      if (close === undefined || (char !== close && char !== '|')) {
        throw badTemplate(template, `unexpected "${char}" at ${i}`);
      }
      flush();
      return { nodes, end: i };
    } else {
      literal += char;
      i += 1;
    }
  }
  if (close !== undefined) throw badTemplate(template, `missing "${close}"`);
  flush();
  return { nodes, end: i };
}

/** Parses the alternatives of a group whose opening bracket is just before `at`. */
function parseGroup(template: string, at: number, close: string): { choices: Node[][]; end: number } {
  const choices: Node[][] = [];
  let i = at;
  for (;;) {
    const part = parseSequence(template, i, close);
    choices.push(part.nodes);
    if (template[part.end] === close) return { choices, end: part.end };
    i = part.end + 1;
  }
}

function expandNodes(nodes: readonly Node[], template: string): string[] {
  let results = [''];
  for (const node of nodes) {
    const options =
      typeof node === 'string' ? [node] : node.flatMap((choice) => expandNodes(choice, template));
    results = results.flatMap((head) => options.map((tail) => head + tail));
    if (results.length > MAX_EXPANSIONS) {
      throw badTemplate(template, `more than ${MAX_EXPANSIONS} phrasings`);
    }
  }
  return results;
}

/** Every sample a template stands for, spaces tidied, in order, without repeats. */
export function expandPhrasing(template: string): string[] {
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw badTemplate(template.slice(0, 40), `longer than ${MAX_TEMPLATE_LENGTH} characters`);
  }
  const { nodes } = parseSequence(template, 0);
  const tidy = expandNodes(nodes, template).map((s) => s.replace(/\s+/g, ' ').trim());
  return [...new Set(tidy.filter((s) => s !== ''))];
}

/** Every sample of a list of templates, without repeats. */
export function expandPhrasings(templates: readonly string[]): string[] {
  return [...new Set(templates.flatMap(expandPhrasing))];
}
