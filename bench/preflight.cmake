# Preflight benchmark (issue 5): included from bench/CMakeLists.txt, then
# `make bench-preflight`.  Times `vmcompat preflight STREAM -- ARGS` against
# `vmcompat inspect -q STREAM` on the streams of `make bench` (generated into
# VMC_BENCH_DIR once, shared) and fails when preflight costs more than 1.2x
# inspect.  Knobs (streams, size, runs, the ratio) in bench_preflight.sh.
add_custom_target(bench-preflight
  COMMAND /bin/sh ${CMAKE_CURRENT_LIST_DIR}/bench_preflight.sh
          $<TARGET_FILE:vmc_gen_stream> $<TARGET_FILE:vmc_run_timed> $<TARGET_FILE:vmcompat-cli>
          "${VMC_BENCH_DIR}" "${CMAKE_BUILD_TYPE}"
  VERBATIM
  DEPENDS vmc_gen_stream vmc_run_timed vmcompat-cli
  USES_TERMINAL
  COMMENT "Benchmark: vmcompat preflight vs vmcompat inspect")
