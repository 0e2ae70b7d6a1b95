#!/bin/sh
# Regenerate the committed fuzz seeds from the shared QEMU corpus.
#   fuzz/make_seeds.sh BUILD_DIR [CORPUS_DIR]
# BUILD_DIR holds fuzz/vmc_make_seeds (any build: make vmc_make_seeds).
# Writes fuzz/seeds/stream/*.stream and fuzz/seeds/vmdesc/*.vmdesc;
# fuzz/seeds/vmdesc/hand-*.vmdesc and fuzz/seeds/regressions/ are left alone.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: make_seeds.sh BUILD_DIR [CORPUS_DIR]}
corpus=${2:-$here/../../shared/corpus}
gen="$build/fuzz/vmc_make_seeds"
s="$here/seeds/stream"
v="$here/seeds/vmdesc"
mkdir -p "$s" "$v"
c="$corpus/streams"
# q35 with its first 12 device sections (timer, cpu ...), also without trailer
"$gen" -n -k 12 "$s" "$v" "$c/s-pc-q35-6.0--none--fresh.mig.gz"
# pc-i440fx-1.4: no configuration, no footers, no globalstate; also without trailer
"$gen" -n "$s" "$v" "$c/s-pc-i440fx-1.4--none--fresh.mig.gz"
# no device sections at all: RAM framing, EOF, an empty device list
"$gen" -k 0 "$s" "$v" "$c/s-pc-q35-7.2--cirrus--fresh.mig.gz"
# virtio blob
"$gen" -k 3 -s virtio "$s" "$v" "$c/s-pc-q35-7.2--virtio-blk--fresh.mig.gz"
# XBZRLE pages, compressed pages
"$gen" -k 3 "$s" "$v" "$c/s-pc-q35-6.0--none--xbzrle.mig.gz"
"$gen" -k 3 "$s" "$v" "$c/cap-compress-both-q35-7.2.mig.gz"
# configuration subsections: uuid, capabilities (x-ignore-shared: GPAs in the block list)
"$gen" -k 3 "$s" "$v" "$c/s-pc-i440fx-2.12--none--validate-uuid.mig.gz"
"$gen" -k 3 "$s" "$v" "$c/cap-ignore-shared-src-only-q35-7.2.mig.gz"
# PCIe root port + xHCI behind it (4096-byte config, msix)
"$gen" -k 2 -s xhci -s pcie-root-port "$s" "$v" "$c/s-pc-q35-7.2--rp-xhci--fresh.mig.gz"
# a live migration: many RAM PART sections
"$gen" -k 2 "$s" "$v" "$c/s-pc-i440fx-7.2--full-pc--live1500.mig.gz"
# hand-written framing seeds (commands, PACKAGED, block, dirty-bitmap, page bits, no footers)
"$gen" -H "$s"
du -sh "$here/seeds"
