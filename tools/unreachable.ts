// An esbuild plugin that leaves out of a Lambda bundle the library files its handler can never reach, and
// trims package.json files that are read for their name and version only. esbuild keeps every module that is
// imported, used or not: Bolt's index requires all its receivers, so the Slack bot's Lambda would carry
// Express, Socket Mode (undici) and OAuth (jsonwebtoken) that only other receivers construct.
//
// A left-out file becomes a few lines that fail loudly, never a silent no-op: a `require`d one gives functions
// and classes that throw "<module> is not in the Lambda bundle (…)" when called or constructed; an `import()`ed
// one throws that when imported. The build checks that each left-out file is imported only in the way its stub
// handles, and says when one is no longer imported at all (the list needs updating).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ImportKind, Metafile, Plugin, PluginBuild } from 'esbuild';

export interface Unreachable {
  /** The file left out, as its path under node_modules: `@slack/bolt/dist/receivers/ExpressReceiver.js`. */
  module: string;
  /** Why the handler never gets there; part of the error if it ever does. */
  why: string;
  /**
   * How it is imported. 'require': the stub's members throw when called or constructed, so it can still be
   * required at load time (Bolt's index requires every receiver). 'import()': loading it throws, since the
   * import itself is the use.
   */
  importedBy: 'require' | 'import()';
  /**
   * What has to stay true for it to stay unreachable, checked at every build: no bundled file in `files`
   * (our own code, or library files whose path under node_modules matches) mentions any of `mentions`.
   */
  unlessMentioned?: { files: 'ours' | RegExp; mentions: readonly string[] };
}

/**
 * Unreachable in every bundle. The AWS SDK loads event-stream support with `import()` only for operations
 * with an event stream, and a client with one has a `streaming` trait in its schemas (so do blob streams,
 * such as S3's: the check errs on the safe side).
 */
export const SDK_UNREACHABLE: readonly Unreachable[] = [
  {
    module: '@smithy/core/dist-es/submodules/event-streams/index.js',
    why: 'no operation of the bundled AWS clients has an event stream',
    importedBy: 'import()',
    unlessMentioned: { files: /^@aws-sdk\/client-[^/]+\/dist-es\/schemas\//, mentions: ['"streaming"'] },
  },
];

/**
 * The Slack bot on a function URL makes only an AwsLambdaReceiver (slack/receivers/lambda.ts) and passes it to
 * the App, which then builds no receiver of its own (App.initReceiver); tokens come from the environment or
 * Secrets Manager, never from an OAuth install. Bolt's index still requires all of these. Our code naming one
 * of them, or passing the App the options that make it build one (socketMode) or install through OAuth,
 * fails the build. An App given no receiver at all would build an HTTPReceiver without our code naming it:
 * its stub then throws as the App is made, which test/bundles.test.ts does on every request it sends the bot.
 */
export const SLACK_LAMBDA_UNREACHABLE: readonly Unreachable[] = [
  {
    module: '@slack/bolt/dist/receivers/ExpressReceiver.js',
    why: 'the Lambda uses AwsLambdaReceiver, not ExpressReceiver (express)',
    importedBy: 'require',
    unlessMentioned: { files: 'ours', mentions: ['ExpressReceiver'] },
  },
  {
    module: '@slack/bolt/dist/receivers/HTTPReceiver.js',
    why: 'the Lambda uses AwsLambdaReceiver, and the App makes no HTTPReceiver when given a receiver',
    importedBy: 'require',
    unlessMentioned: { files: 'ours', mentions: ['HTTPReceiver'] },
  },
  {
    module: '@slack/bolt/dist/receivers/SocketModeReceiver.js',
    why: 'the Lambda uses AwsLambdaReceiver; Socket Mode (@slack/socket-mode, undici) is for npm start',
    importedBy: 'require',
    // Not appToken: slack/secrets.ts reads it (for npm start) in every bundle that loads the tokens.
    unlessMentioned: {
      files: 'ours',
      mentions: ['SocketModeReceiver', 'socketMode', '@slack/socket-mode'],
    },
  },
  {
    module: '@slack/oauth/dist/index.js',
    why: 'the bot token comes from the environment or Secrets Manager, never from an OAuth install',
    importedBy: 'require',
    // Its exports, and the App's OAuth options (which only the receivers above act on). Not clientId: too
    // common a name, and OAuth needs clientSecret with it.
    unlessMentioned: {
      files: 'ours',
      mentions: [
        '@slack/oauth',
        'InstallProvider',
        'InstallationStore',
        'installationStore',
        'installerOptions',
        'clientSecret',
        'stateSecret',
      ],
    },
  },
  {
    module: 'raw-body/index.js',
    why: "only Bolt's HTTP receivers read a request stream; a Lambda event carries its body (iconv-lite)",
    importedBy: 'require',
    // Bolt reads a stream with raw-body in HTTPModuleFunctions.bufferIncomingMessage, which its index exports.
    unlessMentioned: {
      files: 'ours',
      mentions: ['HTTPModuleFunctions', 'bufferIncomingMessage', 'parseAndVerifyHTTPRequest'],
    },
  },
];

/**
 * The Slack Web API client requires its file-upload and message-streaming helpers at load time; only
 * filesUploadV2 and chatStream use them, and neither the bot nor the notifier calls those (checked at build).
 * Bolt hands event listeners a `sayStream` that calls chatStream, so our code naming it counts too.
 */
export const SLACK_WEB_UNREACHABLE: readonly Unreachable[] = [
  {
    module: '@slack/web-api/dist/file-upload.js',
    why: 'SageBuild posts and updates messages; it never uploads files',
    importedBy: 'require',
    unlessMentioned: { files: 'ours', mentions: ['filesUploadV2', 'uploadV2'] },
  },
  {
    module: '@slack/web-api/dist/chat-stream.js',
    why: 'SageBuild never streams a message',
    importedBy: 'require',
    unlessMentioned: { files: 'ours', mentions: ['chatStream', 'ChatStreamer', 'sayStream'] },
  },
];

/**
 * package.json files whose importers (read: these exact files) use `name` and `version` only, for user
 * agents. Bundled whole, each is 2 KiB of dependency lists.
 */
const NAME_AND_VERSION_ONLY: readonly { packageJson: RegExp; readBy: RegExp }[] = [
  {
    packageJson: /^@aws-sdk\/client-[a-z0-9-]+\/package\.json$/,
    readBy: /^@aws-sdk\/client-[a-z0-9-]+\/dist-es\/runtimeConfig(\.shared)?\.js$/,
  },
  { packageJson: /^@slack\/web-api\/package\.json$/, readBy: /^@slack\/web-api\/dist\/instrument\.js$/ },
  { packageJson: /^@slack\/bolt\/package\.json$/, readBy: /^@slack\/bolt\/dist\/App\.js$/ },
];

const KIND: Record<Unreachable['importedBy'], ImportKind> = {
  require: 'require-call',
  'import()': 'dynamic-import',
};

/** The path under the last node_modules folder, with forward slashes; undefined outside node_modules. */
function underNodeModules(path: string): string | undefined {
  const normal = path.replace(/\\/g, '/');
  const at = normal.lastIndexOf('node_modules/');
  return at < 0 ? undefined : normal.slice(at + 'node_modules/'.length);
}

function stubSource(stub: Unreachable): string {
  const message = JSON.stringify(`${stub.module} is not in the Lambda bundle: ${stub.why}`);
  if (stub.importedBy === 'import()') return `throw new Error(${message});\n`;
  // Any member is a function that throws when called or constructed; `__esModule` lets the importer's
  // interop helpers hand `default` through as a member too.
  return `const fail = (name) => function () { throw new Error(${message} + ' (' + name + ' was used)'); };
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? true : typeof key === 'string' && key !== 'then' ? fail(key) : undefined),
});
`;
}

/** Who imports each input, and how. */
function importersOf(metafile: Metafile): Map<string, { importer: string; kind: ImportKind }[]> {
  const importers = new Map<string, { importer: string; kind: ImportKind }[]>();
  for (const [importer, input] of Object.entries(metafile.inputs)) {
    for (const { path, kind } of input.imports) {
      importers.set(path, [...(importers.get(path) ?? []), { importer, kind }]);
    }
  }
  return importers;
}

/** The bundled files that are ours (outside node_modules), or the library files whose path matches. */
function filesIn(inputs: string[], files: 'ours' | RegExp): string[] {
  return inputs.filter((input) => {
    const module = underNodeModules(input);
    return files === 'ours' ? module === undefined : module !== undefined && files.test(module);
  });
}

export const PLUGIN_NAME = 'sagebuild-unreachable';

export function unreachablePlugin(stubs: readonly Unreachable[]): Plugin {
  const byModule = new Map(stubs.map((stub) => [stub.module, stub]));
  return {
    name: PLUGIN_NAME,
    setup(build: PluginBuild) {
      // Only the listed files and package.json files go through JavaScript; the rest stay in esbuild.
      const listed = [...byModule.keys()].map((module) => module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const filter = new RegExp(
        `[\\\\/]node_modules[\\\\/](${[...listed, '.*package\\.json'].join('|').replace(/\//g, '[\\\\/]')})$`,
      );
      build.onLoad({ filter }, (args) => {
        const module = underNodeModules(args.path);
        const stub = module === undefined ? undefined : byModule.get(module);
        if (stub) return { contents: stubSource(stub), loader: 'js' };
        if (module && NAME_AND_VERSION_ONLY.some((trim) => trim.packageJson.test(module))) {
          const { name, version } = JSON.parse(readFileSync(args.path, 'utf8')) as Record<string, unknown>;
          return { contents: JSON.stringify({ name, version }), loader: 'json' };
        }
        return undefined;
      });

      // Metafile paths are relative to the working directory.
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      build.onEnd((result) => {
        if (!result.metafile) return { errors: [{ text: 'unreachablePlugin needs `metafile: true`' }] };
        const errors: string[] = [];
        const warnings: string[] = [];
        const importers = importersOf(result.metafile);
        const inputs = Object.keys(result.metafile.inputs);
        for (const stub of stubs) {
          const path = inputs.find((input) => underNodeModules(input) === stub.module);
          if (!path) {
            warnings.push(`${stub.module} is no longer imported: take it off the unreachable list`);
            continue;
          }
          for (const file of stub.unlessMentioned ? filesIn(inputs, stub.unlessMentioned.files) : []) {
            const text = readFileSync(resolve(cwd, file), 'utf8');
            for (const mention of stub.unlessMentioned?.mentions ?? []) {
              if (text.includes(mention)) {
                errors.push(`${file} mentions ${mention}, so ${stub.module} may be reached: keep it bundled`);
              }
            }
          }
          for (const { importer, kind } of importers.get(path) ?? []) {
            if (kind !== KIND[stub.importedBy]) {
              errors.push(
                `${importer} imports ${stub.module} by ${kind}; its stub handles ${stub.importedBy}`,
              );
            }
          }
        }
        for (const input of inputs) {
          const module = underNodeModules(input);
          const trim = module && NAME_AND_VERSION_ONLY.find((t) => t.packageJson.test(module));
          if (!trim) continue;
          for (const { importer } of importers.get(input) ?? []) {
            if (!trim.readBy.test(underNodeModules(importer) ?? '')) {
              errors.push(`${importer} imports ${module}, trimmed to name and version for other readers`);
            }
          }
        }
        return {
          errors: errors.map((text) => ({ text })),
          warnings: warnings.map((text) => ({ text })),
        };
      });
    },
  };
}
