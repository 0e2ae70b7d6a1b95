/*
 * Compare two migration streams record by record, ignoring where RAM pages
 * are split into PART sections: QEMU cuts its RAM iterations by elapsed time
 * (50 ms), so two runs of the same never-started machine may frame the same
 * pages differently.  Everything else must be equal: header, configuration,
 * RAM block list, every page (block, offset, kind, bytes, flags), device
 * sections (header and payload), EOF and the vmdesc.
 */
#ifndef VMC_TEST_STREAM_EQUIV_H
#define VMC_TEST_STREAM_EQUIV_H

#include <stddef.h>

/* 0 when equivalent; 1 with a description of the first difference in why;
 * -1 when a stream cannot be read (why says so). */
int se_compare_files(const char *a, const char *b, char *why, size_t why_len);

/* Flags of se_compare_files_ex. */
enum {
    /* Option ROM blocks ("<dev>/<name>.rom", "/rom@genroms/...") hold the
     * firmware files of the host that wrote the stream: compare their
     * pages' addresses only (for streams written on another host). */
    SE_IGNORE_ROM_CONTENTS = 1,
};
int se_compare_files_ex(const char *a, const char *b, unsigned flags, char *why, size_t why_len);

#endif
