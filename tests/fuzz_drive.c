// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A plain driver of a libFuzzer target (tests/fuzz_*.c), for a build where
 * libFuzzer is not at hand: the cross builds (make ARCH=s390x host-tests),
 * run under qemu-user by tests/test_cross_host.sh, so that the targets'
 * own checks (fuzz_parse: the classifier never misses an INVITE; fuzz_hdr:
 * every span inside the data, the scan ends by itself) also run on a
 * big-endian CPU.
 *
 *   fuzz_drive_NAME [-n COUNT] SEED...
 *
 * It gives LLVMFuzzerTestOneInput() each SEED file, then COUNT inputs
 * (default 100000) mutated from them by a fixed pseudo-random sequence:
 * bytes flipped, case changed, blanks and line ends put in, cuts, with a
 * first byte of 0..3 in front half the time (fuzz_parse's choice of
 * what the rest is).  A failed check aborts; the input is then printed
 * in hex first.  The last line is "1 passed, 0 failed".
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEEDS_MAX	512
#define INPUT_MAX	2048

static uint8_t input[INPUT_MAX];
static size_t input_len;
static uint64_t state = 0x5eed5eed5eedULL;

static uint32_t rnd(uint32_t n)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state >> 32) % n;
}

/* On a failed check (abort): the input that did it, in hex. */
static void on_abort(int sig)
{
	static const char hex[] = "0123456789abcdef";
	char b[3] = { 0, 0, ' ' };
	size_t i;

	(void)sig;
	if (write(2, "fuzz_drive: failed on input:\n", 29) < 0)
		_exit(1);
	for (i = 0; i < input_len; i++) {
		b[0] = hex[input[i] >> 4];
		b[1] = hex[input[i] & 15];
		if (write(2, b, 3) < 0)
			break;
	}
	if (write(2, "\n", 1) < 0)
		_exit(1);
	_exit(1);
}

static void mutate(void)
{
	static const char bytes[] = " \t\r\n:;<>@=INVITEinvite\x01\x0b\x7f\x80\xff";
	int k, n = 1 + rnd(6);
	size_t at;

	for (k = 0; k < n; k++) {
		at = input_len ? rnd(input_len) : 0;
		switch (rnd(5)) {
		case 0:		/* flip a byte */
			if (input_len)
				input[at] ^= 1u << rnd(8);
			break;
		case 1:		/* change a letter's case */
			if (input_len)
				input[at] ^= 0x20;
			break;
		case 2:		/* put a byte in */
			if (input_len < INPUT_MAX) {
				memmove(input + at + 1, input + at, input_len - at);
				input[at] = bytes[rnd(sizeof(bytes) - 1)];
				input_len++;
			}
			break;
		case 3:		/* take one out */
			if (input_len) {
				memmove(input + at, input + at + 1, input_len - at - 1);
				input_len--;
			}
			break;
		default:	/* cut the end */
			input_len = at;
			break;
		}
	}
}

int main(int argc, char **argv)
{
	static uint8_t *seed[SEEDS_MAX];
	static size_t seed_len[SEEDS_MAX];
	long count = 100000, i;
	int nseeds = 0, a = 1;
	size_t n;
	FILE *f;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		count = atol(argv[2]);
		a = 3;
	}
	signal(SIGABRT, on_abort);
	for (; a < argc && nseeds < SEEDS_MAX; a++) {
		f = fopen(argv[a], "rb");
		if (!f) {
			perror(argv[a]);
			printf("0 passed, 1 failed\n");
			return 1;
		}
		seed[nseeds] = malloc(INPUT_MAX);
		n = fread(seed[nseeds], 1, INPUT_MAX, f);
		fclose(f);
		seed_len[nseeds++] = n;
		memcpy(input, seed[nseeds - 1], n);
		input_len = n;
		LLVMFuzzerTestOneInput(input, input_len);
	}
	if (!nseeds) {
		fprintf(stderr, "usage: fuzz_drive_NAME [-n COUNT] SEED...\n");
		printf("0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < count; i++) {
		int s = rnd(nseeds);

		input_len = 0;
		if (rnd(2))
			input[input_len++] = rnd(4);
		n = seed_len[s] < INPUT_MAX - input_len ? seed_len[s] : INPUT_MAX - input_len;
		memcpy(input + input_len, seed[s], n);
		input_len += n;
		mutate();
		LLVMFuzzerTestOneInput(input, input_len);
	}
	printf("  %d seeds and %ld mutated inputs, every check held\n", nseeds, count);
	printf("1 passed, 0 failed\n");
	return 0;
}
