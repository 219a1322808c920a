/**
 * Shared body of every subgraph's prisma.config.ts: Prisma 6.19's JS schema engine through adapter-pg
 * (works offline), with the workaround for PostgreSQL `name`/`char` columns the engine cannot read.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

let patched = false;

/** Reports `name` (oid 19) and `char` (oid 18) columns as text (oid 25); see ENVIRONMENT.md. */
function patchPgTypes(): void {
  if (patched) return;
  patched = true;
  const original = pg.Pool.prototype.query as (...args: unknown[]) => unknown;
  pg.Pool.prototype.query = function patchedQuery(this: pg.Pool, ...args: unknown[]) {
    const fix = (result: unknown) => {
      for (const r of Array.isArray(result) ? result : [result]) {
        for (const f of (r as { fields?: { dataTypeID: number }[] })?.fields ?? []) {
          if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
        }
      }
      return result;
    };
    const out = original.apply(this, args);
    return out && typeof (out as Promise<unknown>).then === 'function' ? (out as Promise<unknown>).then(fix) : out;
  } as typeof pg.Pool.prototype.query;
}

/** Returns the options object for `defineConfig` in a subgraph's prisma.config.ts. */
export function subgraphPrismaConfig(schemaPath: string) {
  patchPgTypes();
  const connectionString = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  return {
    experimental: { adapter: true },
    engine: 'js' as const,
    schema: schemaPath,
    adapter: async () => new PrismaPg({ connectionString }),
  };
}
