#!/usr/bin/env bash
# The README's test command: installs what is missing, builds every package, runs the
# whole suite (unit + integration against real nats-server/ffmpeg processes) and ends
# with one line "N passed, N failed" from vitest's JSON report.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-tools.sh
ensure_tools

say "installing dependencies"
pnpm install --frozen-lockfile --prefer-offline >/dev/null || { pnpm install --frozen-lockfile || die "pnpm install failed"; }
say "building"
pnpm build || die "build failed"
say "linting"
pnpm lint || die "lint failed (pnpm format fixes formatting)"
say "typechecking the fault suite"
pnpm exec tsc -p test/faults/tsconfig.json --noEmit || die "the fault suite does not typecheck"

report=.vitest-report.json
rm -f "$report"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
node scripts/vitest-summary.mjs "$report" || status=1
exit $status
