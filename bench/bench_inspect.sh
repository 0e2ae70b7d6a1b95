#!/bin/sh
# Benchmark of issue 2's speed goal: `vmcompat inspect FILE` against
# `cat FILE > /dev/null` (and QEMU's scripts/analyze-migration.py when
# available) on big streams made by the real QEMU.
#
#   bench_inspect.sh GEN_STREAM RUN_TIMED VMCOMPAT [WORKDIR [ANALYZE_PY [BUILD_TYPE]]]
#
# Environment:
#   VMC_BENCH_DIR        work directory (default: WORKDIR, else /tmp/vmc-bench);
#                        streams are generated there once and reused
#   VMC_BENCH_STREAMS    streams to measure (default "random zero compress"):
#                          random   guest RAM full of pseudo-random pages (PAGE records)
#                          zero     fresh guest (zero pages)
#                          compress random guest, compress capability, level 1
#   VMC_BENCH_SIZE_MB    guest RAM in MiB (default 1024)
#   VMC_BENCH_RUNS       timed runs per tool (default 7)
#   VMC_BENCH_PY_RUNS    runs of analyze-migration.py (default 1; 0 = skip it)
#   VMC_BENCH_PY_TIMEOUT seconds before analyze-migration.py is killed (default 300)
#   VMC_BENCH_STRICT     1: exit 1 when the goal is missed (see below)
#
# Every tool runs in the same invocation with a warm page cache.  Printed
# per stream and tool: best and median wall time, best CPU time (user+sys),
# MB/s of stream bytes at the best wall time, peak RSS, and cat's time
# divided by the tool's (>= 1.0 is the goal), for wall and CPU time.
# Exit status 1 when a tool or the stream generation fails, and with
# VMC_BENCH_STRICT=1 also when vmcompat misses the goal on the random stream
# (cat/vmcompat wall ratio < 1.0 or peak RSS >= 64 MiB).
set -u

usage="usage: bench_inspect.sh GEN_STREAM RUN_TIMED VMCOMPAT [WORKDIR [ANALYZE_PY [BUILD_TYPE]]]"
GEN=${1:?$usage}
TIMED=${2:?$usage}
CLI=${3:?$usage}
DIR=${VMC_BENCH_DIR:-${4:-/tmp/vmc-bench}}
PY_SCRIPT=${5:-}
BUILD_TYPE=${6:-}
STREAMS=${VMC_BENCH_STREAMS:-random zero compress}
SIZE_MB=${VMC_BENCH_SIZE_MB:-1024}
RUNS=${VMC_BENCH_RUNS:-7}
PY_RUNS=${VMC_BENCH_PY_RUNS:-1}
PY_TIMEOUT=${VMC_BENCH_PY_TIMEOUT:-300}
STRICT=${VMC_BENCH_STRICT:-0}

mkdir -p "$DIR" || exit 1
. "$(dirname "$0")/bench_streams.sh"
warn_build_type "$BUILD_TYPE"

# Summarise run lines "wall_ns user_us sys_us rss_kib" on stdin as
# "wall_best_ns wall_median_ns cpu_best_us rss_max_kib".
summarise() {
    awk '{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > rss) rss = $4 }
         END {
             n = NR
             for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) {
                 if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
                 if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t }
             }
             med = (n % 2) ? w[(n + 1) / 2] : (w[n / 2] + w[n / 2 + 1]) / 2
             printf "%.0f %.0f %.0f %.0f\n", w[1], med, c[1], rss
         }'
}

# measure TOOLNAME RUNS CMD...: prints the row, sets M_WALL M_CPU M_RSS
measure() {
    label=$1; n=$2; shift 2
    if ! "$TIMED" $timeout_opt "$n" "$@" > "$DIR/.runs" 2> "$DIR/.stderr"; then
        printf '%-9s %-10s FAILED: %s\n' "$kind" "$label" "$(tail -n 3 "$DIR/.stderr" | tr '\n' ' ')"
        return 1
    fi
    set -- $(summarise < "$DIR/.runs")
    M_WALL=$1; M_MED=$2; M_CPU=$3; M_RSS=$4
    awk -v k="$kind" -v l="$label" -v w="$M_WALL" -v m="$M_MED" -v c="$M_CPU" -v r="$M_RSS" \
        -v b="$size" -v cw="${CAT_WALL:-$M_WALL}" -v cc="${CAT_CPU:-$M_CPU}" 'BEGIN {
        printf "%-9s %-10s %9.3f %9.3f %9.3f %8.0f %8.1f %8.2f %8.2f\n", k, l, w / 1e9, m / 1e9,
               c / 1e6, (w > 0 ? b / 1048576 / (w / 1e9) : 0), r / 1024,
               (w > 0 ? cw / w : 0), (c > 0 ? cc / c : 0) }'
}

have_py=0
if [ "$PY_RUNS" -gt 0 ] && [ -n "$PY_SCRIPT" ] && [ -f "$PY_SCRIPT" ] &&
   command -v python3 > /dev/null; then
    # the interpreter itself, not a wrapper (pyenv shims cost ~0.3 s per start)
    PY=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$PY" ] && have_py=1
fi

echo "vmcompat: $CLI ($BUILD_TYPE)"
echo "work dir: $DIR; guest RAM ${SIZE_MB} MiB; $RUNS runs per tool; page cache warm"
[ "$have_py" = 1 ] && echo "analyze-migration.py: $PY $PY_SCRIPT ($PY_RUNS run(s), timeout ${PY_TIMEOUT}s)"
printf '\n%-9s %-10s %9s %9s %9s %8s %8s %8s %8s\n' stream tool wall_best wall_med cpu_best \
       MB/s rss_MiB cat/wall cat/cpu
status=0
summary=""
for kind in $STREAMS; do
    file=$(gen "$kind") || { status=1; continue; }
    size=$(stat -c %s "$file")
    cat "$file" > /dev/null                                  # warm the page cache
    timeout_opt=""
    CAT_WALL=""; CAT_CPU=""
    measure cat "$RUNS" cat "$file" || { status=1; continue; }
    CAT_WALL=$M_WALL; CAT_CPU=$M_CPU
    if ! measure vmcompat "$RUNS" "$CLI" inspect "$file"; then
        status=1
        continue
    fi
    V_WALL=$M_WALL; V_MED=$M_MED; V_CPU=$M_CPU; V_RSS=$M_RSS
    P_WALL=0; P_CPU=0
    if [ "$have_py" = 1 ]; then
        timeout_opt="--timeout-s $PY_TIMEOUT"
        if measure analyze.py "$PY_RUNS" "$PY" "$PY_SCRIPT" -f "$file"; then
            P_WALL=$M_WALL; P_CPU=$M_CPU
        fi
    fi
    line=$(awk -v k="$kind" -v b="$size" -v cw="$CAT_WALL" -v cc="$CAT_CPU" -v w="$V_WALL" \
               -v m="$V_MED" -v c="$V_CPU" -v r="$V_RSS" -v pw="$P_WALL" -v pc="$P_CPU" 'BEGIN {
        # the goal is stated for the stream full of page data only
        ok = (k != "random") ? "n/a" : (cw / w >= 1.0 && r < 65536) ? "yes" : "no"
        printf "RESULT stream=%s bytes=%.0f cat_wall_s=%.3f vmcompat_wall_best_s=%.3f " \
               "vmcompat_wall_median_s=%.3f vmcompat_cpu_s=%.3f ratio_wall=%.2f ratio_cpu=%.2f " \
               "vmcompat_peak_rss_kib=%.0f goal_met=%s", k, b, cw / 1e9, w / 1e9, m / 1e9, c / 1e6,
               cw / w, (c > 0 ? cc / c : 0), r, ok
        if (pw > 0)
            printf " analyze_py_wall_s=%.3f speedup_vs_analyze_py_wall=%.1f speedup_vs_analyze_py_cpu=%.1f",
                   pw / 1e9, pw / w, (c > 0 ? pc / c : 0)
    }')
    summary="$summary
$line"
    case "$STRICT:$kind:$line" in
        1:random:*goal_met=no*) status=1 ;;
    esac
done
echo "$summary"
rm -f "$DIR/.runs" "$DIR/.stderr"
exit $status
