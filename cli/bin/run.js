#!/usr/bin/env node
// The `ecomify` binary. Commands are TypeScript run without a build step: tsx's CommonJS hook is
// registered before oclif requires them, and oclif is told not to look for a compiled lib/ folder.
require('tsx/cjs');
const oclif = require('@oclif/core');

oclif.settings.enableAutoTranspile = false;
oclif.execute({ dir: __dirname }).catch((err) => {
  // Errors inside commands are reported by the base command; this only sees oclif's own (unknown command, bad topic).
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exitCode = err?.oclif?.exit ?? 2;
});
