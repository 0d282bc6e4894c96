// What every listener needs, built once per app by createSlackApp.

import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import type { InteractionModelData } from '../../interaction-models/build-model';
import type { SlackStore } from '../store/store';
import type { OnceGate } from './once';
import type { GroupDirectory } from './requester';

export interface SlackDeps {
  core: SageBuild;
  config: SageBuildConfig;
  store: SlackStore;
  now: () => Date;
  /** The slash command, e.g. "/sagebuild". */
  commandName: string;
  groups: GroupDirectory;
  once: OnceGate;
  /**
   * The receiver answers Slack only once the listeners are done (Lambda): a slash command's answer then goes
   * in its ack rather than to its response_url.
   */
  answerInAck: boolean;
  /** The Alexa interaction model: the language plain-text mentions and DMs are understood with. */
  model: InteractionModelData;
}
