# schema-diff benchmark (issue 6): include(${CMAKE_CURRENT_SOURCE_DIR}/schema_diff.cmake)
# from bench/CMakeLists.txt, then `make bench-schema-diff`.  Uses the public
# API only.  Times QEMU's vmstate-static-checker.py in the same run when
# python3 and the script (VMC_QEMU_CHECKER) are there.
add_executable(vmc_bench_schema_diff ${CMAKE_CURRENT_LIST_DIR}/bench_schema_diff.c)
target_link_libraries(vmc_bench_schema_diff PRIVATE vmcompat ZLIB::ZLIB)
set(VMC_QEMU_CHECKER
    "${PROJECT_SOURCE_DIR}/../scratch/qemu-7.2+dfsg/scripts/vmstate-static-checker.py" CACHE FILEPATH
    "QEMU's scripts/vmstate-static-checker.py, timed for comparison when it exists")
target_compile_definitions(vmc_bench_schema_diff PRIVATE
  VMC_BENCH_CORPUS_DIR="${VMC_CORPUS_DIR}"
  VMC_BENCH_CHECKER="${VMC_QEMU_CHECKER}")
add_custom_target(bench-schema-diff
  COMMAND $<TARGET_FILE:vmc_bench_schema_diff> --check
  DEPENDS vmc_bench_schema_diff
  USES_TERMINAL
  COMMENT "Benchmark: vmcompat schema-diff vs QEMU's vmstate-static-checker.py")
