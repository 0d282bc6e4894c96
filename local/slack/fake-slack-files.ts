// File uploads in the fake Slack, the way Slack takes them since files.upload was retired:
// files.getUploadURLExternal (filename and length) gives an upload URL and a file ID; the bytes are POSTed to
// that URL (raw, or as multipart form data, as Slack accepts both); files.completeUploadExternal (files:
// [{id, title?}], optionally channel_id) finishes it, once. Until then the file is nobody's: an image block's
// `slack_file` may only name a finished image the bot uploaded. Arguments, errors and limits from Slack's
// method reference (docs.slack.dev/reference/methods/files.getUploadURLExternal, …completeUploadExternal):
// `invalid_arguments` for a missing required argument, `missing_argument` for a length of 0,
// `alt_txt_too_large` past 1,000 characters, `file_not_found` for an ID without a finished upload,
// `invalid_arguments` for a channel_id that is no conversation ID (^[CGDZ][A-Z0-9]{8,}$, as Slack answers).

import { SlackMethodError, type SlackArgs } from './slack-method-error';

/** What Slack accepts in an image block's slack_file: png, jpg, jpeg and gif files. */
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
};
const MAX_ALT_TXT = 1000;
const MAX_FILENAME = 255;
/** Slack's own upload limit is 1 GB; the fake keeps bytes in memory, so it takes what a chart needs. */
export const MAX_FAKE_UPLOAD_BYTES = 5 * 1024 * 1024;
const CONVERSATION_ID = /^[CGDZ][A-Z0-9]{8,}$/;

export interface FakeFile {
  id: string;
  filename: string;
  /** The length announced to files.getUploadURLExternal. */
  length: number;
  altText?: string;
  title?: string;
  /** The bytes POSTed to the upload URL, once they came. */
  bytes?: Buffer;
  /** Set by files.completeUploadExternal: from then on the file exists in Slack. */
  completedAt?: Date;
  /** The channel it was shared to at completion, if any (else it is private to the bot). */
  channel?: string;
}

/** The scopes the file methods need (docs.slack.dev: files:write for both). */
export const FILE_METHOD_SCOPES: Record<string, string> = {
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

export class FakeFiles {
  private readonly byId = new Map<string, FakeFile>();
  private readonly byUploadKey = new Map<string, FakeFile>();
  private counter = 0;
  /** Where upload URLs point: the fake's own http://127.0.0.1:<port>, set once it listens. */
  uploadBase = '';

  reset(): void {
    this.byId.clear();
    this.byUploadKey.clear();
    this.counter = 0;
  }

  get(id: string): FakeFile | undefined {
    return this.byId.get(id);
  }

  /** Every file whose upload was finished, oldest first. */
  completed(): FakeFile[] {
    return [...this.byId.values()].filter((f) => f.completedAt);
  }

  /** Whether an image block may show this file: a finished upload of a png, jpg or gif. */
  isUsableImage(id: string): boolean {
    const file = this.byId.get(id);
    return file?.completedAt !== undefined && imageType(file.filename) !== undefined;
  }

  getUploadUrl(args: SlackArgs): SlackArgs {
    const filename = args.filename;
    if (typeof filename !== 'string' || filename === '' || args.length === undefined || args.length === '') {
      throw missingField(typeof filename !== 'string' || filename === '' ? 'filename' : 'length');
    }
    if (filename.length > MAX_FILENAME) throw new SlackMethodError('invalid_arguments');
    const length = Number(args.length);
    if (!Number.isInteger(length) || length < 0) throw new SlackMethodError('invalid_arguments');
    if (length === 0) throw new SlackMethodError('missing_argument');
    if (length > MAX_FAKE_UPLOAD_BYTES) throw new SlackMethodError('file_upload_size_restricted');
    // Slack documents alt_txt; @slack/web-api's filesUploadV2 sends alt_text.
    const altText = args.alt_txt ?? args.alt_text;
    if (altText !== undefined && (typeof altText !== 'string' || altText.length > MAX_ALT_TXT)) {
      throw new SlackMethodError('alt_txt_too_large');
    }
    this.counter += 1;
    const id = `F0LOCAL${String(this.counter).padStart(5, '0')}`;
    const key = `U${String(this.counter).padStart(6, '0')}${id}`;
    const file: FakeFile = { id, filename, length, ...(altText ? { altText } : {}) };
    this.byId.set(id, file);
    this.byUploadKey.set(key, file);
    return { upload_url: `${this.uploadBase}/upload/v1/${key}`, file_id: id };
  }

  /**
   * The bytes POSTed to an upload URL. Answers what Slack's upload service answers: "OK - <length>" with
   * HTTP 200, or 404 for a URL it never gave. A size other than the announced length is a lapse to report.
   */
  receive(key: string, bytes: Buffer): { status: number; body: string; lapse?: string } {
    const file = this.byUploadKey.get(key);
    if (!file || file.completedAt) return { status: 404, body: 'Not Found' };
    file.bytes = bytes;
    const lapse =
      bytes.length === file.length
        ? undefined
        : `upload of ${file.filename}: ${bytes.length} bytes sent, ${file.length} announced`;
    return { status: 200, body: `OK - ${bytes.length}`, ...(lapse ? { lapse } : {}) };
  }

  complete(args: SlackArgs): SlackArgs {
    const files = args.files;
    if (files === undefined) throw missingField('files');
    if (!Array.isArray(files) || files.length === 0) throw new SlackMethodError('invalid_arguments');
    const channel = args.channel_id;
    if (channel !== undefined && (typeof channel !== 'string' || !CONVERSATION_ID.test(channel))) {
      throw new SlackMethodError('invalid_arguments', {
        response_metadata: {
          messages: [
            '[ERROR] input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]',
          ],
        },
      });
    }
    const entries = files.map((entry: unknown) => {
      const { id, title } = (entry && typeof entry === 'object' ? entry : {}) as {
        id?: unknown;
        title?: unknown;
      };
      if (typeof id !== 'string') throw new SlackMethodError('invalid_arguments');
      const file = this.byId.get(id);
      // Never uploaded, bytes never sent, or already completed ("This method can only be called once").
      if (!file?.bytes || file.completedAt) throw new SlackMethodError('file_not_found');
      return { file, title: typeof title === 'string' && title !== '' ? title : undefined };
    });
    const at = new Date();
    return {
      files: entries.map(({ file, title }) => {
        file.completedAt = at;
        file.title = title ?? file.filename;
        if (typeof channel === 'string') file.channel = channel;
        return wireFile(file);
      }),
    };
  }
}

/** The file object Slack answers with (the fields a client reads). */
function wireFile(file: FakeFile): SlackArgs {
  const type = imageType(file.filename);
  return {
    id: file.id,
    name: file.filename,
    title: file.title ?? file.filename,
    mimetype: type ?? 'application/octet-stream',
    filetype: file.filename.split('.').pop()?.toLowerCase() ?? '',
    size: file.bytes?.length ?? 0,
    is_public: file.channel !== undefined,
    channels: file.channel ? [file.channel] : [],
  };
}

function imageType(filename: string): string | undefined {
  const extension = /\.([A-Za-z]+)$/.exec(filename)?.[1]?.toLowerCase();
  return extension ? IMAGE_TYPES[extension] : undefined;
}

/** Slack's answer for a required argument left out. */
function missingField(name: string): SlackMethodError {
  return new SlackMethodError('invalid_arguments', {
    response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
  });
}
