#!/usr/bin/env bash
# npm test: install what is missing, bring up NATS/PostgreSQL/Redis, then lint, type-check and run every jest spec.
# Arguments go to jest (npm test -- libs/platform --selectProjects unit). SKIP_LINT=1 / SKIP_TYPECHECK=1 skip those steps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false

bash scripts/ensure-deps.sh
bash scripts/infra.sh
# In CI nothing outlives the run: stop whatever infra.sh started.
if [[ "${CI:-}" == "true" ]]; then
  trap 'bash scripts/infra.sh stop >/dev/null || true' EXIT
fi

# The Nx module-boundary lint rule reads the cached project graph and is silently skipped without one.
lint() {
  npx nx show projects >/dev/null && npx eslint . --max-warnings=0
}

declare -a results=()
failed=0
step() {
  local name="$1"
  shift
  printf '\n== %s: %s\n' "$name" "$*"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  if ((rc == 0)); then
    results+=("$name: ok ($((SECONDS - start))s)")
  else
    results+=("$name: FAILED with exit $rc ($((SECONDS - start))s)")
    failed=1
  fi
}

if [[ "${SKIP_LINT:-}" == 1 ]]; then
  results+=("lint: skipped (SKIP_LINT=1)")
elif [[ ! -f eslint.config.mjs ]]; then
  echo "lint: skipped, there is no eslint.config.mjs yet"
  results+=("lint: skipped (no eslint.config.mjs)")
else
  step lint lint
fi

if [[ "${SKIP_TYPECHECK:-}" == 1 ]]; then
  results+=("typecheck: skipped (SKIP_TYPECHECK=1)")
else
  step typecheck npx tsc -p tsconfig.json --noEmit
fi

step jest npx jest --ci "$@"

printf '\n== summary\n'
printf '  %s\n' "${results[@]}"
exit "$failed"
