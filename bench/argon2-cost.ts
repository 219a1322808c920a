/**
 * `npx tsx bench/argon2-cost.ts`: time per argon2id hash and verify with identity's production
 * parameters (ARGON2_MEMORY_KIB/ARGON2_ITERATIONS override them), averaged over 20 runs.
 */
import { hash, verify } from '@node-rs/argon2';

async function main() {
  const opts = {
    algorithm: 2,
    memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 19456),
    timeCost: Number(process.env.ARGON2_ITERATIONS ?? 2),
    parallelism: 1,
  };
  const runs = 20;
  let digest = '';
  let t = performance.now();
  for (let i = 0; i < runs; i++) digest = await hash('correct horse battery staple', opts);
  const hashMs = (performance.now() - t) / runs;
  t = performance.now();
  for (let i = 0; i < runs; i++) await verify(digest, 'correct horse battery staple');
  const verifyMs = (performance.now() - t) / runs;
  console.log(
    `argon2id m=${opts.memoryCost} KiB t=${opts.timeCost} p=1: hash ${hashMs.toFixed(1)} ms, verify ${verifyMs.toFixed(1)} ms (mean of ${runs})`,
  );
}

main();
