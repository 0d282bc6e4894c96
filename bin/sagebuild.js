#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx sagebuild` works straight from a clone.
require('tsx/cjs/api').register();
require('../cli/main.ts');
