/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP output for the guest test programs: tap(ok, "what %d", x)
 * prints "ok N what x" or "not ok N what x", numbering from 1.
 */
#ifndef HT_TAP_H
#define HT_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n;

static inline void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#endif /* HT_TAP_H */
