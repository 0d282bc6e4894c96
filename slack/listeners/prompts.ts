// The few sentences only Slack says: how to use the command, and the questions on buttons. Everything about
// builds comes from core/wording.

export const PROMPTS = {
  unknownCommand: (name: string) => `I don't know the command "${name}". Here is what I can do:`,
  notUnderstood: "Sorry, I didn't get that. You can ask me things like “is my build done?”, or use:",
  subscribeUsage: (command: string, verb: string) => `Say which pipeline: ${command} ${verb} <pipeline>.`,
  subscribed: (pipeline: string) => `This channel will now hear about every ${pipeline} build.`,
  unsubscribed: (pipeline: string) => `This channel will no longer hear about ${pipeline} builds.`,
  subscribedByConfig: (pipeline: string) =>
    `This channel hears about ${pipeline} builds through SageBuild's configuration, which a Slack command can't change.`,
  confirmStart: (pipeline: string) => `Start a new ${pipeline} build? Only the button starts it.`,
  confirmStop: (pipeline: string, build: string) =>
    `Stop the ${pipeline} build ${build}? Only the button stops it.`,
  alreadyHandled: 'That was already done.',
  homeIntro: 'The latest build of each pipeline.',
};

export const BUTTONS = {
  start: 'Start',
  stop: 'Stop',
  confirmTitle: 'Are you sure?',
  confirmStart: (pipeline: string) => `This starts a new ${pipeline} build.`,
  confirmStop: (build: string) => `This stops ${build}. A stopped build can't be resumed.`,
  yesStart: 'Start it',
  yesStop: 'Stop it',
  no: 'Cancel',
};
