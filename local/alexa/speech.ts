// What a person hears from an output speech: SSML tags dropped (a pause becomes a space), XML entities read
// as the characters they stand for.

import type { ui } from 'ask-sdk-model';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

export function spokenText(speech: ui.OutputSpeech | undefined): string {
  if (!speech) return '';
  return speech.type === 'PlainText' ? oneLine(speech.text) : ssmlToText(speech.ssml);
}

/** Also for a progressive response's speech, which is SSML or plain text. */
export function ssmlToText(ssml: string): string {
  // Tags first: an escaped "&lt;" is text, and must not be taken for a tag.
  return oneLine(unescapeXml(ssml.replace(/<break\b[^>]*>/gi, ' ').replace(/<[^>]*>/g, '')));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** One pass, so "&amp;lt;" reads as "&lt;" (as written), not "<". */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}
