/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Transitional: the User-Agent set builder is lib/uaset.h now.  Kept only
 * because tests/test_xdp.c, tests/test_hdr.c and tests/fuzz_hdr.c still
 * include "../loader/uaset.h"; remove it once they include "uaset.h"
 * (with -Ilib) instead.  Until then loader/ua.c's #include "uaset.h"
 * finds this file first, and through it lib/uaset.h; afterwards -Ilib
 * finds lib/uaset.h directly.
 */
#include "../lib/uaset.h"
