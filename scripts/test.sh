#!/usr/bin/env bash
# The whole test suite: Debian packages the integration tests drive, then build, lint,
# type-check and every test. Run through `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
npm run build
npm run lint
npm run typecheck
npx vitest run "$@"
