# Build step: embed schemas/machine-types/qemu-7.2.json into the vmcompat
# library as a byte array (machine_types_builtin.inc in the build directory,
# included by src/machine-types/mt_builtin.c), so the binary needs no data
# file at run time.
#
# Include it from the top-level CMakeLists.txt after add_library(vmcompat):
#     include(src/machine-types/embed.cmake)
# It can also be given as -DCMAKE_PROJECT_INCLUDE=<this file>: it then defers
# itself to the end of the top-level directory, when the target exists.
if(NOT TARGET vmcompat)
  if(NOT VMC_MT_EMBED_DEFERRED AND CMAKE_VERSION VERSION_GREATER_EQUAL 3.19)
    set(VMC_MT_EMBED_DEFERRED ON)
    # DEFER expands variables when the call runs: bake the path in now.
    cmake_language(EVAL CODE
      "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL include [[${CMAKE_CURRENT_LIST_FILE}]])")
  endif()
  return()
endif()
get_property(_vmc_mt_done GLOBAL PROPERTY VMC_MT_EMBEDDED)
if(_vmc_mt_done)
  return()
endif()
set_property(GLOBAL PROPERTY VMC_MT_EMBEDDED ON)

set(VMC_MT_JSON ${CMAKE_CURRENT_LIST_DIR}/../../schemas/machine-types/qemu-7.2.json)
get_filename_component(VMC_MT_JSON ${VMC_MT_JSON} ABSOLUTE)
set(VMC_MT_GEN_DIR ${CMAKE_BINARY_DIR}/generated/machine-types)
set(VMC_MT_INC ${VMC_MT_GEN_DIR}/machine_types_builtin.inc)
add_custom_command(
  OUTPUT ${VMC_MT_INC}
  COMMAND ${CMAKE_COMMAND} -DIN=${VMC_MT_JSON} -DOUT=${VMC_MT_INC}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_json.cmake
  DEPENDS ${VMC_MT_JSON} ${CMAKE_CURRENT_LIST_DIR}/embed_json.cmake
  COMMENT "Embedding machine-type tables (qemu-7.2.json)"
  VERBATIM)
target_sources(vmcompat PRIVATE ${VMC_MT_INC})
target_include_directories(vmcompat PRIVATE ${VMC_MT_GEN_DIR})
# mt_builtin.c includes the generated file: make sure it exists first.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/mt_builtin.c PROPERTIES
  OBJECT_DEPENDS ${VMC_MT_INC})
