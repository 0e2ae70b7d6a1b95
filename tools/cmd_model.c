/*
 * vmcompat model [--format text|json] [--tables FILE] -- QEMU_ARGS...
 *
 * The machine QEMU 7.2 would create for these arguments, as migration sees
 * it: machine type and migration properties, every registered vmstate
 * entry (section id, idstr, instance, version, priority, sent or not), the
 * sections a fresh stream carries in order, the RAM blocks, and each PCI
 * function with its config space and the wmask / w1cmask / cmask masks.
 */
#include "cli.h"
#include "vmcompat/model.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: vmcompat model [--format text|json] [--tables FILE] -- QEMU_ARGS...\n"
               "\n"
               "Print the machine model QEMU 7.2 builds for the arguments of\n"
               "qemu-system-x86_64: sections with ids and versions, RAM blocks, and the\n"
               "config space and masks of each PCI function.\n"
               "Exit status: 0 ok, 1 not modelled, 2 usage error.\n");
}

static void hex_line(FILE *o, const char *label, const uint8_t *p, unsigned n)
{
    fprintf(o, "      %-8s", label);
    for (unsigned i = 0; i < n; i++) {
        if (i && i % 32 == 0) {
            fprintf(o, "\n              ");
        }
        fprintf(o, "%02x", p[i]);
    }
    fprintf(o, "\n");
}

static void print_text(const vmc_model *m)
{
    printf("machine        %s\n", vmc_model_machine(m));
    printf("migration      send-configuration=%s send-section-footer=%s suppress-vmdesc=%s\n",
           vmc_model_send_configuration(m) ? "on" : "off",
           vmc_model_send_section_footer(m) ? "on" : "off",
           vmc_model_suppress_vmdesc(m) ? "on" : "off");
    printf("\nsections of a fresh stream (%zu)\n", vmc_model_section_count(m));
    printf("  %4s  %-48s %5s %4s %4s  %s\n", "id", "idstr", "inst", "ver", "pri", "device");
    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        const vmc_model_entry *e = vmc_model_section_at(m, i);
        printf("  %4u  %-48s %5u %4u %4d  %s%s%s\n", e->section_id, e->idstr, e->instance_id,
               e->version_id, e->priority, e->device ? e->device : "",
               e->device_id ? " id=" : "", e->device_id ? e->device_id : "");
    }
    size_t unsent = 0;
    for (size_t i = 0; i < vmc_model_entry_count(m); i++) {
        unsent += !vmc_model_entry_at(m, i)->sent;
    }
    printf("  (%zu more registered entries are not sent by a fresh machine:", unsent);
    for (size_t i = 0; i < vmc_model_entry_count(m); i++) {
        const vmc_model_entry *e = vmc_model_entry_at(m, i);
        if (!e->sent) {
            printf(" %u:%s", e->section_id, e->idstr);
        }
    }
    printf(")\n");
    if (vmc_model_blocker_count(m)) {
        /* QEMU refuses to migrate this machine (migrate_add_blocker) */
        printf("\nmigration blockers (%zu)\n", vmc_model_blocker_count(m));
        for (size_t i = 0; i < vmc_model_blocker_count(m); i++) {
            printf("  %s\n", vmc_model_blocker_at(m, i));
        }
    }
    printf("\nRAM blocks (%zu)\n", vmc_model_ram_block_count(m));
    for (size_t i = 0; i < vmc_model_ram_block_count(m); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        printf("  %-48s 0x%-10llx max 0x%-10llx%s%s%s\n", b->name,
               (unsigned long long)b->used_length, (unsigned long long)b->max_length,
               b->resizeable ? " resizeable" : "", b->contents_file ? " from " : "",
               b->contents_file ? b->contents_file : "");
    }
    printf("\nPCI functions (%zu)\n", vmc_model_pci_count(m));
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        printf("  %-24s %-24s%s%s\n", p->path, p->type, p->id ? " id=" : "", p->id ? p->id : "");
        if (!p->config_size) {
            printf("      (config space not modelled yet)\n");
            continue;
        }
        hex_line(stdout, "config", p->config, p->config_size > 256 ? 256 : p->config_size);
        hex_line(stdout, "wmask", p->wmask, p->config_size > 256 ? 256 : p->config_size);
        hex_line(stdout, "w1cmask", p->w1cmask, p->config_size > 256 ? 256 : p->config_size);
        hex_line(stdout, "cmask", p->cmask, p->config_size > 256 ? 256 : p->config_size);
        if (p->config_size > 256) {
            printf("      (+ %u bytes of extended space in --format json)\n",
                   p->config_size - 256);
        }
    }
}

static void entry_json(vmc_json *j, const vmc_model_entry *e)
{
    vmc_json_begin_object(j);
    vmc_json_key(j, "section_id");
    vmc_json_uint(j, e->section_id);
    vmc_json_key(j, "idstr");
    vmc_json_string(j, e->idstr);
    vmc_json_key(j, "instance_id");
    vmc_json_uint(j, e->instance_id);
    vmc_json_key(j, "version_id");
    vmc_json_uint(j, e->version_id);
    vmc_json_key(j, "priority");
    vmc_json_int(j, e->priority);
    vmc_json_key(j, "iterative");
    vmc_json_bool(j, e->iterative);
    vmc_json_key(j, "sent");
    vmc_json_bool(j, e->sent);
    vmc_json_key(j, "vmsd_name");
    vmc_json_string(j, e->vmsd ? e->vmsd->name : NULL);
    vmc_json_key(j, "device");
    vmc_json_string(j, e->device);
    vmc_json_key(j, "device_id");
    vmc_json_string(j, e->device_id);
    vmc_json_end_object(j);
}

static void print_json(const vmc_model *m)
{
    vmc_json *j;
    vmc_json_new_file(&j, stdout, VMC_JSON_PRETTY, 2);
    vmc_json_begin_object(j);
    vmc_json_key(j, "format");
    vmc_json_string(j, "vmcompat-model");
    vmc_json_key(j, "format_version");
    vmc_json_int(j, 1);
    vmc_json_key(j, "machine");
    vmc_json_string(j, vmc_model_machine(m));
    vmc_json_key(j, "migration");
    vmc_json_begin_object(j);
    vmc_json_key(j, "send-configuration");
    vmc_json_bool(j, vmc_model_send_configuration(m));
    vmc_json_key(j, "send-section-footer");
    vmc_json_bool(j, vmc_model_send_section_footer(m));
    vmc_json_key(j, "suppress-vmdesc");
    vmc_json_bool(j, vmc_model_suppress_vmdesc(m));
    vmc_json_end_object(j);
    vmc_json_key(j, "entries");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_model_entry_count(m); i++) {
        entry_json(j, vmc_model_entry_at(m, i));
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "sections");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_model_section_count(m); i++) {
        entry_json(j, vmc_model_section_at(m, i));
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "blockers");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_model_blocker_count(m); i++) {
        vmc_json_string(j, vmc_model_blocker_at(m, i));
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "ram_blocks");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_model_ram_block_count(m); i++) {
        const vmc_model_ram_block *b = vmc_model_ram_block_at(m, i);
        vmc_json_begin_object(j);
        vmc_json_key(j, "name");
        vmc_json_string(j, b->name);
        vmc_json_key(j, "used_length");
        vmc_json_uint(j, b->used_length);
        vmc_json_key(j, "max_length");
        vmc_json_uint(j, b->max_length);
        vmc_json_key(j, "resizeable");
        vmc_json_bool(j, b->resizeable);
        vmc_json_key(j, "contents_file");
        vmc_json_string(j, b->contents_file);
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_key(j, "pci");
    vmc_json_begin_array(j);
    for (size_t i = 0; i < vmc_model_pci_count(m); i++) {
        const vmc_model_pci *p = vmc_model_pci_at(m, i);
        vmc_json_begin_object(j);
        vmc_json_key(j, "path");
        vmc_json_string(j, p->path);
        vmc_json_key(j, "type");
        vmc_json_string(j, p->type);
        vmc_json_key(j, "id");
        vmc_json_string(j, p->id);
        vmc_json_key(j, "devfn");
        vmc_json_uint(j, p->devfn);
        vmc_json_key(j, "section");
        vmc_json_string(j, p->section_idstr);
        vmc_json_key(j, "config_size");
        vmc_json_uint(j, p->config_size);
        if (p->config_size) {
            vmc_json_key(j, "config");
            vmc_json_hex(j, p->config, p->config_size, "");
            vmc_json_key(j, "wmask");
            vmc_json_hex(j, p->wmask, p->config_size, "");
            vmc_json_key(j, "w1cmask");
            vmc_json_hex(j, p->w1cmask, p->config_size, "");
            vmc_json_key(j, "cmask");
            vmc_json_hex(j, p->cmask, p->config_size, "");
        }
        vmc_json_end_object(j);
    }
    vmc_json_end_array(j);
    vmc_json_end_object(j);
    vmc_json_finish(j);
    vmc_json_free(j);
    printf("\n");
}

int cmd_model(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "tables", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    vmc_model_options mo = { 0 };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!cli_text_or_json("model", optarg, &json)) {
                return VMC_EXIT_USAGE;
            }
            break;
        case 't':
            mo.tables_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return VMC_EXIT_OK;
        default:
            usage(stderr);
            return VMC_EXIT_USAGE;
        }
    }
    if (optind < argc && strcmp(argv[optind], "--") == 0) {
        optind++;
    }
    vmc_model *m;
    if (vmc_model_build(&m, argc - optind, (const char *const *)argv + optind, &mo)) {
        cli_print_error("model");
        return vmc_error_last()->code == VMC_EUSAGE ? VMC_EXIT_USAGE : VMC_EXIT_INVALID;
    }
    if (json) {
        print_json(m);
    } else {
        print_text(m);
    }
    vmc_model_free(m);
    return VMC_EXIT_OK;
}
