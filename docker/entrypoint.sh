#!/bin/sh
# Starts the process named by SERVICE. Migrations run as a separate job (`ecomify db migrate`), not at boot.
set -e
case "${SERVICE:?set SERVICE to a subgraph name (identity, stores, ...) or gateway}" in
  gateway) cd /app && exec node -r tsx/cjs supergraph/src/server.ts ;;
  migrate) cd /app && exec node cli/bin/run.js db migrate --json ;;
  *) cd "/app/subgraphs/${SERVICE}" && exec node -r tsx/cjs src/server.ts ;;
esac
