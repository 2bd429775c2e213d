#!/usr/bin/env bash
# The whole test suite: Debian packages the integration tests drive, then build, lint,
# type-check and every test. Run through `npm test`; extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh
npm run build
npm run lint
npm run typecheck

mkdir -p .cache
results=.cache/vitest-results.json
rm -f "$results"
status=0
reporter=default
[ -n "${CI:-}" ] && reporter=verbose
npx vitest run --reporter="$reporter" --reporter=json --outputFile.json="$results" "$@" || status=$?

# One plain closing line with the counts, whatever the reporter printed above it.
if [ -f "$results" ]; then
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  ' "$results"
fi
exit "$status"
