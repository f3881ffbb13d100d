#!/usr/bin/env bash
# Runs the collector benchmark N times in a row and sums the runs up: each run's median ratio, their median, how
# many fell under one half, the interval that holds the median of runs with at least 95 % confidence (order
# statistics, no assumption about the distribution), and each side's CPU per record (median over the runs). On two
# shared cores one run's ratio moves by a tenth or more from one run to the next, so a claim about the collector's
# rate rests on many runs, not one.
# Usage, from any directory, after `./mvnw -q -DskipTests install` at the repository root:
#   batch-collector/bench/repeat.sh [N, default 10] [-Dbench.codeBytes=4000 ...]
# Each run's full output is kept under batch-collector/target/bench-runs/.
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
runs=10
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    runs=$1
    shift
fi
if (( runs < 1 || runs > 100 )); then
    echo "repeat.sh: N must be 1-100 but was $runs" >&2
    exit 64
fi
cd "$(dirname "$0")/.."
out=target/bench-runs/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
../mvnw -q test-compile >"$out/compile.log" 2>&1 || { echo "test-compile failed, see $out/compile.log" >&2; exit 1; }
ratios=()
for i in $(seq "$runs"); do
    log="$out/run-$i.log"
    ../mvnw -q exec:exec@bench "$@" >"$log" 2>&1 || { echo "run $i failed, see $log" >&2; exit 1; }
    # the run's last line of results: "median ratio R over N rounds (whole legs); steady state (...) S"
    read -r ratio steady < <(sed -n 's/^median ratio \([0-9.]*\) over.* \([0-9.]*\)$/\1 \2/p' "$log" | tail -1) || true
    [[ -n ${ratio:-} ]] || { echo "run $i printed no ratio, see $log" >&2; exit 1; }
    ratios+=("$ratio")
    echo "run $i of $runs: median ratio $ratio, steady state $steady (load average $(cut -d' ' -f1 /proc/loadavg))"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v dir="$out" '
    { r[NR] = $1; if ($1 < 0.5) under++ }
    END {
        n = NR
        median = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
        # largest k with P(Binomial(n, 1/2) < k) <= 2.5 %: [r[k], r[n + 1 - k]] holds the median with >= 95 %
        p = 0.5 ^ n; cdf = 0; k = 0
        for (j = 0; j < n; j++) {
            cdf += p
            if (cdf > 0.025) break
            k = j + 1
            p = p * (n - j) / (j + 1)
        }
        line = ""
        for (i = 1; i <= n; i++) line = line (i > 1 ? ", " : "") r[i]
        printf "runs: %s\n", line
        printf "median of %d runs: %.3f; under one half: %d\n", n, median, under + 0
        if (k >= 1) printf "95 %% interval of the median: %s-%s\n", r[k], r[n + 1 - k]
        else printf "95 %% interval of the median: needs at least 6 runs\n"
        printf "logs: %s\n", dir
    }'
# CPU per record resolves smaller differences than the ratio does: the median over the runs of each run's medians
median() { # of the numbers on standard input
    sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
cpu_medians() { # $1: the start of the run's line, $2: what to call it
    local pairs
    pairs=$(sed -n "s/^$1.*pass-through \([0-9.]*\) us, collector \([0-9.]*\) us$/\1 \2/p" "$out"/run-*.log)
    [[ -n $pairs ]] || return 0
    echo "CPU per record, $2 (median of $(wc -l <<<"$pairs") runs):" \
        "pass-through $(cut -d' ' -f1 <<<"$pairs" | median) us, collector $(cut -d' ' -f2 <<<"$pairs" | median) us"
}
cpu_medians "median CPU per record in each application's threads" "applications' threads"
cpu_medians "median CPU per record in the broker's JVM" "broker's JVM"
