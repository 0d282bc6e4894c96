// Check 1: the config loads and validates. The rest of the doctor needs it, so it hands the config on.

import { resolve } from 'node:path';
import { CONFIG_ENV, loadConfig } from '../config/load';
import type { SageBuildConfig } from '../config/schema';
import { ConfigError } from '../errors';
import { fail, pass, type Check } from './check';

export interface ConfigCheck {
  check: Check;
  /** Only when the check passed. */
  config?: SageBuildConfig;
}

export function checkConfig(env: NodeJS.ProcessEnv = process.env): ConfigCheck {
  try {
    const config = loadConfig(env);
    const path = resolve(env[CONFIG_ENV]?.trim() ?? '');
    const names = config.pipelines.map((p) => p.name).join(', ');
    const count = config.pipelines.length;
    return {
      check: pass('Config', `${path} is valid: ${count} pipeline${count === 1 ? '' : 's'} (${names}).`),
      config,
    };
  } catch (error) {
    // A ConfigError names the file and the field; anything else is unexpected, but still only a sentence.
    const why = error instanceof ConfigError ? error.message : `it could not be loaded (${String(error)}).`;
    return { check: fail('Config', why) };
  }
}
