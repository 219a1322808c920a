#!/usr/bin/env node
// Runs the Prisma 6.19 CLI offline. With `engineType = "client"` no native query engine is used, but
// the CLI still checks for one at start and tries to download it; pointing PRISMA_QUERY_ENGINE_LIBRARY
// at a placeholder file satisfies that check without any download. Schema work runs on the JS
// (WASM) engine configured in each subgraph's prisma.config.ts.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function offlineEnv() {
  const placeholder = path.join(os.tmpdir(), 'ecomify-no-query-engine.so.node');
  if (!fs.existsSync(placeholder)) fs.writeFileSync(placeholder, '');
  const bin = path.join(__dirname, '..', 'node_modules', '.bin');
  return {
    ...process.env,
    PATH: bin + path.delimiter + (process.env.PATH ?? ''),
    PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

module.exports = { offlineEnv };

if (require.main === module) {
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'prisma');
  const res = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit', env: offlineEnv() });
  process.exit(res.status ?? 1);
}
