#!/usr/bin/env bash
# Builds every target's DocC catalog with warnings as errors (no plugin needed: symbol graphs from
# the compiler, then the toolchain's `docc convert`). See ../shared/test-infra.md §6c.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(DBLambdaCore DBLambdaHTTP DBLambdaSigV4 DBLambdaCredentials DBLambdaEvents DBLambdaPayload DBLambdaSQL
    DBLambdaIAM DBLambdaNetwork DBLambdaInvoke DBLambdaTesting DBLambdaLocal DatabaseLambda DBLambdaRelay)
# dump-symbol-graph extracts graphs from the modules already built (no rebuild with other flags).
swift package dump-symbol-graph --minimum-access-level public >/dev/null
all=$(find .build -maxdepth 2 -type d -name symbolgraph | head -n 1)
[[ -n $all ]] || { echo "error: no symbol graphs found under .build" >&2; exit 1; }
graphs=.build/docs-symbolgraphs
rm -rf "$graphs" .build/docs
mkdir -p .build/docs
for t in "${targets[@]}"; do
    dir="$graphs/$t"
    mkdir -p "$dir"
    cp "$all/$t".symbols.json "$dir/"
    cp "$all/$t"@*.symbols.json "$dir/" 2>/dev/null || true
    echo "== docc convert $t"
    docc convert "Sources/$t/$t.docc" --additional-symbol-graph-dir "$dir" \
        --fallback-display-name "$t" --fallback-bundle-identifier "dblambda.$t" \
        --output-path ".build/docs/$t.doccarchive" --warnings-as-errors --analyze >/dev/null
done
echo "docs: ok (${#targets[@]} catalogs)"
