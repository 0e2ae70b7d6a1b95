/*
 * vmcompat inspect [--format text|json|analyze-migration] [--desc]
 *                  [--extract DIR] [--memory] [--max-state BYTES]
 *                  [--no-models] [--no-progress] FILE|-
 *
 * Decodes a migration stream completely: framing, configuration, commands,
 * RAM (all page kinds; compressed and XBZRLE pages are decoded to check
 * them), block and dirty-bitmap records, and every device section with the
 * stream's vmdesc (or the built-in models when the trailer is missing).
 * Exit 0 when the stream is well-formed, 1 when it is not, 2 on usage errors.
 */
#include "inspect.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vmcompat inspect [options] FILE|-\n"
            "\n"
            "Decode a QEMU migration stream (a file, or - for standard input).\n"
            "\n"
            "  -f, --format FMT     text (default), json, or analyze-migration (the JSON of\n"
            "                       QEMU's scripts/analyze-migration.py -d state)\n"
            "      --desc           print the stream's vmdesc (analyze-migration.py -d desc)\n"
            "  -x, --extract DIR    write desc.json, state.json and one sparse file per RAM\n"
            "                       block into DIR (analyze-migration.py -x)\n"
            "  -m, --memory         include RAM contents (analyze-migration.py -m)\n"
            "      --max-state N    bytes of device state to buffer while waiting for the\n"
            "                       trailer (default 256M; suffixes K, M, G)\n"
            "      --no-models      do not decode undescribed sections with built-in models\n"
            "      --no-progress    no progress bar (it is shown only on a terminal)\n"
            "  -q, --quiet          no warnings on stderr\n"
            "  -h, --help           this help\n"
            "\n"
            "Exit status: 0 well-formed, 1 invalid stream, 2 usage error.\n");
}

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) {
        return false;
    }
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end || !v) {
        return false;
    }
    *out = v;
    return true;
}

static int run(inspect_ctx *c, uint64_t max_state, bool models)
{
    vmc_reader_options ro = { .max_device_state = max_state };
    if (models) {
        ro.lookup = vmc_models_lookup;
    }
    int rc = vmc_reader_new(&c->reader, c->src, &ro);
    if (rc) {
        return rc;
    }
    bool need_pages = c->memory || c->extract;
    if (need_pages && (rc = page_store_open(&c->pages, c->extract))) {
        return rc;
    }
    bool stream_analyze = c->format == FMT_ANALYZE && c->memory && !c->desc && !c->extract;
    vmc_event ev;
    unsigned long n = 0;
    while ((rc = vmc_reader_next(c->reader, &ev)) > 0) {
        if ((rc = vmc_summary_add(c->summary, &ev)) < 0) {
            break;
        }
        const uint8_t *page = NULL;
        if (ev.kind == VMC_EV_RAM_BLOCK && c->pages) {
            if ((rc = page_store_block(c->pages, ev.u.ram_block.name,
                                       ev.u.ram_block.used_length))) {
                break;
            }
        } else if (ev.kind == VMC_EV_RAM_PAGE) {
            if (c->pages) {
                if ((rc = page_store_apply(c->pages, &ev, c->page, 4096)) < 0) {
                    vmc_error_annotate(ev.offset, "ram", ev.u.page.block);
                    break;
                }
                page = c->page;
            } else if (ev.u.page.kind == VMC_PAGE_COMPRESSED) {
                /* Check the zlib data even when the contents are not wanted. */
                if ((rc = vmc_page_inflate(ev.u.page.data, ev.u.page.len, c->page, 4096)) < 0) {
                    vmc_error_annotate(ev.offset, "ram", ev.u.page.block);
                    break;
                }
            } else if (ev.u.page.kind == VMC_PAGE_XBZRLE) {
                /* Structure check only: the base page does not matter. */
                memset(c->page, 0, 4096);
                if ((rc = vmc_xbzrle_decode(ev.u.page.data, ev.u.page.len, c->page, 4096)) < 0) {
                    vmc_error_annotate(ev.offset, "ram", ev.u.page.block);
                    break;
                }
            }
            if (c->memory) {
                if (c->format == FMT_TEXT) {
                    inspect_text_page(c, &ev, page);
                } else if (c->format == FMT_JSON) {
                    inspect_json_page(c, &ev, page);
                }
            }
        } else if (ev.kind == VMC_EV_VMDESC) {
            free(c->vmdesc_json);
            c->vmdesc_json = malloc(ev.u.vmdesc.len ? ev.u.vmdesc.len : 1);
            if (c->vmdesc_json) {
                memcpy(c->vmdesc_json, ev.u.vmdesc.json, ev.u.vmdesc.len);
                c->vmdesc_len = ev.u.vmdesc.len;
            }
        }
        if (stream_analyze) {
            inspect_analyze_event(c, &ev, page);
        }
        if ((++n & 1023) == 0) {
            progress_update(c, false);
        }
        if (ev.kind == VMC_EV_END) {
            break;
        }
    }
    progress_update(c, true);
    return rc < 0 ? rc : 0;
}

static int write_json_file(const char *dir, const char *name, inspect_ctx *c, bool desc)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", dir, name);
    vmc_sink *s;
    int rc = vmc_sink_open_path(&s, path);
    free(path);
    if (rc) {
        return rc;
    }
    vmc_json *j;
    vmc_json_new_sink(&j, s, VMC_JSON_PRETTY, 4);
    if (desc) {
        rc = c->vmdesc_json ? json_copy_text(c->vmdesc_json, c->vmdesc_len, j) : VMC_ENOTFOUND;
    } else {
        inspect_analyze_state(c, j);   /* like the script: always its -d state shape */
    }
    vmc_json_finish(j);
    vmc_json_free(j);
    if (!rc) {
        rc = vmc_sink_commit(s);
    }
    vmc_sink_free(s);
    return rc;
}

/* End the JSON document with a newline (after the writer's own buffer). */
static void finish_line(inspect_ctx *c)
{
    vmc_json_finish(c->json);
    fputc('\n', stdout);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "desc", no_argument, NULL, 'd' },
        { "extract", required_argument, NULL, 'x' },
        { "memory", no_argument, NULL, 'm' },
        { "max-state", required_argument, NULL, 'S' },
        { "no-models", no_argument, NULL, 'N' },
        { "no-progress", no_argument, NULL, 'P' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    inspect_ctx *c = calloc(1, sizeof(*c));
    uint64_t max_state = 0;
    bool models = true, no_progress = false;
    int opt, status = VMC_EXIT_OK;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:x:mqh", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (strcmp(optarg, "text") == 0) {
                c->format = FMT_TEXT;
            } else if (strcmp(optarg, "json") == 0) {
                c->format = FMT_JSON;
            } else if (strcmp(optarg, "analyze-migration") == 0 || strcmp(optarg, "analyze") == 0) {
                c->format = FMT_ANALYZE;
            } else {
                fprintf(stderr, "vmcompat inspect: unknown format '%s' (text, json, "
                        "analyze-migration)\n", optarg);
                free(c);
                return VMC_EXIT_USAGE;
            }
            break;
        case 'd': c->desc = true; break;
        case 'x': c->extract = optarg; break;
        case 'm': c->memory = true; break;
        case 'S':
            if (!parse_size(optarg, &max_state)) {
                fprintf(stderr, "vmcompat inspect: bad size '%s'\n", optarg);
                free(c);
                return VMC_EXIT_USAGE;
            }
            break;
        case 'N': models = false; break;
        case 'P': no_progress = true; break;
        case 'q': c->quiet = true; break;
        case 'h':
            usage(stdout);
            free(c);
            return VMC_EXIT_OK;
        default:
            usage(stderr);
            free(c);
            return VMC_EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "vmcompat inspect: expected exactly one FILE (or - for stdin)\n");
        usage(stderr);
        free(c);
        return VMC_EXIT_USAGE;
    }
    c->path = argv[optind];
    c->out = stdout;
    c->progress = !no_progress && !c->quiet && isatty(2) && c->format != FMT_ANALYZE;
    if (c->desc && c->format != FMT_ANALYZE && c->format != FMT_TEXT) {
        fprintf(stderr, "vmcompat inspect: --desc prints the vmdesc JSON; it cannot be "
                "combined with --format json\n");
        free(c);
        return VMC_EXIT_USAGE;
    }
    if (vmc_source_open_path(&c->src, c->path)) {
        cli_print_error("inspect");
        free(c);
        return vmc_error_last()->code == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
    }
    vmc_summary_new(&c->summary);
    bool json_out = !c->extract && (c->format != FMT_TEXT || c->desc);
    if (json_out) {
        vmc_json_new_file(&c->json, stdout, VMC_JSON_PRETTY, c->format == FMT_JSON ? 2 : 4);
        if (c->format == FMT_JSON) {
            inspect_json_begin(c);
        }
    }

    int rc = run(c, max_state, models);

    if (!c->quiet && c->reader && (c->format != FMT_TEXT || c->extract)) {
        for (size_t i = 0; i < vmc_reader_warning_count(c->reader); i++) {
            fprintf(stderr, "vmcompat inspect: warning: %s\n", vmc_reader_warning(c->reader, i));
        }
    }
    if (c->extract) {
        if (rc == 0 && !c->vmdesc_json) {
            rc = VMC_ENOTFOUND;
            fprintf(stderr, "vmcompat inspect: error: the stream has no vmdesc trailer to write "
                    "desc.json from\n");
        } else if (rc == 0) {
            printf("desc.json\n");
            rc = write_json_file(c->extract, "desc.json", c, true);
            if (!rc) {
                rc = page_store_commit(c->pages, stdout);
            }
            if (!rc) {
                printf("state.json\n");
                rc = write_json_file(c->extract, "state.json", c, false);
            }
        }
        if (rc < 0) {
            if (vmc_error_last()->code) {
                cli_print_error("inspect");
            }
            status = VMC_EXIT_INVALID;
        }
    } else if (c->format == FMT_TEXT && !c->desc) {
        inspect_text_report(c, rc);
        if (rc < 0) {
            cli_print_error("inspect");
            status = VMC_EXIT_INVALID;
        }
    } else if (c->format == FMT_JSON) {
        inspect_json_end(c, rc);
        finish_line(c);
        if (rc < 0) {
            cli_print_error("inspect");
            status = VMC_EXIT_INVALID;
        }
    } else {
        /* analyze-migration: like the script, no JSON at all when the stream is bad */
        if (rc < 0) {
            cli_print_error("inspect");
            status = VMC_EXIT_INVALID;
        } else if (c->desc) {
            if (!c->vmdesc_json) {
                fprintf(stderr, "vmcompat inspect: error: the stream has no vmdesc trailer\n");
                status = VMC_EXIT_INVALID;
            } else if (json_copy_text(c->vmdesc_json, c->vmdesc_len, c->json)) {
                fprintf(stderr, "vmcompat inspect: error: the vmdesc trailer is not JSON\n");
                status = VMC_EXIT_INVALID;
            } else {
                finish_line(c);
            }
        } else {
            inspect_analyze_end(c);
            finish_line(c);
        }
    }
    if (c->json) {
        if (vmc_json_finish(c->json) && status == VMC_EXIT_OK) {
            cli_print_error("inspect");
            status = VMC_EXIT_INVALID;
        }
        vmc_json_free(c->json);
    }
    if (fflush(stdout) != 0 && status == VMC_EXIT_OK) {
        fprintf(stderr, "vmcompat inspect: error: write error on standard output\n");
        status = VMC_EXIT_INVALID;
    }
    page_store_free(c->pages);
    vmc_reader_free(c->reader);
    vmc_summary_free(c->summary);
    vmc_source_free(c->src);
    free(c->vmdesc_json);
    free(c);
    return status;
}
