#!/usr/bin/env bash
# The VS Code extension's checks, as .ci/run runs them: install (npm ci, from the lock
# file), build, test, package. The integration tests drive a real `iaclint lsp`:
# IACLINT_EXE, default the repository's .venv/bin/iaclint (python3 -m venv .venv &&
# .venv/bin/pip install -e '.[test]' at the repository root). The .vsix goes to
# $VSIX_OUT (default: a temporary directory), never into the work tree.
set -euo pipefail
cd "$(dirname "$0")"
export IACLINT_EXE="${IACLINT_EXE:-$(cd ../.. && pwd)/.venv/bin/iaclint}"
out="${VSIX_OUT:-$(mktemp -d)/iaclint.vsix}"
npm ci --no-audit --no-fund
npm run build
npm test
npm run package -- --out "$out"
echo "VS Code extension packaged: $out"
