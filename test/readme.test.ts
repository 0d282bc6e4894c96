// The README must stay true: its example config is a valid config, and the commands it names exist.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../core/config/load';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

test('the example config in the README is valid', () => {
  const block = /```json\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const config = parseConfig(JSON.parse(block as string), 'README.md');
  expect(config.pipelines[0]).toMatchObject({ name: 'prod', region: 'us-east-1' });
});

test('the README names scripts and a bin that exist', () => {
  for (const script of ['start', 'test', 'bench:core', 'bench:cold', 'build', 'deploy', 'doctor', 'synth'])
    expect(pkg.scripts[script]).toBeDefined();
  expect(readme).toContain('npm install && npm start');
  expect(readme).toContain('npm install && npm test');
  expect(pkg.bin.sagebuild).toBe('bin/sagebuild.js');
});

test('every script that runs a file names one that exists', () => {
  for (const [name, script] of Object.entries(pkg.scripts)) {
    for (const file of script.match(/\S+\.(?:ts|js)\b/g) ?? []) {
      expect({ name, file, exists: existsSync(join(__dirname, '..', file)) }).toEqual({
        name,
        file,
        exists: true,
      });
    }
  }
});
