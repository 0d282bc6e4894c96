// Puts an image in Slack the current way (files.upload is retired): files.getUploadURLExternal for an upload
// URL and a file ID, the bytes POSTed to that URL, then files.completeUploadExternal with no channel, so the
// file stays the bot's own and shows only where the bot puts it: an image block's `slack_file: { id }`.
// Each answer uploads its own picture: a file ID remembered across answers could name a file Slack no longer
// has (deleted, another workspace), and an image block naming it would sink the whole message.

import type { ImageBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { fit } from '../cards/mrkdwn';

export interface SlackImage {
  bytes: Buffer;
  /** e.g. "prod-health.png": Slack tells an image by its extension. */
  filename: string;
  /** What a screen reader says instead of the picture (at most 1,000 characters for the upload). */
  altText: string;
  title: string;
}

/** Slack limits: alt_txt of an upload 1,000 characters; an image block's alt_text and title 2,000. */
const MAX_ALT_TEXT = 1000;
const MAX_TITLE = 2000;
/** The upload POST's own time limit: the Web API calls around it have the client's. */
const UPLOAD_TIMEOUT_MS = 5000;

export class ImageUploadFailed extends Error {
  constructor(status: number) {
    super(`Slack's upload URL answered HTTP ${status}`);
    this.name = 'ImageUploadFailed';
  }
}

/** Uploads the image and returns its Slack file ID. */
export async function uploadImage(client: WebClient, image: SlackImage): Promise<string> {
  const ticket = await client.files.getUploadURLExternal({
    filename: image.filename,
    length: image.bytes.length,
    alt_text: fit(image.altText, MAX_ALT_TEXT),
  });
  const { upload_url: url, file_id: id } = ticket;
  if (!url || !id) throw new ImageUploadFailed(0);
  const response = await fetch(url, {
    method: 'POST',
    body: new Uint8Array(image.bytes),
    headers: { 'content-type': 'application/octet-stream' },
    signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
  });
  await response.text();
  if (response.status !== 200) throw new ImageUploadFailed(response.status);
  await client.files.completeUploadExternal({ files: [{ id, title: fit(image.title, MAX_TITLE) }] });
  return id;
}

/** An image block showing an uploaded file. */
export function imageBlock(
  fileId: string,
  image: Pick<SlackImage, 'altText' | 'title'>,
  blockId?: string,
): ImageBlock {
  return {
    type: 'image',
    ...(blockId ? { block_id: blockId } : {}),
    slack_file: { id: fileId },
    alt_text: fit(image.altText, MAX_TITLE),
    title: { type: 'plain_text', text: fit(image.title, MAX_TITLE) },
  };
}
