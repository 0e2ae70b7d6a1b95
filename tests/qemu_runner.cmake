# The QEMU runner (qemu_runner.c) and the QMP client it uses, for the tests
# and the benches.  Meant to be included by tests/CMakeLists.txt after
# vmc_testutil is defined:  include(qemu_runner.cmake)
# bench/CMakeLists.txt includes it too; the guard makes that harmless.
include_guard(GLOBAL)
target_sources(vmc_testutil PRIVATE ${CMAKE_CURRENT_LIST_DIR}/qemu_runner.c)
