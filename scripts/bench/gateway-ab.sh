#!/usr/bin/env bash
# Gateway A/B: `gateway-submit.mjs 10 50` against another checkout's build (BEFORE, run
# through BENCH_GATEWAY_ROOT) and this checkout's, alternated, ROUNDS pairs; prints each
# run's `result` line. A benchmark, not a test.
#   bash scripts/bench/gateway-ab.sh /tmp/before [rounds=4]
# The other checkout: git clone . /tmp/before && cd /tmp/before && git checkout <rev> &&
#   pnpm install --frozen-lockfile --offline && pnpm turbo run build --filter @reelay/gateway... --filter @reelay/scheduler...
set -uo pipefail
cd "$(dirname "$0")/../.."
before=${1:?usage: gateway-ab.sh BEFORE_CHECKOUT [rounds]}
for _ in $(seq 1 "${2:-4}"); do
  echo "before $(BENCH_GATEWAY_ROOT="$before" node scripts/bench/gateway-submit.mjs 10 50 2>&1 | grep '^result')"
  echo "after $(node scripts/bench/gateway-submit.mjs 10 50 2>&1 | grep '^result')"
done
