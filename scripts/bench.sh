#!/usr/bin/env bash
# npm run bench: install what is missing, bring up NATS/PostgreSQL/Redis, then run the benchmark harness.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false

if [[ ! -f bench/run.ts ]]; then
  echo "bench: bench/run.ts does not exist yet" >&2
  exit 1
fi
bash scripts/ensure-deps.sh
bash scripts/infra.sh
exec node --expose-gc -r @swc-node/register bench/run.ts "$@"
