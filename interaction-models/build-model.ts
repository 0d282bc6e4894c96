// Builds the Alexa interaction model from the language source and the configured pipelines. The same model
// serves every English locale; only the pipeline slot values depend on the deployment.
import type { v1 } from 'ask-smapi-model';
import { nameKey, type SageBuildConfig } from '../core/config/schema';
import {
  BUILT_IN_INTENTS,
  CUSTOM_INTENTS,
  CUSTOM_PHRASINGS,
  INVOCATION_NAME,
  PIPELINE_SLOT,
  PIPELINE_SLOT_SAMPLES,
  REPLY_INTENTS,
  REPLY_PHRASINGS,
  type CustomIntentName,
  type ReplyIntentName,
} from './language';
import { expandPhrasings } from './phrasing';

export type InteractionModelData = v1.skill.interactionModel.InteractionModelData;
type Intent = v1.skill.interactionModel.Intent;
type SlotType = v1.skill.interactionModel.SlotType;
type DialogIntent = v1.skill.interactionModel.DialogIntents;

/** What the model needs of a pipeline: the words people use for it. */
export interface PipelineNames {
  name: string;
  aliases: readonly string[];
}

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** "7" → "seven", "42" → "forty two"; longer runs digit by digit ("2024" → "two zero two four"). */
function numberWords(digits: string): string {
  const n = Number(digits);
  if (digits.length > 2 || (digits.length === 2 && digits.startsWith('0'))) {
    return [...digits].map((d) => ONES[Number(d)]).join(' ');
  }
  if (n < 20) return ONES[n] ?? digits;
  return [TENS[Math.floor(n / 10)], n % 10 === 0 ? '' : ONES[n % 10]].join(' ').trim();
}

/** How a name sounds, as speech recognition writes it: "churn-prod" → "churn prod", "model-2" → "model two". */
export function spokenForm(name: string): string {
  return nameKey(name)
    .replace(/\d+/g, (digits) => ` ${numberWords(digits)} `)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The pipeline slot type: one value per pipeline (id and value are its name), aliases and spoken forms as synonyms. */
function pipelineType(pipelines: readonly PipelineNames[]): SlotType {
  if (pipelines.length === 0) throw new Error('The interaction model needs at least one pipeline.');
  return {
    name: PIPELINE_SLOT.type,
    values: pipelines.map(({ name, aliases }) => {
      const heard = [...aliases, ...[name, ...aliases].flatMap((word) => [nameKey(word), spokenForm(word)])];
      const synonyms = [...new Set(heard)].filter((word) => word !== name);
      return { id: name, name: { value: name, synonyms } };
    }),
  };
}

const pipelineSlot = { name: PIPELINE_SLOT.name, type: PIPELINE_SLOT.type };

/** Every sample of an intent: its phrasing templates, expanded (see phrasing.ts). */
export function customSamples(name: CustomIntentName): string[] {
  return expandPhrasings(CUSTOM_PHRASINGS[name]);
}

function customIntent(name: CustomIntentName): Intent {
  return {
    name,
    slots: [{ ...pipelineSlot, samples: [...PIPELINE_SLOT_SAMPLES] }],
    samples: customSamples(name),
  };
}

/** A reply ("maybe", "thanks"): samples only, no slot, and no part in the dialog model. */
function replyIntent(name: ReplyIntentName): Intent {
  return { name, samples: expandPhrasings(REPLY_PHRASINGS[name]) };
}

// A dialog model with nothing required: it lets the skill use Dialog directives (ElicitSlot for "which
// pipeline?", ConfirmIntent before start and stop) while the skill, not Alexa, decides every turn.
function dialogIntent(name: CustomIntentName): DialogIntent {
  return {
    name,
    confirmationRequired: false,
    prompts: {},
    slots: [{ ...pipelineSlot, elicitationRequired: false, confirmationRequired: false, prompts: {} }],
  };
}

export function buildInteractionModel(pipelines: readonly PipelineNames[]): InteractionModelData {
  return {
    interactionModel: {
      languageModel: {
        invocationName: INVOCATION_NAME,
        intents: [
          ...CUSTOM_INTENTS.map(customIntent),
          ...REPLY_INTENTS.map(replyIntent),
          // Built-ins keep empty samples: Alexa supplies their phrases (and Fallback must have none).
          ...BUILT_IN_INTENTS.map((name): Intent => ({ name, samples: [] })),
        ],
        types: [pipelineType(pipelines)],
      },
      dialog: { delegationStrategy: 'SKILL_RESPONSE', intents: CUSTOM_INTENTS.map(dialogIntent) },
    },
  };
}

/** The model for a SageBuild config's pipelines. */
export function modelFor(config: Pick<SageBuildConfig, 'pipelines'>): InteractionModelData {
  return buildInteractionModel(config.pipelines);
}
