/**
 * Child-process entry (cwd = a subgraph folder): loads its src/schema/index.ts and prints the
 * federation SDL as JSON on stdout. Run in its own process so the CLI never loads subgraph code.
 */
import path from 'node:path';

function main(): void {
  const dir = process.cwd();
  const { printSubgraphSchema } = require(require.resolve('@apollo/subgraph', { paths: [dir] })) as typeof import('@apollo/subgraph');
  const mod = require(path.join(dir, 'src', 'schema', 'index.ts')) as { schema?: import('graphql').GraphQLSchema };
  if (!mod.schema) throw new Error('src/schema/index.ts does not export `schema`');
  process.stdout.write(JSON.stringify({ sdl: printSubgraphSchema(mod.schema) }) + '\n');
}

try {
  main();
  // Loading a schema can open handles (pools, timers); the SDL is printed, so leave now.
  process.exit(0);
} catch (err) {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
}
