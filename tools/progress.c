/* A one-line progress bar on stderr for long streams (only on a terminal). */
#include "inspect.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void human(double bytes, char *buf, size_t len)
{
    const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

void progress_update(inspect_ctx *c, bool final)
{
    static double start, last;
    static bool shown;
    if (!c->progress) {
        return;
    }
    double t = now();
    if (start == 0) {
        start = last = t;
        return;
    }
    if (!final && t - last < 0.2) {
        return;
    }
    if (final && !shown) {
        return;
    }
    /* Short streams finish before the first update: no bar at all. */
    if (!final && t - start < 0.5) {
        return;
    }
    last = t;
    shown = true;
    int64_t pos = vmc_reader_tell(c->reader);
    int64_t size = vmc_source_size(c->src);
    char a[32], b[32], rate[32];
    human((double)pos, a, sizeof(a));
    human(pos / (t - start > 0 ? t - start : 1), rate, sizeof(rate));
    if (size > 0) {
        int width = 30;
        int fill = (int)(width * (double)pos / (double)size);
        if (fill > width) {
            fill = width;
        }
        human((double)size, b, sizeof(b));
        fprintf(stderr, "\r[%.*s%*s] %3d%%  %s / %s  %s/s ", fill,
                "##############################", width - fill, "",
                (int)(100.0 * (double)pos / (double)size), a, b, rate);
    } else {
        fprintf(stderr, "\r%s read  %s/s ", a, rate);
    }
    if (final) {
        fprintf(stderr, "\n");
    }
    fflush(stderr);
}
