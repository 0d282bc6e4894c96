// What a start (and the doctor) says when a machine takes a SageMaker name that must be new each build from
// a value that is the same every build: one sentence, naming the fields and what to change.

import type { StartResult } from '../builds/facts';
import type { FixedNameFinding } from '../machine/fixed-names';
import { spokenList } from './sentences';

const MAX_NAMED = 3;
const MAX_EXAMPLE_VALUE = 30;

/** " Heads-up: …" for each warning of a start, or "" when there is none. */
export function startWarnings(result: StartResult): string {
  return (result.warnings ?? [])
    .map((warning) => ` Heads-up: ${fixedNamesProblem(result.pipeline, warning.findings)}`)
    .join('');
}

/** "every prod build after the first will fail, because …", or "" without findings. */
export function fixedNamesProblem(pipeline: string, findings: readonly FixedNameFinding[]): string {
  if (findings.length === 0) return '';
  const fromInput = findings.filter((f) => f.why === 'input');
  const inMachine = findings.filter((f) => f.why !== 'input');
  const clauses: string[] = [];
  if (fromInput.length > 0) {
    const one = fromInput.length === 1;
    const paths = named(fromInput.map((f) => (f.why === 'input' ? f.inputPath : '')));
    clauses.push(
      `${fieldsIn(fromInput)} ${one ? 'comes from an input value' : 'come from input values'} with no {build} ` +
        `(${paths}): put {build} in ${one ? 'it' : 'them'}, like "${example(pipeline, fromInput[0])}"`,
    );
  }
  if (inMachine.length > 0) {
    const one = inMachine.length === 1;
    clauses.push(
      `${fieldsIn(inMachine)} ${one ? 'is' : 'are'} fixed in the state machine: name ${one ? 'it' : 'them'} ` +
        'from $$.Execution.Name there',
    );
  }
  return (
    `every ${pipeline} build after the first will fail, because SageMaker needs new names each build but ` +
    `${clauses.join('; and ')}.`
  );
}

/** "TrainingJobName in Training, ModelName in Create Model and 2 more". */
function fieldsIn(findings: readonly FixedNameFinding[]): string {
  return named(findings.map((f) => `${f.field} in ${f.state}`));
}

function named(items: string[]): string {
  if (items.length <= MAX_NAMED) return spokenList(items);
  return spokenList([...items.slice(0, MAX_NAMED), `${items.length - MAX_NAMED} more`]);
}

function example(pipeline: string, finding: FixedNameFinding | undefined): string {
  const value = finding?.why === 'input' ? finding.value : undefined;
  const usable = typeof value === 'string' && value !== '' && value.length <= MAX_EXAMPLE_VALUE;
  return `${usable ? value : pipeline}-{build}`;
}
