#!/usr/bin/env bash
# Installs the npm dependencies when node_modules is missing or older than package-lock.json; `--force` always does.
#
# npm ci is tried first. It refuses a package-lock.json that lacks other platforms' optional packages (for example
# @swc/core-darwin-arm64), which is what npm writes when the registry it used does not serve them; in that case, and
# only that case, `npm install` from the same lock file is used instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if ((node_major < 20)); then
  echo "Switchboard needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# npm writes node_modules/.package-lock.json on every install; compare with it rather than with the folder.
if [[ "${1:-}" != --force && -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
  exit 0
fi

echo "deps: npm ci"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if npm ci --no-audit --no-fund >"$log" 2>&1; then
  grep -v '^npm warn' "$log" || true
  exit 0
fi
if grep -q 'EUSAGE' "$log" && grep -q 'Missing: .* from lock file' "$log"; then
  echo "deps: npm ci rejected the lock file (it lacks optional packages of other platforms); using npm install"
  npm install --no-audit --no-fund
else
  cat "$log" >&2
  exit 1
fi
