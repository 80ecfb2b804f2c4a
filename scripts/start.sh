#!/usr/bin/env bash
# npm start: install what is missing, bring up NATS/PostgreSQL/Redis, then run the four services (scripts/run-all.ts).
# Ctrl-C stops the services and the servers infra.sh started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false

bash scripts/ensure-deps.sh
bash scripts/infra.sh
exec node -r @swc-node/register scripts/run-all.ts "$@"
