#!/usr/bin/env bash
# Benchmarks/run.sh NAME — runs one benchmark and its peer in the same run and ends with one line
# `NAME: ours X/s, PEER Y/s, ratio Z` (or `NAME: ours X ms` without a peer).
# NAME: sigv4, events, network, iam, invoke, relay.
set -euo pipefail
cd "$(dirname "$0")"
name=${1:-}
case "$name" in
sigv4)
    json=$(mktemp)
    trap 'rm -f "$json"' EXIT
    # ordo-one/benchmark: one JMH JSON document on stdout (compile progress lines filtered out).
    swift package benchmark --target SigV4Benchmarks --format jmh --path stdout --no-progress \
        | grep '^\[{' >"$json"
    peers=$(python3 peers/botocore_sigv4.py 2 5)
    peer=$(sed -n 's/^botocore_sigv4 ops_per_s=//p' <<<"$peers")
    peer_prebuilt=$(sed -n 's/^botocore_sigv4_prebuilt ops_per_s=//p' <<<"$peers")
    python3 - "$json" "$peer" "$peer_prebuilt" <<'PY'
import json, sys
runs = {r["benchmark"].split(".")[-1]: r for r in json.load(open(sys.argv[1]))}
peer, peer_prebuilt = float(sys.argv[2]), float(sys.argv[3])
SCALE = 1000  # the benchmarks' scalingFactor (.kilo): one measured iteration signs 1000 times
def ops_per_s(name):
    # median wall clock of one measured iteration, in microseconds, over SCALE operations
    p50 = runs[name]["secondaryMetrics"]["Time (wall clock)"]["scorePercentiles"]["50.0"]
    return 1e6 * SCALE / p50
def spread(name):
    # machine noise: the fastest (p0) and the p90 iteration, as ops/s (the JMH export has no quartiles)
    pc = runs[name]["secondaryMetrics"]["Time (wall clock)"]["scorePercentiles"]
    return 1e6 * SCALE / pc["90.0"], 1e6 * SCALE / pc["0.0"]
def mallocs(name):
    m = runs[name]["secondaryMetrics"].get("Malloc (total)")
    return m["scorePercentiles"]["50.0"] / SCALE if m else float("nan")
ours, floor = ops_per_s("SigV4-sign-invoke-1KB"), ops_per_s("SigV4-crypto-floor")
prebuilt = ops_per_s("SigV4-sign-prebuilt-1KB")
print(f"detail: build+sign {ours:.0f}/s ({1e6/ours:.2f} us, {mallocs('SigV4-sign-invoke-1KB'):.1f} mallocs); "
      f"sign prebuilt {prebuilt:.0f}/s ({1e6/prebuilt:.2f} us, {mallocs('SigV4-sign-prebuilt-1KB'):.1f} mallocs)")
print(f"detail: crypto floor {floor:.0f}/s ({1e6/floor:.2f} us); floor/build+sign {floor/ours:.2f}, "
      f"floor/prebuilt {floor/prebuilt:.2f}")
lo, hi = spread("SigV4-sign-invoke-1KB")
print(f"detail: noise: build+sign p90..p0 {lo:.0f}..{hi:.0f}/s ({(hi - lo) / ours * 100:.1f}% of the median)")
print(f"detail: botocore prebuilt {peer_prebuilt:.0f}/s; ratio prebuilt {prebuilt/peer_prebuilt:.1f}")
print(f"sigv4: ours {ours:.0f}/s, botocore {peer:.0f}/s, ratio {ours/peer:.1f}")
PY
    ;;
events)
    json=$(mktemp)
    trap 'rm -f "$json"' EXIT
    swift package benchmark --target EventsBenchmarks --format jmh --path stdout --no-progress \
        | grep '^\[{' >"$json"
    python3 - "$json" <<'PY'
import json, sys
runs = {r["benchmark"].split(".")[-1]: r for r in json.load(open(sys.argv[1]))}
def per_s(name, scale):
    p50 = runs[name]["secondaryMetrics"]["Time (wall clock)"]["scorePercentiles"]["50.0"]
    return 1e6 * scale / p50
rows = []
for label, scale in (("1KB", 1000), ("64KB", 1)):
    for kind, peer in (("decode", "JSONSerialization"), ("decode-typed", "JSONDecoder"),
                       ("encode", "JSONSerialization"), ("encode", "JSONEncoder")):
        ours = per_s(f"Events-{kind}-{label}-ours", scale)
        theirs = per_s(f"Events-{kind}-{label}-{peer}", scale)
        rows.append((label, kind, peer, ours, theirs))
        print(f"detail: {kind} {label}: ours {ours:.0f}/s, {peer} {theirs:.0f}/s, ratio {ours / theirs:.2f}")
label, kind, peer, ours, theirs = rows[0]
print(f"events: ours {ours:.0f}/s, {peer} {theirs:.0f}/s, ratio {ours / theirs:.1f}")
PY
    ;;
network)
    json=$(mktemp)
    trap 'rm -f "$json"' EXIT
    swift package benchmark --target NetworkBenchmarks --format jmh --path stdout --no-progress \
        | grep '^\[{' >"$json"
    python3 - "$json" <<'PY'
import json, sys
runs = {r["benchmark"].split(".")[-1]: r for r in json.load(open(sys.argv[1]))}
def ms(name):
    return runs[name]["secondaryMetrics"]["Time (wall clock)"]["scorePercentiles"]["50.0"] / 1000
for n in (100, 1000, 10000):
    print(f"detail: {n} subnets: analysis {ms(f'Network-analyze-{n}'):.2f} ms, "
          f"import+analysis {ms(f'Network-import-analyze-{n}'):.1f} ms")
print(f"network: ours {ms('Network-analyze-1000'):.2f} ms (1 000 subnets; import+analysis "
      f"{ms('Network-import-analyze-1000'):.1f} ms)")
PY
    ;;
iam)
    json=$(mktemp)
    trap 'rm -f "$json"' EXIT
    swift package benchmark --target IAMBenchmarks --format jmh --path stdout --no-progress \
        | grep '^\[{' >"$json"
    python3 - "$json" <<'PY'
import json, sys
runs = {r["benchmark"].split(".")[-1]: r for r in json.load(open(sys.argv[1]))}
def per_s(name):  # one measured iteration is 1000 operations (scalingFactor .kilo)
    return 1e6 * 1000 / runs[name]["secondaryMetrics"]["Time (wall clock)"]["scorePercentiles"]["50.0"]
evaluate = per_s("IAM_evaluate:_10_policies,_50_statements,_conditions")  # names as the JMH export spells them
parse = per_s("IAM_parse:_10_policies")
print(f"detail: parse 10 policies {parse:.0f}/s ({1e3 / parse:.3f} ms)")
print(f"iam: ours {1e3 / evaluate:.3f} ms per evaluation ({evaluate:.0f} evaluations/s)")
PY
    ;;
invoke)
    json=$(mktemp)
    cpu=$(mktemp)
    port=${INVOKE_BENCH_PORT:-18080}
    peers/invoke_server.sh start "$port"
    trap 'peers/invoke_server.sh stop "$port"; rm -f "$json" "$cpu"' EXIT
    echo "detail: load before: $(uptime | sed 's/.*load average: //')"
    # Each measured iteration of ours appends `Invoke-cN invokes=… wall_us=… cpu_us=…` (CPU = user + system of the
    # benchmark process, every thread; nginx excluded) to $cpu; boto3_invoke.py prints the same for its process.
    INVOKE_BENCH_ENDPOINT=http://127.0.0.1:$port INVOKE_BENCH_CPU_FILE=$cpu swift package benchmark \
        --target InvokeBenchmarks --format jmh --path stdout --no-progress | grep '^\[{' >"$json"
    ours_connections=$(curl -s "http://127.0.0.1:$port/nginx-status" | awk 'NR==3 {print $1}')
    peer_out=""
    for c in 1 16 128; do
        peer_out+=$(python3 peers/boto3_invoke.py "http://127.0.0.1:$port" "$c" 5000)$'\n'
    done
    all_connections=$(curl -s "http://127.0.0.1:$port/nginx-status" | awk 'NR==3 {print $1}')
    echo "detail: load after: $(uptime | sed 's/.*load average: //')"
    python3 - "$json" "$peer_out" "$ours_connections" "$all_connections" "$cpu" <<'PY'
import json, re, sys
runs = {r["benchmark"].split(".")[-1]: r for r in json.load(open(sys.argv[1]))}
peers = {int(c): (float(v), float(cpu), float(wall)) for c, v, cpu, wall in
         re.findall(r"concurrency=(\d+) ops_per_s=(\d+) cpu_s=([\d.]+) wall_s=([\d.]+)", sys.argv[2])}
ours_cpu = {}  # concurrency -> [invokes, cpu seconds, wall seconds], summed over every measured iteration
for c, n, fails, wall, cpu in re.findall(r"Invoke-c(\d+) invokes=(\d+) failures=(\d+) wall_us=(\d+) cpu_us=(\d+)",
                                        open(sys.argv[5]).read()):
    if int(fails):
        sys.exit(f"invoke: {fails} of {n} invocations failed at concurrency {c}; the figures would be meaningless")
    t = ours_cpu.setdefault(int(c), [0, 0.0, 0.0])
    t[0] += int(n); t[1] += int(cpu) / 1e6; t[2] += int(wall) / 1e6
def per_s(name):  # one measured iteration is 1000 invocations (scalingFactor .kilo)
    return 1e6 * 1000 / runs[name]["secondaryMetrics"]["Time (wall clock)"]["scorePercentiles"]["50.0"]
def mallocs(name):
    m = runs[name]["secondaryMetrics"].get("Malloc (total)")
    return m["scorePercentiles"]["50.0"] / 1000 if m else float("nan")
for c in (1, 16, 128):
    ours, (theirs, peer_cpu, peer_wall) = per_s(f"Invoke-c{c}"), peers[c]
    n, cpu, wall = ours_cpu[c]
    ours_per_cpu, theirs_per_cpu = n / cpu, 5000 / peer_cpu
    print(f"detail: concurrency {c}: ours {ours:.0f}/s, boto3 {theirs:.0f}/s, ratio {ours / theirs:.1f}; "
          f"per CPU-second ours {ours_per_cpu:.0f} ({cpu / wall:.2f} cores busy, {1e6 / ours_per_cpu:.0f} us CPU "
          f"per invoke, {mallocs(f'Invoke-c{c}'):.0f} mallocs), boto3 {theirs_per_cpu:.0f} ({peer_cpu / peer_wall:.2f} "
          f"cores busy, {1e6 / theirs_per_cpu:.0f} us), ratio {ours_per_cpu / theirs_per_cpu:.1f}")
ours_conn, all_conn = int(sys.argv[3] or 0), int(sys.argv[4] or 0)
ours_total = sum(t[0] for t in ours_cpu.values())  # measured only; each iteration also warms with 64 calls
print(f"detail: connections accepted by the server: ours {ours_conn} for more than {ours_total} invocations, "
      f"boto3 {all_conn - ours_conn} for {3 * 5000} (+ warm-up)")
n, cpu, wall = ours_cpu[128]
ours128, (theirs128, peer_cpu, _) = per_s("Invoke-c128"), peers[128]
print(f"invoke: ours {ours128:.0f}/s, boto3 {theirs128:.0f}/s, ratio {ours128 / theirs128:.1f}; "
      f"per CPU-second ours {n / cpu:.0f}, boto3 {5000 / peer_cpu:.0f}, ratio {(n / cpu) / (5000 / peer_cpu):.1f}")
PY
    ;;
relay)
    # The outbox relay end to end (Sources/RelayBenchmark): writers → PostgreSQL (outbox trigger) → OutboxRelay →
    # LocalLambdaServer, all on loopback, against the insert rate the same writers and trigger reach without a relay.
    # Its own PostgreSQL (port RELAY_BENCH_PG_PORT, default 55442, data under /tmp/dblambda-bench-relay), started
    # and removed with .ci/services.sh's functions: the dev/CI server on 55432 is never touched.
    export RELAY_BENCH_PG_PORT=${RELAY_BENCH_PG_PORT:-55442}
    export SVC_DIR=${RELAY_BENCH_SVC_DIR:-/tmp/dblambda-bench-relay} SVC_SERVICES=postgres PG_PORT=$RELAY_BENCH_PG_PORT
    # shellcheck source=../.ci/services.sh
    source ../.ci/services.sh
    out=$(mktemp)
    trap 'rm -f "$out"' EXIT
    if ! swift build -c release --product RelayBenchmark >"$out" 2>&1; then
        cat "$out" >&2
        exit 1
    fi
    trap 'svc_stop_all; rm -f "$out"' EXIT
    mkdir -p "$SVC_DIR"
    svc_start_pg
    echo "detail: load before: $(uptime | sed 's/.*load average: //')"
    PGOPTIONS='-c client_min_messages=warning' .build/release/RelayBenchmark | tee "$out"
    echo "detail: load after: $(uptime | sed 's/.*load average: //')"
    python3 - "$out" <<'PY'
import re, sys
runs = [dict(re.findall(r"(\w+)=(\S+)", line)) for line in open(sys.argv[1]) if line.startswith("RELAYBENCH ")]
base = next(r for r in runs if r["phase"] == "baseline")
relay = {int(r["batch"]): r for r in runs if r["phase"] == "relay"}
drain = {int(r["batch"]): r for r in runs if r["phase"] == "drain"}
paced = [r for r in runs if r["phase"] == "paced"]
print(f"detail: database alone ({base['writers']} writers, outbox trigger, no relay): "
      f"{float(base['inserts_per_s']):.0f} inserts/s, {base['cpu_machine']} cores busy")
for r in (r for r in runs if r["phase"] == "baseline_listen"):
    print(f"detail: database alone + one connection LISTENing: {float(r['inserts_per_s']):.0f} inserts/s "
          f"({r['notifications']} notifications read)")
if not relay:
    sys.exit(0)
print("| batch | events/s | p50 | p99 | max | inserts/s meanwhile | backlog when writers stopped | relay alone (drain) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for b in sorted(relay):
    r, d = relay[b], drain.get(b)
    alone = f"{float(d['steady_events_per_s']):.0f}/s" if d else "-"
    print(f"| {b} | {float(r['events_per_s']):.0f} | {float(r['p50_ms']):.1f} ms | {float(r['p99_ms']):.1f} ms "
          f"| {float(r['max_ms']):.1f} ms | {float(r['inserts_per_s']):.0f} | {r['backlog_at_stop']} | {alone} |")
for r in paced:
    print(f"| {r['batch']}, writers paced at {float(r['rate_target']):.0f}/s | {float(r['events_per_s']):.0f} "
          f"| {float(r['p50_ms']):.1f} ms | {float(r['p99_ms']):.1f} ms | {float(r['max_ms']):.1f} ms "
          f"| {float(r['inserts_per_s']):.0f} | {r['backlog_at_stop']} | - |")
for r in list(relay.values()) + paced:
    print(f"detail: {r['phase']} batch {r['batch']}: {r['invocations']} invocations for {r['delivered']} events, "
          f"{r['duplicates']} duplicates, p90 {float(r['p90_ms']):.1f} ms, p99.9 {float(r['p999_ms']):.1f} ms, "
          f"{r['cpu_bench']} cores in the benchmark process, {r['cpu_machine']} on the machine")
    if int(r["lost"]) or r["complete"] != "true":
        sys.exit(f"relay: batch {r['batch']}: {r['lost']} committed rows never arrived; the figures would be meaningless")
top = relay[max(relay)]
ours, peer = float(top["events_per_s"]), float(base["inserts_per_s"])
print(f"relay: ours {ours:.0f}/s, database inserts {peer:.0f}/s, ratio {ours / peer:.2f} (batch {max(relay)}: "
      f"p50 {float(top['p50_ms']):.1f} ms, p99 {float(top['p99_ms']):.1f} ms, max {float(top['max_ms']):.1f} ms)")
PY
    ;;
*)
    echo "usage: Benchmarks/run.sh sigv4|events|network|iam|invoke|relay" >&2
    exit 2
    ;;
esac
