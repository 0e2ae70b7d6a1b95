/* Fresh state of the board devices (fresh.h). */
#include "devices/fresh.h"

const vmc_fresh_def vmc_fresh_board[] = {
    { NULL, NULL },
};
