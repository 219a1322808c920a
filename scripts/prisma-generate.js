#!/usr/bin/env node
// Generates every subgraph's Prisma client (and Pothos types) after install, offline.
// Runs `prisma generate` for each subgraph that has prisma/schema.prisma, in parallel.
const { spawn } = require('node:child_process');
const { offlineEnv } = require('./prisma');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dirs = [path.join(root, 'subgraphs'), path.join(root, 'templates')];
const targets = [];
for (const dir of dirs) {
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir)) {
    const schema = path.join(dir, name, 'prisma', 'schema.prisma');
    if (dir.endsWith('subgraphs') && fs.existsSync(schema)) targets.push(path.join(dir, name));
  }
}
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');
if (!fs.existsSync(prismaBin) || targets.length === 0) process.exit(0);

let failed = 0;
Promise.all(
  targets.map(
    (cwd) =>
      new Promise((resolve) => {
        const child = spawn(prismaBin, ['generate'], {
          cwd,
          env: offlineEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => {
          const name = path.relative(root, cwd);
          if (code === 0) process.stderr.write(`prisma generate: ${name} ok\n`);
          else {
            failed++;
            process.stderr.write(`prisma generate: ${name} FAILED (exit ${code})\n${out}\n`);
          }
          resolve();
        });
      }),
  ),
).then(() => process.exit(failed ? 1 : 0));
