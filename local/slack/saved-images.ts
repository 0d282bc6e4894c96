// The console cannot show a picture, so an image the bot puts in a message or on the Home tab is saved to a
// file (under .sagebuild/charts/ by default) and its path printed where Slack would show it. Only files the
// bot uploaded to the fake Slack are saved; the file name is the upload's, stripped of anything but a plain
// name, so an upload cannot write outside the folder.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SESSION_DIR } from '../session-file';
import type { FakeSlack } from './fake-slack-api';

export const CHARTS_DIR = join(SESSION_DIR, 'charts');

/** Saves an uploaded file by ID; returns the path to print (relative to the working folder when inside it). */
export type SaveImage = (fileId: string) => string | undefined;

export function imageSaver(slack: Pick<FakeSlack, 'file'>, dir: string): SaveImage {
  return (fileId) => {
    const file = slack.file(fileId);
    if (!file?.bytes) return undefined;
    const name = file.filename.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || `${file.id}.png`;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    writeFileSync(path, file.bytes);
    const shown = relative(process.cwd(), path);
    return shown.startsWith('..') ? path : shown;
  };
}
