#!/usr/bin/env bash
# Format and hygiene checks over the sources: swift-format (strict) and a grep for constructs the
# project forbids in library code (force try, fatalError, print).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== swift format lint --strict"
swift format lint --strict --parallel -r Sources Tests Benchmarks/Benchmarks Examples/Sources Fuzz/Package.swift Fuzz/Sources
echo "== forbidden constructs in library code"
bad=$(grep -rnE 'try!|fatalError\(|(^|[^A-Za-z_.])print\(' Sources --include='*.swift' \
    | grep -v '^Sources/dblambda/' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
if [[ -n $bad ]]; then
    echo "error: forbidden constructs in library code:" >&2
    echo "$bad" >&2
    exit 1
fi
echo "soundness: ok"
