// SPDX-License-Identifier: GPL-2.0
/*
 * ht-host: ask the harness on the host side for something from a guest
 * shell (demos, manual runs), e.g.
 *   ht-host qmp '{"execute": "query-balloon"}'
 *   ht-host events
 * Prints the JSON answer; exits 1 on timeout, 2 when the answer is an error.
 */
#include "../lib/hostreq.h"

int main(int argc, char **argv)
{
	static char reply[1 << 16];
	char req[8192] = "";
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: ht-host qmp '<json>' | ht-host events\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		strncat(req, argv[i], sizeof(req) - strlen(req) - 2);
		if (i + 1 < argc)
			strcat(req, " ");
	}
	if (ht_host_request(reply, sizeof(reply), 60, "%s", req)) {
		fprintf(stderr, "ht-host: no answer from the harness\n");
		return 1;
	}
	printf("%s\n", reply);
	return strstr(reply, "\"error\"") ? 2 : 0;
}
