/**
 * User-facing text, kept apart from command logic so wording can change (or be translated) in one place.
 */
export const messages = {
  missingInput: (flag: string) => `Missing required input ${flag}.`,
  missingInputHint: (flag: string) =>
    `Pass ${flag} on the command line: prompts are disabled because stdin is not a terminal or CI is set.`,
  unexpected: (message: string) => `Unexpected failure: ${message}`,
  unexpectedHint: 'Run again with DEBUG=ecomify* for details, or report it with the command you ran.',
  unknownService: (name: string, known: string[]) =>
    `Unknown service "${name}". Known services: ${known.length ? known.join(', ') : '(none yet)'}.`,
  unknownServiceHint: 'Services are the folders under subgraphs/ whose package.json has an "ecomify" field, plus "gateway".',
  noSubgraphs: 'No subgraphs found under subgraphs/.',
  noSubgraphsHint: 'Create one with `ecomify subgraph create <name>`.',
  projectNotFound: (from: string) => `No Ecomify project (a folder with rover.yaml and package.json) at or above ${from}.`,
  projectNotFoundHint: 'Run the command inside the repository, or set ECOMIFY_ROOT to its folder.',

  taskMissing: (service: string, task: string) => `The ${service} subgraph has no task "${task}" (src/tasks/${task}.ts).`,
  taskFailed: (service: string, task: string, code: number | null, tail: string) =>
    `${service} task "${task}" failed (exit ${code ?? 'signal'})${tail ? `: ${tail}` : ''}`,
  taskBadOutput: (service: string, task: string) => `${service} task "${task}" did not print JSON on stdout.`,
  taskHint: 'The task ran with the service environment; check its database is migrated (`ecomify db migrate`).',

  compose: {
    printing: (name: string) => `Printing the ${name} subgraph schema`,
    printFailed: (name: string, detail: string) => `Could not print the ${name} subgraph schema: ${detail}`,
    printFailedHint: (name: string) => `Check subgraphs/${name}/src/schema/index.ts loads (npx tsc, then npx jest subgraphs/${name}).`,
    composing: 'Composing rover.yaml',
    failed: (n: number) => `Composition failed with ${n} error${n === 1 ? '' : 's'}.`,
    failedHint: 'Fix the errors listed above in the subgraph schemas, then compose again.',
    wrote: (file: string) => `Wrote ${file}`,
    upToDate: (file: string) => `${file} is up to date`,
  },
  schemaCheck: {
    baselineMissing: (against: string) =>
      `No baseline supergraph at "${against}" (neither a file nor a git ref with supergraph/supergraph.graphql).`,
    baselineHint: 'Pass a supergraph file (supergraph/supergraph.graphql) or a git ref such as main or HEAD~1.',
    baselineInvalid: (against: string, detail: string) => `The baseline supergraph ${against} is not a valid supergraph: ${detail}`,
    breaking: (n: number) => `${n} breaking change${n === 1 ? '' : 's'} in the client-facing API schema.`,
    breakingHint: 'Keep the removed or changed fields (deprecate them first), or coordinate the release with every client.',
    notComposable: 'The current graph does not compose.',
    safe: (n: number) =>
      n ? `No breaking changes (${n} other change${n === 1 ? '' : 's'}).` : 'No changes to the client-facing API schema.',
  },
  subgraphCreate: {
    invalidName: (name: string) =>
      `"${name}" is not a valid subgraph name: use kebab-case letters and digits, starting with a letter (e.g. "gift-cards").`,
    reservedName: (name: string) => `"${name}" is reserved.`,
    taken: (name: string) => `A subgraph named "${name}" already exists (subgraphs/${name}).`,
    contractTaken: (name: string) => `shared/contracts/src/${name}.ts already exists.`,
    invalidPort: (port: number) => `Port ${port} is not a valid port for a subgraph (1024-65535, not 4000).`,
    portTaken: (port: number, by: string) => `Port ${port} is already used by the ${by} subgraph.`,
    namePrompt: 'Name of the new subgraph (kebab-case)',
    rendering: (name: string) => `Rendering templates/subgraph into subgraphs/${name}`,
    generating: 'Generating the Prisma client',
    installing: 'Linking the workspace (npm install)',
    installFailed: (detail: string) => `npm install failed: ${detail}`,
    formatFailed: (detail: string) => `prettier failed on the generated files: ${detail}`,
    generateFailed: (detail: string) => `prisma generate failed: ${detail}`,
    rollbackHint: (name: string) =>
      `The files are in subgraphs/${name}; fix the problem and rerun the failed step, or delete the folder and try again.`,
  },
  db: {
    migrating: (service: string) => `Migrating ${service}`,
    migrated: (service: string, n: number) => (n ? `${service}: applied ${n} migration${n === 1 ? '' : 's'}` : `${service}: up to date`),
    seeding: (service: string) => `Seeding ${service}`,
    seedSkipped: (service: string) => `${service}: not empty, seed skipped`,
    noSeed: (service: string) => `${service}: no prisma/seed.ts`,
    resetting: (service: string) => `Dropping and recreating ${service}`,
    resetConfirm: (dbs: string[]) => `Drop and recreate ${dbs.join(', ')}? All data in them is lost.`,
    resetAborted: 'Reset cancelled: nothing was dropped.',
    unreachable: (url: string) => `PostgreSQL does not answer at ${url}.`,
    unreachableHint:
      'Start it with `ecomify services start --service postgres` (embedded), or set ECOMIFY_DATABASE_URL / <SERVICE>_DATABASE_URL.',
    pendingOrModified: (n: number) => `${n} subgraph database${n === 1 ? ' is' : 's are'} not up to date.`,
    pendingHint: 'Run `ecomify db migrate`.',
    migrationFailed: (service: string, detail: string) => `${service}: ${detail}`,
  },
  dev: {
    production: 'ECOMIFY_ENV=production: `ecomify dev` runs embedded defaults and refuses to in production.',
    productionHint: 'Deploy with the docker/ manifests and set DATABASE_URL, NATS_URL, REDIS_URL and JWKS_URL per service.',
    startingPostgres: (dir: string) => `Starting embedded PostgreSQL (data in ${dir})`,
    postgresReady: (url: string) => `PostgreSQL ready at ${url}`,
    composing: 'Supergraph missing or stale: composing',
    starting: (name: string, port: number) => `Starting ${name} on :${port}`,
    waiting: (names: string[]) => `Waiting for ${names.join(', ')} to be ready`,
    ready: (url: string) => `Ecomify is running. GraphQL endpoint: ${url}`,
    credentials: 'Demo credentials:',
    stopping: 'Stopping…',
    stopped: 'Stopped.',
    exited: (name: string, code: number | null) => `${name} exited (${code ?? 'signal'}); stopping the platform.`,
    notReady: (name: string, seconds: number) => `${name} was not ready after ${seconds}s.`,
    notReadyHint: (name: string) => `See its log lines above (prefixed "${name}").`,
    portBusy: (name: string, port: number) => `Port ${port} (${name}) is already in use.`,
    portBusyHint: 'Stop whatever listens there (`ecomify services stop` if it is ours), or change the port.',
  },
  services: {
    started: (name: string, pid: number) => `${name} started (pid ${pid})`,
    alreadyRunning: (name: string, pid: number) => `${name} already running (pid ${pid})`,
    stopped: (name: string) => `${name} stopped`,
    notRunning: (name: string) => `${name} is not running`,
    noLog: (name: string) => `No log for ${name} yet (${'.ecomify/run/'}${name}.log).`,
    noLogHint: 'Start it with `ecomify services start`.',
    logsNeedService: '--service',
  },
  events: {
    unreachable: (detail: string) => `The event transport is unreachable: ${detail}`,
    unreachableHint:
      'Set NATS_URL to a JetStream server, or PLATFORM_DATABASE_URL (embedded mode; `ecomify services start --service postgres`).',
    replayTarget: '--id, --consumer or --all',
    replayed: (n: number) => `Replayed ${n} dead letter${n === 1 ? '' : 's'}.`,
    none: 'No dead letters.',
  },
};
