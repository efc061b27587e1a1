#!/usr/bin/env bash
# Builds every target's DocC catalog with warnings as errors (no plugin needed: symbol graphs from
# the compiler, then the toolchain's `docc convert`). See ../shared/test-infra.md §6c.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(DBLambdaCore DBLambdaHTTP DBLambdaSigV4 DBLambdaCredentials)
graphs=.build/symbolgraphs
rm -rf "$graphs"
mkdir -p "$graphs"
for t in "${targets[@]}"; do
    swift build --target "$t" -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir \
        -Xswiftc "$PWD/$graphs/all" -Xswiftc -symbol-graph-minimum-access-level -Xswiftc public >/dev/null
done
for t in "${targets[@]}"; do
    dir="$graphs/$t"
    mkdir -p "$dir"
    cp "$graphs/all/$t".symbols.json "$dir/"
    cp "$graphs/all/$t"@*.symbols.json "$dir/" 2>/dev/null || true
    echo "== docc convert $t"
    docc convert "Sources/$t/$t.docc" --additional-symbol-graph-dir "$dir" \
        --fallback-display-name "$t" --fallback-bundle-identifier "dblambda.$t" \
        --output-path ".build/docs/$t.doccarchive" --warnings-as-errors >/dev/null
done
echo "docs: ok (${#targets[@]} catalogs)"
