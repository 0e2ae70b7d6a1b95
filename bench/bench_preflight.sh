#!/bin/sh
# Benchmark of issue 5's speed goal: `vmcompat preflight STREAM -- ARGS` of
# the stream of a 1 GiB guest costs at most 1.2x `vmcompat inspect -q STREAM`.
#
#   bench_preflight.sh GEN_STREAM RUN_TIMED VMCOMPAT [WORKDIR [BUILD_TYPE]]
#
# The streams are the ones of bench_inspect.sh (same generator, same file
# names in the same work directory): made once with the real QEMU, reused.
# The destination of preflight is given the QEMU arguments the stream was
# made with (gen_stream through tests/qemu_runner.c; only the per-run -qmp
# socket is left out), so QEMU 7.2 would load every stream on it.
#
# Environment:
#   VMC_BENCH_DIR        work directory (default: WORKDIR, else /tmp/vmc-bench)
#   VMC_BENCH_STREAMS    streams to measure (default "random zero"):
#                          random   guest RAM full of pseudo-random pages (PAGE records)
#                          zero     fresh guest (zero pages)
#                          compress random guest, compress capability, level 1
#                                   (preflight gets --cap compress=on)
#   VMC_BENCH_SIZE_MB    guest RAM in MiB (default 1024)
#   VMC_BENCH_RUNS       timed runs per tool (default 9); the two tools
#                        alternate run by run so that load changes on the
#                        machine hit both alike
#   VMC_BENCH_MAX_RATIO  the goal (default 1.2)
#
# Printed per stream and tool: median and best wall time, median CPU time
# (user+sys), peak RSS, and preflight/inspect for the medians.  Both tools
# run under the same one-line sh wrapper (it checks the exit status; wait4
# counts the tool's time and RSS into the wrapper's), with a warm page cache.
# Before timing, preflight runs once untimed: its verdict is printed (a
# stream it cannot read to the end fails the benchmark, as the timing would
# then not cover the stream; an "incompatible" verdict only warns).
# Exit status 1 when a ratio (wall or CPU, median) exceeds the goal on any
# stream, or when generation or a tool fails.
set -u

usage="usage: bench_preflight.sh GEN_STREAM RUN_TIMED VMCOMPAT [WORKDIR [BUILD_TYPE]]"
GEN=${1:?$usage}
TIMED=${2:?$usage}
CLI=${3:?$usage}
DIR=${VMC_BENCH_DIR:-${4:-/tmp/vmc-bench}}
BUILD_TYPE=${5:-}
STREAMS=${VMC_BENCH_STREAMS:-random zero}
SIZE_MB=${VMC_BENCH_SIZE_MB:-1024}
RUNS=${VMC_BENCH_RUNS:-9}
MAX_RATIO=${VMC_BENCH_MAX_RATIO:-1.2}

mkdir -p "$DIR" || exit 1
. "$(dirname "$0")/bench_streams.sh"
warn_build_type "$BUILD_TYPE"

# dest_args KIND FILE: the QEMU arguments FILE was made with, one a line
# (sh has no arrays; no argument contains a newline).
dest_args() {
    echo "-M"; echo "pc-q35-7.2"
    case "$1" in
        random|compress)
            # gen_stream's memory-backend-file (the RAM file itself is gone)
            echo "-object"
            echo "memory-backend-file,id=m0,size=${SIZE_MB}M,mem-path=$2.ram,share=on"
            echo "-machine"; echo "memory-backend=m0" ;;
    esac
    echo "-m"; echo "${SIZE_MB}M"
    # the fixed arguments of tests/qemu_runner.c
    printf '%s\n' -accel tcg -display none -nodefaults -no-user-config -S
}

# The wrapper both tools run under: exit 0 iff the tool exits with $1.
WRAP='want=$1; shift; "$@"; [ $? -eq "$want" ]'

# Median of column $1 ("wall" = $1, "cpu" = $2 + $3), best wall, peak RSS of
# run lines "wall_ns user_us sys_us rss_kib" on stdin:
# "wall_median_ns wall_best_ns cpu_median_us rss_max_kib".
summarise() {
    awk '{ w[NR] = $1; c[NR] = $2 + $3; if ($4 > rss) rss = $4 }
         function median(a, n,   i, j, t) {
             for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                 if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
             return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
         }
         END {
             n = NR; wm = median(w, n); cm = median(c, n)
             printf "%.0f %.0f %.0f %.0f\n", wm, w[1], cm, rss
         }'
}

row() {   # row KIND TOOL WALL_MED WALL_BEST CPU_MED RSS
    awk -v k="$1" -v t="$2" -v wm="$3" -v wb="$4" -v c="$5" -v r="$6" -v b="$size" 'BEGIN {
        printf "%-9s %-10s %9.3f %9.3f %9.3f %8.0f %8.1f\n", k, t, wm / 1e9, wb / 1e9, c / 1e6,
               (wm > 0 ? b / 1048576 / (wm / 1e9) : 0), r / 1024 }'
}

echo "vmcompat: $CLI ($BUILD_TYPE)"
echo "work dir: $DIR; guest RAM ${SIZE_MB} MiB; $RUNS alternating runs per tool;" \
     "page cache warm; goal preflight/inspect <= $MAX_RATIO"
status=0
summary=""
header_done=0
for kind in $STREAMS; do
    file=$(gen "$kind") || { status=1; continue; }
    size=$(stat -c %s "$file")
    caps=""
    [ "$kind" = compress ] && caps="--cap compress=on"
    # the preflight command line, as positional parameters
    IFS='
'
    set -- $(dest_args "$kind" "$file")
    unset IFS
    set -- "$CLI" preflight $caps "$file" -- "$@"

    cat "$file" > /dev/null                                  # warm the page cache
    # untimed run: verdict, and proof that the whole stream was read
    "$@" > "$DIR/.verdict" 2> "$DIR/.stderr"
    pf_status=$?
    verdict=$(tail -n 2 "$DIR/.verdict" | grep -o '^compatible\|^incompatible' | tail -n 1)
    if [ "$pf_status" -gt 1 ] || [ -z "$verdict" ] || grep -q '^error *stream' "$DIR/.verdict"; then
        echo "$kind: preflight failed (exit $pf_status):"
        sed 's/^/    /' "$DIR/.verdict" "$DIR/.stderr" | head -n 20
        status=1
        continue
    fi
    if [ "$verdict" = incompatible ]; then
        echo "WARNING: $kind: preflight calls the stream incompatible with the arguments it was" \
             "made with (timed anyway: it read the whole stream):"
        grep -A 1 '^error' "$DIR/.verdict" | grep -v '^--' | sed 's/^/    /'
    fi

    : > "$DIR/.runs.inspect"
    : > "$DIR/.runs.preflight"
    failed=""
    r=0
    while [ "$r" -lt "$RUNS" ] && [ -z "$failed" ]; do
        "$TIMED" 1 sh -c "$WRAP" sh 0 "$CLI" inspect -q "$file" \
            >> "$DIR/.runs.inspect" 2> "$DIR/.stderr" || failed=inspect
        [ -n "$failed" ] && break
        "$TIMED" 1 sh -c "$WRAP" sh "$pf_status" "$@" \
            >> "$DIR/.runs.preflight" 2>> "$DIR/.stderr" || failed=preflight
        r=$((r + 1))
    done
    if [ -n "$failed" ]; then
        echo "$kind: $failed FAILED: $(tail -n 3 "$DIR/.stderr" | tr '\n' ' ')"
        status=1
        continue
    fi
    set -- $(summarise < "$DIR/.runs.inspect")
    I_WM=$1; I_WB=$2; I_CM=$3; I_RSS=$4
    set -- $(summarise < "$DIR/.runs.preflight")
    P_WM=$1; P_WB=$2; P_CM=$3; P_RSS=$4
    if [ "$header_done" = 0 ]; then
        printf '\n%-9s %-10s %9s %9s %9s %8s %8s\n' stream tool wall_med wall_best cpu_med \
               MB/s rss_MiB
        header_done=1
    fi
    row "$kind" inspect "$I_WM" "$I_WB" "$I_CM" "$I_RSS"
    row "$kind" preflight "$P_WM" "$P_WB" "$P_CM" "$P_RSS"
    line=$(awk -v k="$kind" -v b="$size" -v iw="$I_WM" -v ic="$I_CM" -v ir="$I_RSS" \
               -v pw="$P_WM" -v pc="$P_CM" -v pr="$P_RSS" -v max="$MAX_RATIO" \
               -v v="$verdict" 'BEGIN {
        rw = iw > 0 ? pw / iw : 0; rc = ic > 0 ? pc / ic : 0
        printf "RESULT stream=%s bytes=%.0f inspect_wall_median_s=%.3f " \
               "preflight_wall_median_s=%.3f ratio_wall=%.2f inspect_cpu_median_s=%.3f " \
               "preflight_cpu_median_s=%.3f ratio_cpu=%.2f inspect_peak_rss_kib=%.0f " \
               "preflight_peak_rss_kib=%.0f verdict=%s goal_met=%s", k, b, iw / 1e9, pw / 1e9,
               rw, ic / 1e6, pc / 1e6, rc, ir, pr, v, (rw <= max && rc <= max) ? "yes" : "no"
    }')
    summary="$summary
$line"
    case "$line" in
        *goal_met=no*) status=1 ;;
    esac
done
echo "$summary"
rm -f "$DIR/.runs.inspect" "$DIR/.runs.preflight" "$DIR/.verdict" "$DIR/.stderr"
exit $status
