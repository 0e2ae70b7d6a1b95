# cmake -DIN=<json> -DOUT=<inc> -P embed_json.cmake
# Writes IN, without its line breaks and indentation, as a C byte array
# (vmc_mt_builtin_json, NUL-terminated) and its length
# (vmc_mt_builtin_json_len, without the NUL).
if(NOT IN OR NOT OUT)
  message(FATAL_ERROR "usage: cmake -DIN=file.json -DOUT=file.inc -P embed_json.cmake")
endif()
# A newline in JSON text is always whitespace between tokens (strings cannot
# hold one raw), so each newline and the indentation after it can go: less
# text for the parser at every start of the program.
file(READ ${IN} _text)
string(REGEX REPLACE "\n *" "" _text "${_text}")
file(WRITE ${OUT}.json "${_text}")
file(READ ${OUT}.json _hex HEX)
file(REMOVE ${OUT}.json)
string(LENGTH "${_hex}" _n)
math(EXPR _len "${_n} / 2")
# 16 bytes (32 hex digits) per line keeps the file easy on compilers and tools.
string(REGEX REPLACE "(................................)" "\\1\n    " _hex "${_hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
get_filename_component(_name ${IN} NAME)
file(WRITE ${OUT}.tmp
"/* Generated from ${_name} by src/machine-types/embed_json.cmake: do not edit. */\n"
"static const unsigned char vmc_mt_builtin_json[] = {\n    ${_bytes}0x00\n};\n"
"static const size_t vmc_mt_builtin_json_len = ${_len};\n")
file(RENAME ${OUT}.tmp ${OUT})
