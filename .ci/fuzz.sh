#!/usr/bin/env bash
# Builds the libFuzzer targets of the Fuzz/ package and runs each for a time or a number of runs.
#
#   .ci/fuzz.sh [--release] [--seconds N | --runs N] [--seed N] [TARGET...]   fuzz (default: --seconds 20, all)
#   .ci/fuzz.sh [--release] --minimize TARGET FILE                 minimise a crashing input (-minimize_crash=1)
#
# The build is `-c debug` (as CI runs it); --release builds `-c release` with the same sanitizers (Swift's
# overflow and bounds traps stay on; about 5-10 times more executions per second, for long runs).
#
# Each target first replays its stored crashes (Fuzz/Crashes/<Target>/: they must not crash any more), then
# fuzzes a temporary copy of its seed corpus (Fuzz/Corpus/<Target>/, which therefore never changes) with its
# dictionary. A new crash, timeout or out-of-memory input is written to Fuzz/Crashes/<Target>/ and the script
# exits 1 after printing, per target: executions, exec/s, coverage (cov/ft of libFuzzer's last status line) and
# crashes. `--runs N --seed N` is reproducible (CI runs it so: same binary, same corpus, same seed and Swift's
# deterministic hashing give the same inputs on every machine). --no-build runs the binaries already built.
# Environment: FUZZ_JOBS_LOG_DIR keeps the libFuzzer logs there (default: a temporary directory, removed unless
# a target failed).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(FuzzEvents FuzzPolicy FuzzARN FuzzNetwork FuzzSharedConfig FuzzInvokeResponse FuzzSigV4 FuzzCLIInputs)
mode=(-max_total_time=20)
configuration=debug
build=1
seed=()
targets=()
minimize=()
while (($#)); do
    case $1 in
        --seconds) mode=("-max_total_time=${2:?--seconds needs a value}"); shift 2 ;;
        --runs) mode=("-runs=${2:?--runs needs a value}"); shift 2 ;;
        --seed) seed=("-seed=${2:?--seed needs a value}"); shift 2 ;;
        --release) configuration=release; shift ;;
        --no-build) build=0; shift ;;
        --minimize) minimize=("${2:?--minimize TARGET FILE}" "${3:?--minimize TARGET FILE}"); shift 3 ;;
        -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")
for target in "${targets[@]}" ${minimize[0]:+"${minimize[0]}"}; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz: unknown target $target" >&2; exit 2; }
done

echo "== building the fuzz targets ($configuration, -sanitize=fuzzer,address)"
build_log=$(mktemp)
if ((build)) && ! swift build --package-path Fuzz -c "$configuration" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    >"$build_log" 2>&1; then
    grep -v 'Cannot export local symbol' "$build_log" >&2
    rm -f "$build_log"
    exit 1
fi
rm -f "$build_log"
bin=Fuzz/.build/$configuration

# The dictionary and extra options of each target.
dictionary() {
    case $1 in
        FuzzEvents | FuzzNetwork | FuzzCLIInputs) cat Fuzz/Dictionaries/json.dict ;;
        FuzzPolicy | FuzzARN) cat Fuzz/Dictionaries/iam.dict Fuzz/Dictionaries/json.dict ;;
        FuzzSharedConfig) cat Fuzz/Dictionaries/ini.dict ;;
        FuzzInvokeResponse) cat Fuzz/Dictionaries/http.dict Fuzz/Dictionaries/json.dict ;;
        FuzzSigV4) cat Fuzz/Dictionaries/http.dict ;;
    esac
}
options() {
    case $1 in
        FuzzARN) echo "-max_len=1024" ;;
        FuzzSharedConfig | FuzzInvokeResponse | FuzzSigV4) echo "-max_len=4096" ;;
        *) echo "" ;;
    esac
}
# Leak reports are off: the Swift runtime's caches look like leaks to LeakSanitizer. Memory growth is still
# caught by -rss_limit_mb, and every trap, overflow and ASan error is a crash.
common=(-print_final_stats=1 -detect_leaks=0 -timeout=30 -rss_limit_mb=4096)
# Swift's own crash handler would run inside ASan and hide the real report (it shows as an "unknown-crash" in
# memserver_read): let libFuzzer and ASan report traps and overflows themselves. Deterministic hashing makes
# Dictionary and Set order, hence coverage and the inputs libFuzzer derives from it, the same on every run.
export SWIFT_BACKTRACE=enable=no SWIFT_DETERMINISTIC_HASHING=1

if ((${#minimize[@]})); then
    target=${minimize[0]} input=${minimize[1]}
    "$bin/$target" "${common[@]}" -minimize_crash=1 -runs=100000 -exact_artifact_path="$input.min" "$input"
    echo "fuzz: minimised input written to $input.min ($(wc -c <"$input.min") bytes)"
    exit 0
fi

logs=${FUZZ_JOBS_LOG_DIR:-$(mktemp -d)}
mkdir -p "$logs"
failed=()
summary=()
for target in "${targets[@]}"; do
    crashes=Fuzz/Crashes/$target
    mkdir -p "$crashes"
    log=$logs/$target.log
    : >"$log"
    # 1. Stored crashes must not crash any more.
    stored=("$crashes"/*)
    [[ -e ${stored[0]} ]] || stored=()
    regressed=0
    if ((${#stored[@]})) && ! "$bin/$target" "${common[@]}" "${stored[@]}" >>"$log" 2>&1; then
        regressed=1
    fi
    # 2. Fuzz a copy of the seed corpus.
    work=$(mktemp -d)
    # Scratch files of a harness (FuzzSharedConfig writes its two files there), in memory when possible.
    scratch=$(mktemp -d -p "$([[ -d /dev/shm ]] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
    cp -R Fuzz/Corpus/"$target"/. "$work"/ 2>/dev/null || true
    dict=$(mktemp)
    dictionary "$target" >"$dict"
    before=$(find "$crashes" -type f | wc -l)
    echo "== $target (${mode[*]})"
    status=0
    # shellcheck disable=SC2046 # options() prints zero or one word
    FUZZ_SCRATCH_DIR=$scratch "$bin/$target" "${common[@]}" "${mode[@]}" ${seed[@]+"${seed[@]}"} -dict="$dict" -artifact_prefix="$crashes/" $(options "$target") \
        "$work" >>"$log" 2>&1 || status=$?
    rm -rf "$work" "$dict" "$scratch"
    after=$(find "$crashes" -type f | wc -l)
    new=$((after - before))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    runs=${runs:-$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")}
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || true)
    line=$(printf '%-19s executions=%-9s exec/s=%-6s cov=%-5s ft=%-6s crashes=%s' \
        "$target" "${runs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$new")
    ((regressed)) && line+=" (a stored crash still crashes)"
    echo "$line"
    summary+=("$line")
    if ((status != 0 || new > 0 || regressed)); then
        failed+=("$target")
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*fuzz property violated|artifact_prefix|Test unit written| +#[0-9]+ )' \
            "$log" | head -n 40 >&2 || true
    fi
done

echo
echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
    echo "fuzz: FAILED: ${failed[*]} (inputs under Fuzz/Crashes/<Target>/, logs in $logs)" >&2
    exit 1
fi
[[ -n ${FUZZ_JOBS_LOG_DIR:-} ]] || rm -rf "$logs"
echo "fuzz: ok"
