/*
 * Byte sources and sinks.
 *
 * A vmc_source is a buffered, forward-only reader over a regular file, a
 * pipe, a socket, stdin or a memory buffer.  It counts absolute byte offsets
 * from the first byte it delivered, so every error can name the offset.
 *
 * A vmc_sink is a buffered writer.  A sink opened on a path writes to a
 * temporary file in the same directory and renames it over the path only in
 * vmc_sink_commit(): a failed or abandoned write never leaves a half-written
 * output file.
 */
#ifndef VMCOMPAT_SOURCE_H
#define VMCOMPAT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmc_source vmc_source;
typedef struct vmc_sink vmc_sink;

/* Open path for reading; "-" means standard input.  *out is owned by the caller. */
int vmc_source_open_path(vmc_source **out, const char *path);

/* Read from fd (file, pipe or socket).  The fd is closed by vmc_source_free
 * only when take_ownership is non-zero.  name is used in messages. */
int vmc_source_open_fd(vmc_source **out, int fd, int take_ownership, const char *name);

/* Read from memory.  The bytes must stay valid while the source lives. */
int vmc_source_open_memory(vmc_source **out, const void *data, size_t len, const char *name);

void vmc_source_free(vmc_source *src);

/* Name given at open time (path, "<stdin>" ...). */
const char *vmc_source_name(const vmc_source *src);

/* Total size if known (regular files, memory), else -1. */
int64_t vmc_source_size(const vmc_source *src);

/* Absolute offset of the next byte to be read. */
int64_t vmc_source_tell(const vmc_source *src);

/* Open a sink that atomically replaces path on commit ("-" = stdout, written directly). */
int vmc_sink_open_path(vmc_sink **out, const char *path);
/* A sink that writes to fd (not closed on free unless take_ownership). */
int vmc_sink_open_fd(vmc_sink **out, int fd, int take_ownership, const char *name);
/* A growable in-memory sink; see vmc_sink_memory(). */
int vmc_sink_open_memory(vmc_sink **out);

int vmc_sink_write(vmc_sink *snk, const void *data, size_t len);
int vmc_sink_put_u8(vmc_sink *snk, uint8_t v);
int vmc_sink_put_be16(vmc_sink *snk, uint16_t v);
int vmc_sink_put_be32(vmc_sink *snk, uint32_t v);
int vmc_sink_put_be64(vmc_sink *snk, uint64_t v);
int64_t vmc_sink_tell(const vmc_sink *snk);

/* Contents of a memory sink (valid until the next write or free). */
const uint8_t *vmc_sink_memory(const vmc_sink *snk, size_t *len);

/* Flush; for a path sink, fsync and rename the temporary file into place. */
int vmc_sink_commit(vmc_sink *snk);

/* Free; a path sink that was not committed deletes its temporary file. */
void vmc_sink_free(vmc_sink *snk);

#ifdef __cplusplus
}
#endif
#endif
