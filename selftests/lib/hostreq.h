/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ask the harness on the host side for something (a QMP command, the QMP
 * events seen so far) and read its answer from the serial console.  See
 * QmpRelay in selftests/harness.py for the protocol.
 */
#ifndef HT_HOSTREQ_H
#define HT_HOSTREQ_H

#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int ht_tty = -1;
static int ht_req_id;

static inline int ht_tty_open(void)
{
	struct termios t;

	if (ht_tty >= 0)
		return 0;
	ht_tty = open("/dev/ttyS0", O_RDWR | O_NOCTTY);
	if (ht_tty < 0)
		return -1;
	if (tcgetattr(ht_tty, &t) == 0) {
		/* Read the answer byte by byte, and do not echo it. */
		t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		t.c_iflag &= ~(ICRNL | INLCR | IXON);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(ht_tty, TCSANOW, &t);
	}
	return 0;
}

/*
 * Send "HT-HOST <id> <request>", wait up to @timeout_s for
 * "HT-REPLY <id> <json>" and copy the json into @reply.  Returns 0, or -1
 * on timeout or when the console cannot be opened.
 */
static inline int ht_host_request(char *reply, size_t len, int timeout_s,
			   const char *fmt, ...)
{
	char line[1 << 16], prefix[32];
	size_t n = 0;
	va_list ap;
	int id;

	if (ht_tty_open())
		return -1;
	id = ++ht_req_id;
	snprintf(prefix, sizeof(prefix), "HT-REPLY %d ", id);
	tcflush(ht_tty, TCIFLUSH);
	/* Straight to the console, whatever stdout is, in one write. */
	fflush(stdout);
	n = snprintf(line, sizeof(line), "HT-HOST %d ", id);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(ht_tty, line, n) != (ssize_t)n)
		return -1;
	n = 0;
	for (;;) {
		struct pollfd p = { .fd = ht_tty, .events = POLLIN };
		char c;

		if (poll(&p, 1, timeout_s * 1000) <= 0)
			return -1;
		if (read(ht_tty, &c, 1) != 1)
			return -1;
		if (c == '\r')
			continue;
		if (c != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = c;
			continue;
		}
		line[n] = 0;
		n = 0;
		if (!strncmp(line, prefix, strlen(prefix))) {
			snprintf(reply, len, "%s", line + strlen(prefix));
			return 0;
		}
	}
}

/* The integer after the first "key": in @json; -1 if absent. */
static inline long long ht_json_int(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/*
 * The JSON object that holds "node": @node (the harness sorts keys, so
 * "node" need not come first), or NULL.
 */
static inline const char *ht_json_node(const char *json, int node)
{
	char pat[32];
	const char *p = json;

	snprintf(pat, sizeof(pat), "\"node\": %d", node);
	while ((p = strstr(p, pat))) {
		char next = p[strlen(pat)];

		if (next == ',' || next == '}') {
			while (p > json && *p != '{')
				p--;
			return p;
		}
		p++;
	}
	return NULL;
}

#endif
