/**
 * `npm run bench [-- <scenario> ...]`: runs the named scenarios (all by default) and writes
 * bench/results/<scenario>.json and .md. BENCH_DURATION (s) and BENCH_CONNECTIONS tune the load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stopAll } from './lib';

interface Scenario {
  name: string;
  description: string;
  run(): Promise<string>;
}

async function main() {
  const dir = path.join(__dirname, 'scenarios');
  const all: Scenario[] = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => require(path.join(dir, f)).scenario as Scenario);
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !all.some((s) => s.name === w));
  if (unknown.length) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')}. Available: ${all.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const chosen = wanted.length ? all.filter((s) => wanted.includes(s.name)) : all;
  for (const s of chosen) {
    console.error(`\n▶ ${s.name}: ${s.description}`);
    try {
      console.log(await s.run());
    } finally {
      await stopAll();
    }
  }
}

process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
main().catch(async (err) => {
  console.error(`bench failed: ${err.stack ?? err}`);
  await stopAll();
  process.exit(1);
});
