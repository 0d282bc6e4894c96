// The few sentences only Slack says: how to use the command, and what goes with a button. Everything about
// builds comes from core/wording, the questions before starting or stopping included.

import type { BuildStatusFact, BuildSummary } from '../../core/builds/facts';
import type { HealthFact } from '../../core/health/facts';
import { againQuestion, startQuestion, stopQuestion } from '../../core/wording';

export const PROMPTS = {
  unknownCommand: (name: string) => `I don't know the command "${name}". Here is what I can do:`,
  notUnderstood: "Sorry, I didn't get that. You can ask me things like “is my build done?”, or use:",
  subscribeUsage: (command: string, verb: string) => `Say which pipeline: ${command} ${verb} <pipeline>.`,
  subscribed: (pipeline: string) => `This channel will now hear about every ${pipeline} build.`,
  unsubscribed: (pipeline: string) => `This channel will no longer hear about ${pipeline} builds.`,
  subscribedByConfig: (pipeline: string) =>
    `This channel hears about ${pipeline} builds through SageBuild's configuration, which a Slack command can't change.`,
  confirmStart: (pipeline: string) => `${startQuestion(pipeline)} Only the button starts it.`,
  confirmRunAgain: (from: BuildSummary, settings: Record<string, string>) =>
    `${againQuestion(from, settings)} Only the button starts it.`,
  confirmStop: (fact: BuildStatusFact) => `${stopQuestion(fact)} Only the button stops it.`,
  alreadyHandled: 'That was already done.',
  homeIntro: 'The latest build of each pipeline.',
  helpIntro: 'Here is what I can do:',
  healthChartTitle: (pipeline: string) => `${pipeline} endpoint, last 24 hours`,
  /** What a screen reader says for the chart: the day's totals, as the picture shows them. */
  healthChartAltText: (fact: HealthFact) => {
    const requests = fact.series24h.reduce((sum, p) => sum + p.requests, 0);
    const errors = fact.series24h.reduce((sum, p) => sum + p.errors, 0);
    const latencies = fact.series24h.flatMap((p) => (p.latencyP50Ms === undefined ? [] : [p.latencyP50Ms]));
    const latency = latencies.length
      ? `, median latency from ${Math.round(Math.min(...latencies))} to ${Math.round(Math.max(...latencies))} ms`
      : '';
    return (
      `Chart of the ${fact.pipeline} endpoint over the last 24 hours, hour by hour: ` +
      `${requests.toLocaleString('en-US')} requests, ${errors.toLocaleString('en-US')} failed${latency}.`
    );
  },
  alreadySubscribed: (pipeline: string) => `This channel already hears about every ${pipeline} build.`,
  rejectTitle: 'Reject the deploy',
  rejectSubmit: 'Reject',
  rejectCancel: 'Cancel',
  rejectReasonLabel: 'Why? The build fails with this reason.',
  rejectReasonBad: (max: number) => `Say why in a few words, up to ${max} characters.`,
  rejectFormLate: 'Slack took too long to open the form for a reason. Please click Reject again.',
  notSubscribed: (pipeline: string) =>
    `This channel wasn't subscribed to ${pipeline} builds, so there is nothing to undo.`,
};
