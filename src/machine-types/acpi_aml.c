/*
 * AML byte-code writer (ACPI 6.x section 20, "ACPI Machine Language
 * Specification").  A term is a byte buffer plus how it is framed when it
 * is appended to its parent: a plain opcode byte in front, a package
 * (opcode, PkgLength), an extended-op package (0x5B, opcode, PkgLength), a
 * buffer (opcode, PkgLength, BufferSize) or a resource template (a buffer
 * that gets the End Tag).  The framing is applied on append, so a term is
 * built first and wrapped when its size is known.
 */
#include "machine-types/acpi_build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    FRAME_NONE,      /* bytes as they are */
    FRAME_OPCODE,    /* op byte, then the bytes */
    FRAME_PKG,       /* op, PkgLength, bytes */
    FRAME_EXT_PKG,   /* 0x5B, op, PkgLength, bytes */
    FRAME_BUFFER,    /* op, PkgLength, BufferSize, bytes */
    FRAME_RESOURCES, /* as FRAME_BUFFER after appending the End Tag */
} frame_kind;

struct vmc_aml {
    GByteArray *buf;
    uint8_t op;
    frame_kind frame;
};

static _Thread_local GPtrArray *arena;

static void free_term(gpointer p)
{
    vmc_aml *a = p;
    g_byte_array_free(a->buf, TRUE);
    g_free(a);
}

void vmc_aml_arena_begin(void)
{
    if (!arena) {
        arena = g_ptr_array_new_with_free_func(free_term);
    }
}

void vmc_aml_arena_end(void)
{
    if (arena) {
        g_ptr_array_free(arena, TRUE);
        arena = NULL;
    }
}

static vmc_aml *term(frame_kind frame, uint8_t op)
{
    vmc_aml *a = g_new0(vmc_aml, 1);
    a->buf = g_byte_array_new();
    a->frame = frame;
    a->op = op;
    vmc_aml_arena_begin();
    g_ptr_array_add(arena, a);
    return a;
}

static void put8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

static void put_le(GByteArray *b, uint64_t v, int size)
{
    for (int i = 0; i < size; i++) {
        put8(b, (uint8_t)(v >> (8 * i)));
    }
}

void vmc_acpi_append_le(GByteArray *b, uint64_t v, int size)
{
    put_le(b, v, size);
}

vmc_aml *vmc_aml_root(void)
{
    return term(FRAME_NONE, 0);
}

const uint8_t *vmc_aml_bytes(const vmc_aml *a, size_t *len)
{
    *len = a->buf->len;
    return a->buf->data;
}

/* ---- encodings ---- */

/*
 * PkgLength: 1 byte for up to 63, else a lead byte whose top two bits count
 * the following bytes; the low nibble of the lead byte holds bits 0-3 and
 * each following byte 8 more bits.  With incl_self the encoding's own size
 * is counted in the value (terms with an explicit length); field-unit
 * lengths do not count it.
 */
static void encode_pkglen(uint8_t out[4], int *n, unsigned len, bool incl_self)
{
    int bytes;
    if (len + 1 < (1u << 6)) {
        bytes = 1;
    } else if (len + 2 < (1u << 12)) {
        bytes = 2;
    } else if (len + 3 < (1u << 20)) {
        bytes = 3;
    } else {
        bytes = 4;
    }
    if (incl_self) {
        len += (unsigned)bytes;
    }
    if (bytes == 1) {
        out[0] = (uint8_t)len;
    } else {
        out[0] = (uint8_t)(((bytes - 1) << 6) | (len & 0xf));
        unsigned rest = len >> 4;
        for (int i = 1; i < bytes; i++) {
            out[i] = (uint8_t)rest;
            rest >>= 8;
        }
    }
    *n = bytes;
}

static void put_pkglen(GByteArray *b, unsigned len, bool incl_self)
{
    uint8_t enc[4];
    int n;
    encode_pkglen(enc, &n, len, incl_self);
    g_byte_array_append(b, enc, (guint)n);
}

/* Integer with the shortest prefix (ZeroOp, OneOp, Byte/Word/DWord/QWord). */
static void put_int(GByteArray *b, uint64_t v)
{
    if (v == 0) {
        put8(b, 0x00);
    } else if (v == 1) {
        put8(b, 0x01);
    } else if (v <= 0xff) {
        put8(b, 0x0a);
        put_le(b, v, 1);
    } else if (v <= 0xffff) {
        put8(b, 0x0b);
        put_le(b, v, 2);
    } else if (v <= 0xffffffffu) {
        put8(b, 0x0c);
        put_le(b, v, 4);
    } else {
        put8(b, 0x0e);
        put_le(b, v, 8);
    }
}

static void put_nameseg(GByteArray *b, const char *seg, size_t len)
{
    g_assert(len <= 4);
    g_byte_array_append(b, (const guint8 *)seg, (guint)len);
    for (size_t i = len; i < 4; i++) {
        put8(b, '_');
    }
}

/* NameString: root/parent prefixes, then NullName, one segment, DualName or MultiName. */
static void put_namestring(GByteArray *b, const char *s)
{
    while (*s == '\\' || *s == '^') {
        put8(b, (uint8_t)*s++);
    }
    int segs = 1;
    for (const char *p = s; *p; p++) {
        segs += *p == '.';
    }
    if (segs == 1 && !*s) {
        put8(b, 0x00);
        return;
    }
    if (segs == 2) {
        put8(b, 0x2e);
    } else if (segs > 2) {
        put8(b, 0x2f);
        put8(b, (uint8_t)segs);
    }
    while (1) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        put_nameseg(b, s, len);
        if (!dot) {
            break;
        }
        s = dot + 1;
    }
}

static void put_namestring_v(GByteArray *b, const char *fmt, va_list ap)
{
    char *s = g_strdup_vprintf(fmt, ap);
    put_namestring(b, s);
    g_free(s);
}

void vmc_aml_append(vmc_aml *parent, vmc_aml *child)
{
    GByteArray *out = parent->buf;
    GByteArray *body = child->buf;
    switch (child->frame) {
    case FRAME_NONE:
        g_byte_array_append(out, body->data, body->len);
        break;
    case FRAME_OPCODE:
        put8(out, child->op);
        g_byte_array_append(out, body->data, body->len);
        break;
    case FRAME_PKG:
    case FRAME_EXT_PKG:
        if (child->frame == FRAME_EXT_PKG) {
            put8(out, 0x5b);
        }
        put8(out, child->op);
        put_pkglen(out, body->len, true);
        g_byte_array_append(out, body->data, body->len);
        break;
    case FRAME_BUFFER:
    case FRAME_RESOURCES: {
        GByteArray *inner = g_byte_array_new();
        GByteArray *data = g_byte_array_new();
        g_byte_array_append(data, body->data, body->len);
        if (child->frame == FRAME_RESOURCES) {
            put8(data, 0x79); /* End Tag */
            put8(data, 0x00); /* checksum 0: treated as valid */
        }
        put_int(inner, data->len);
        g_byte_array_append(inner, data->data, data->len);
        put8(out, child->op);
        put_pkglen(out, inner->len, true);
        g_byte_array_append(out, inner->data, inner->len);
        g_byte_array_free(inner, TRUE);
        g_byte_array_free(data, TRUE);
        break;
    }
    }
}

/* ---- data and names ---- */

vmc_aml *vmc_aml_int(uint64_t v)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put_int(a->buf, v);
    return a;
}

vmc_aml *vmc_aml_name(const char *fmt, ...)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    va_list ap;
    va_start(ap, fmt);
    put_namestring_v(a->buf, fmt, ap);
    va_end(ap);
    return a;
}

vmc_aml *vmc_aml_name_decl(const char *name, vmc_aml *val)
{
    vmc_aml *a = term(FRAME_OPCODE, 0x08); /* NameOp */
    put_namestring(a->buf, name);
    vmc_aml_append(a, val);
    return a;
}

vmc_aml *vmc_aml_string(const char *fmt, ...)
{
    vmc_aml *a = term(FRAME_OPCODE, 0x0d); /* StringPrefix */
    va_list ap;
    va_start(ap, fmt);
    char *s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_byte_array_append(a->buf, (const guint8 *)s, (guint)strlen(s) + 1);
    g_free(s);
    return a;
}

static uint32_t hexdigit(char c)
{
    return c >= 'A' ? (uint32_t)(c - 'A' + 10) : (uint32_t)(c - '0');
}

/* EISA id: three 5-bit letters and four hex digits, stored big-endian. */
vmc_aml *vmc_aml_eisaid(const char *id)
{
    g_assert(strlen(id) == 7);
    uint32_t v = (uint32_t)(id[0] - 0x40) << 26 | (uint32_t)(id[1] - 0x40) << 21 |
                 (uint32_t)(id[2] - 0x40) << 16 | hexdigit(id[3]) << 12 |
                 hexdigit(id[4]) << 8 | hexdigit(id[5]) << 4 | hexdigit(id[6]);
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x0c);
    put_le(a->buf, GUINT32_SWAP_LE_BE(v), 4);
    return a;
}

static uint8_t hexbyte(const char *s)
{
    return (uint8_t)(hexdigit(s[0]) << 4 | hexdigit(s[1]));
}

/* ToUUID: a 16-byte buffer, the first three groups little-endian. */
vmc_aml *vmc_aml_touuid(const char *uuid)
{
    static const int pos[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};
    g_assert(strlen(uuid) == 36);
    vmc_aml *a = term(FRAME_BUFFER, 0x11);
    for (int i = 0; i < 16; i++) {
        put8(a->buf, hexbyte(uuid + pos[i]));
    }
    return a;
}

vmc_aml *vmc_aml_buffer(size_t len, const uint8_t *bytes)
{
    vmc_aml *a = term(FRAME_BUFFER, 0x11);
    for (size_t i = 0; i < len; i++) {
        put8(a->buf, bytes ? bytes[i] : 0);
    }
    return a;
}

vmc_aml *vmc_aml_package(uint8_t n)
{
    vmc_aml *a = term(FRAME_PKG, 0x12);
    put8(a->buf, n);
    return a;
}

vmc_aml *vmc_aml_varpackage(uint32_t n)
{
    vmc_aml *a = term(FRAME_PKG, 0x13);
    put_int(a->buf, n);
    return a;
}

vmc_aml *vmc_aml_arg(int n)
{
    g_assert(n >= 0 && n <= 6);
    return term(FRAME_OPCODE, (uint8_t)(0x68 + n));
}

vmc_aml *vmc_aml_local(int n)
{
    g_assert(n >= 0 && n <= 7);
    return term(FRAME_OPCODE, (uint8_t)(0x60 + n));
}

vmc_aml *vmc_aml_debug(void)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x5b);
    put8(a->buf, 0x31);
    return a;
}

/* ---- blocks ---- */

vmc_aml *vmc_aml_scope(const char *fmt, ...)
{
    vmc_aml *a = term(FRAME_PKG, 0x10);
    va_list ap;
    va_start(ap, fmt);
    put_namestring_v(a->buf, fmt, ap);
    va_end(ap);
    return a;
}

vmc_aml *vmc_aml_device(const char *fmt, ...)
{
    vmc_aml *a = term(FRAME_EXT_PKG, 0x82);
    va_list ap;
    va_start(ap, fmt);
    put_namestring_v(a->buf, fmt, ap);
    va_end(ap);
    return a;
}

vmc_aml *vmc_aml_method(const char *name, int nargs, bool serialized)
{
    vmc_aml *a = term(FRAME_PKG, 0x14);
    put_namestring(a->buf, name);
    put8(a->buf, (uint8_t)(nargs | (serialized ? 1 << 3 : 0)));
    return a;
}

vmc_aml *vmc_aml_processor(uint8_t id, uint32_t pblk, uint8_t pblk_len, const char *fmt, ...)
{
    vmc_aml *a = term(FRAME_EXT_PKG, 0x83);
    va_list ap;
    va_start(ap, fmt);
    put_namestring_v(a->buf, fmt, ap);
    va_end(ap);
    put8(a->buf, id);
    put_le(a->buf, pblk, 4);
    put8(a->buf, pblk_len);
    return a;
}

vmc_aml *vmc_aml_if(vmc_aml *pred)
{
    vmc_aml *a = term(FRAME_PKG, 0xa0);
    vmc_aml_append(a, pred);
    return a;
}

vmc_aml *vmc_aml_else(void)
{
    return term(FRAME_PKG, 0xa1);
}

vmc_aml *vmc_aml_while(vmc_aml *pred)
{
    vmc_aml *a = term(FRAME_PKG, 0xa2);
    vmc_aml_append(a, pred);
    return a;
}

/* ---- operators ---- */

static vmc_aml *op1(uint8_t op, vmc_aml *x)
{
    vmc_aml *a = term(FRAME_OPCODE, op);
    vmc_aml_append(a, x);
    return a;
}

static vmc_aml *op2(uint8_t op, vmc_aml *x, vmc_aml *y)
{
    vmc_aml *a = op1(op, x);
    vmc_aml_append(a, y);
    return a;
}

/* Operator with a Target operand (NullName when absent). */
static vmc_aml *op2_target(uint8_t op, vmc_aml *x, vmc_aml *y, vmc_aml *target)
{
    vmc_aml *a = op2(op, x, y);
    if (target) {
        vmc_aml_append(a, target);
    } else {
        put8(a->buf, 0x00);
    }
    return a;
}

static vmc_aml *op1_target(uint8_t op, vmc_aml *x, vmc_aml *target)
{
    vmc_aml *a = op1(op, x);
    if (target) {
        vmc_aml_append(a, target);
    } else {
        put8(a->buf, 0x00);
    }
    return a;
}

vmc_aml *vmc_aml_store(vmc_aml *val, vmc_aml *target) { return op2(0x70, val, target); }
vmc_aml *vmc_aml_and(vmc_aml *a, vmc_aml *b, vmc_aml *t) { return op2_target(0x7b, a, b, t); }
vmc_aml *vmc_aml_or(vmc_aml *a, vmc_aml *b, vmc_aml *t) { return op2_target(0x7d, a, b, t); }
vmc_aml *vmc_aml_add(vmc_aml *a, vmc_aml *b, vmc_aml *t) { return op2_target(0x72, a, b, t); }
vmc_aml *vmc_aml_subtract(vmc_aml *a, vmc_aml *b, vmc_aml *t) { return op2_target(0x74, a, b, t); }
vmc_aml *vmc_aml_shiftleft(vmc_aml *a, vmc_aml *c) { return op2_target(0x79, a, c, NULL); }
vmc_aml *vmc_aml_shiftright(vmc_aml *a, vmc_aml *c, vmc_aml *t)
{
    return op2_target(0x7a, a, c, t);
}
vmc_aml *vmc_aml_index(vmc_aml *o, vmc_aml *i) { return op2_target(0x88, o, i, NULL); }
vmc_aml *vmc_aml_to_hexstring(vmc_aml *s, vmc_aml *t) { return op1_target(0x98, s, t); }
vmc_aml *vmc_aml_to_buffer(vmc_aml *s, vmc_aml *t) { return op1_target(0x96, s, t); }
vmc_aml *vmc_aml_land(vmc_aml *a, vmc_aml *b) { return op2(0x90, a, b); }
vmc_aml *vmc_aml_lor(vmc_aml *a, vmc_aml *b) { return op2(0x91, a, b); }
vmc_aml *vmc_aml_lnot(vmc_aml *a) { return op1(0x92, a); }
vmc_aml *vmc_aml_equal(vmc_aml *a, vmc_aml *b) { return op2(0x93, a, b); }
vmc_aml *vmc_aml_lgreater(vmc_aml *a, vmc_aml *b) { return op2(0x94, a, b); }
vmc_aml *vmc_aml_lless(vmc_aml *a, vmc_aml *b) { return op2(0x95, a, b); }
vmc_aml *vmc_aml_increment(vmc_aml *a) { return op1(0x75, a); }
vmc_aml *vmc_aml_derefof(vmc_aml *a) { return op1(0x83, a); }
vmc_aml *vmc_aml_sizeof(vmc_aml *a) { return op1(0x87, a); }
vmc_aml *vmc_aml_notify(vmc_aml *o, vmc_aml *v) { return op2(0x86, o, v); }
vmc_aml *vmc_aml_return(vmc_aml *v) { return op1(0xa4, v); }
vmc_aml *vmc_aml_break(void) { return term(FRAME_OPCODE, 0xa5); }

vmc_aml *vmc_aml_sleep(uint64_t ms)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x5b);
    put8(a->buf, 0x22);
    put_int(a->buf, ms);
    return a;
}

vmc_aml *vmc_aml_call(const char *method, int nargs, ...)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put_namestring(a->buf, method);
    va_list ap;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        vmc_aml_append(a, va_arg(ap, vmc_aml *));
    }
    va_end(ap);
    return a;
}

/* ---- objects ---- */

vmc_aml *vmc_aml_operation_region(const char *name, int space, vmc_aml *offset, uint32_t len)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x5b);
    put8(a->buf, 0x80);
    put_namestring(a->buf, name);
    put8(a->buf, (uint8_t)space);
    vmc_aml_append(a, offset);
    put_int(a->buf, len);
    return a;
}

vmc_aml *vmc_aml_field(const char *region, int access, bool lock, int update)
{
    vmc_aml *a = term(FRAME_EXT_PKG, 0x81);
    put_namestring(a->buf, region);
    put8(a->buf, (uint8_t)(update << 5 | (lock ? 1 << 4 : 0) | access));
    return a;
}

vmc_aml *vmc_aml_named_field(const char *name, unsigned bits)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put_nameseg(a->buf, name, strlen(name));
    put_pkglen(a->buf, bits, false);
    return a;
}

vmc_aml *vmc_aml_reserved_field(unsigned bits)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x00);
    put_pkglen(a->buf, bits, false);
    return a;
}

vmc_aml *vmc_aml_create_dword_field(vmc_aml *buf, vmc_aml *idx, const char *name)
{
    vmc_aml *a = op2(0x8a, buf, idx);
    put_namestring(a->buf, name);
    return a;
}

vmc_aml *vmc_aml_mutex(const char *name, uint8_t sync_level)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x5b);
    put8(a->buf, 0x01);
    put_namestring(a->buf, name);
    put8(a->buf, sync_level);
    return a;
}

vmc_aml *vmc_aml_acquire(vmc_aml *mutex, uint16_t timeout)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x5b);
    put8(a->buf, 0x23);
    vmc_aml_append(a, mutex);
    put_le(a->buf, timeout, 2);
    return a;
}

vmc_aml *vmc_aml_release(vmc_aml *mutex)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x5b);
    put8(a->buf, 0x27);
    vmc_aml_append(a, mutex);
    return a;
}

/* ---- resource descriptors (ACPI 6.4.2 / 6.4.3) ---- */

vmc_aml *vmc_aml_resource_template(void)
{
    return term(FRAME_RESOURCES, 0x11);
}

vmc_aml *vmc_aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x47);
    put8(a->buf, 1); /* decodes 16 bits */
    put_le(a->buf, min, 2);
    put_le(a->buf, max, 2);
    put8(a->buf, align);
    put8(a->buf, len);
    return a;
}

vmc_aml *vmc_aml_irq_no_flags(uint8_t irq)
{
    g_assert(irq < 16);
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x22);
    put_le(a->buf, 1u << irq, 2);
    return a;
}

vmc_aml *vmc_aml_interrupt_shared_level(const uint32_t *irqs, uint8_t n)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x89);
    put_le(a->buf, 2u + 4u * n, 2);
    /* consumer (bit 0), level (bit 1 = 0), active high (bit 2 = 0), shared (bit 3) */
    put8(a->buf, 1 | 1 << 3);
    put8(a->buf, n);
    for (int i = 0; i < n; i++) {
        put_le(a->buf, irqs[i], 4);
    }
    return a;
}

vmc_aml *vmc_aml_memory32_fixed(uint32_t addr, uint32_t size, bool rw)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x86);
    put_le(a->buf, 9, 2);
    put8(a->buf, rw ? 1 : 0);
    put_le(a->buf, addr, 4);
    put_le(a->buf, size, 4);
    return a;
}

/* Address space descriptors: producer, positive decode, min and max fixed. */
enum { RANGE_MEMORY = 0, RANGE_IO = 1, RANGE_BUS = 2 };
#define ADDR_FLAGS (1 << 2 | 1 << 3) /* MinFixed | MaxFixed */

static vmc_aml *addr_desc(uint8_t tag, uint8_t len, int size, uint8_t type, uint8_t type_flags,
                          uint64_t min, uint64_t max, uint64_t length)
{
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, tag);
    put_le(a->buf, len, 2);
    put8(a->buf, type);
    put8(a->buf, ADDR_FLAGS);
    put8(a->buf, type_flags);
    put_le(a->buf, 0, size);      /* granularity */
    put_le(a->buf, min, size);
    put_le(a->buf, max, size);
    put_le(a->buf, 0, size);      /* translation offset */
    put_le(a->buf, length, size);
    return a;
}

vmc_aml *vmc_aml_word_bus_number(uint16_t min, uint16_t max, uint16_t len)
{
    return addr_desc(0x88, 0x0d, 2, RANGE_BUS, 0, min, max, len);
}

vmc_aml *vmc_aml_word_io(uint16_t min, uint16_t max, uint16_t len)
{
    return addr_desc(0x88, 0x0d, 2, RANGE_IO, 3 /* entire range */, min, max, len);
}

vmc_aml *vmc_aml_dword_io(uint32_t min, uint32_t max, uint32_t len)
{
    return addr_desc(0x87, 23, 4, RANGE_IO, 3, min, max, len);
}

vmc_aml *vmc_aml_dword_memory(bool cacheable, uint32_t min, uint32_t max, uint32_t len)
{
    /* read-write (bit 0), cacheable (bits 1-2 = 1) */
    return addr_desc(0x87, 23, 4, RANGE_MEMORY, (uint8_t)(1 | (cacheable ? 1 << 1 : 0)), min,
                     max, len);
}

vmc_aml *vmc_aml_qword_memory(bool cacheable, uint64_t min, uint64_t max, uint64_t len)
{
    return addr_desc(0x8a, 0x2b, 8, RANGE_MEMORY, (uint8_t)(1 | (cacheable ? 1 << 1 : 0)), min,
                     max, len);
}

vmc_aml *vmc_aml_dma_compat_8bit(uint8_t channel)
{
    g_assert(channel < 8);
    vmc_aml *a = term(FRAME_NONE, 0);
    put8(a->buf, 0x2a);
    put8(a->buf, (uint8_t)(1u << channel));
    put8(a->buf, 0); /* 8-bit transfers, not bus master, compatibility timing */
    return a;
}
