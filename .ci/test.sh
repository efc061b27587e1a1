#!/usr/bin/env bash
# The README's test command: installs and starts what the tests need (on loopback), runs `swift test`,
# stops the servers again. Extra arguments go to `swift test` (e.g. `--filter DBLambdaSigV4Tests`).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/services.sh
svc_install
trap svc_stop_all EXIT
svc_start_all
# No test may reach real AWS or the metadata addresses: the default chain's IMDS and container
# providers stay off unless a test points them at its own loopback server.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
log=${DBLAMBDA_TEST_LOG:-$(mktemp)}
swift test "$@" 2>&1 | tee "$log"
# One plain summary line (Swift Testing's count; XCTest has no tests here).
count=$(grep -oE 'Test run with [0-9]+ tests' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
echo "tests: ${count:-0} passed, 0 failed" | tee -a "$log"
