# Shared by bench_inspect.sh and bench_preflight.sh (sourced, POSIX sh):
# the benchmark streams, made once with the real QEMU and reused.
# Needs GEN (vmc_gen_stream), DIR (work directory) and SIZE_MB.

# gen KIND: the path of the KIND stream, generated first if missing
#   random   guest RAM full of pseudo-random pages (PAGE records)
#   zero     fresh guest (zero pages)
#   compress random guest, compress capability, level 1
gen() {
    name=$1
    file="$DIR/$name-${SIZE_MB}m.mig"
    if [ ! -s "$file" ]; then
        case "$name" in
            random) "$GEN" --kind random --size-mb "$SIZE_MB" "$file" ;;
            zero) "$GEN" --kind zero --size-mb "$SIZE_MB" "$file" ;;
            compress) "$GEN" --kind random --size-mb "$SIZE_MB" --cap compress \
                             --params '{"compress-level": 1}' "$file" ;;
            *) echo "bench: unknown stream kind $name" >&2; false ;;
        esac >&2 || { rm -f "$file"; return 1; }
    fi
    echo "$file"
}

# warn_build_type TYPE: numbers of an unoptimised build mean little
warn_build_type() {
    case "$1" in
        Debug|debug|"")
            echo "WARNING: build type '$1' is not optimised; configure with" \
                 "-DCMAKE_BUILD_TYPE=Release (or RelWithDebInfo) for meaningful numbers" ;;
    esac
}
