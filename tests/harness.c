// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The runner behind tests/harness.h: the registry that tests/tests.mk
 * generates (HARNESS_TESTS names it), the filter, the per-test and
 * per-subtest bookkeeping, and the summary that tests/run-all.sh adds up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct harness_test {
	const char *name;
	void (*fn)(void);
	int has_subtests;
};

#define HARNESS_TEST(fn, subs) void fn(void);
#include HARNESS_TESTS
#undef HARNESS_TEST

#define HARNESS_TEST(fn, subs) { #fn, fn, subs },
static const struct harness_test tests[] = {
#include HARNESS_TESTS
};
#undef HARNESS_TEST

#define N_TESTS ((int)(sizeof(tests) / sizeof(tests[0])))

static struct {
	/* the command line */
	const char *test_word;		/* NULL: every test */
	const char *sub_word;		/* NULL: every subtest */
	int split;			/* the filter had a '/' */
	int verbose;
	/* the test running */
	const char *test;
	int probing;
	int test_failed, test_checks;
	int nsubs, nsubs_skipped;
	const char *skip_why;		/* harness_skip() */
	/* its subtest, when one runs */
	char sub[128];
	int in_sub, sub_failed, sub_checks;
	/* totals */
	int passed, failed, skipped, ntests, nsubtests;
	long long asserts;
} h;

__attribute__((weak)) int harness_setup(void)
{
	return 0;
}

__attribute__((weak)) void harness_reset(void)
{
}

__attribute__((weak)) void harness_teardown(void)
{
}

bool harness_probing(void)
{
	return h.probing && !h.in_sub;
}

bool harness_failed(void)
{
	return h.in_sub ? h.sub_failed : h.test_failed;
}

bool harness_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (harness_probing())
		return ok;
	h.asserts++;
	if (h.in_sub)
		h.sub_checks++;
	else
		h.test_checks++;
	if (ok)
		return ok;
	if (h.in_sub)
		h.sub_failed = 1;
	else
		h.test_failed = 1;
	fprintf(stderr, "    %s:%d: %s%s%s: ", file, line, h.test,
		h.in_sub ? "/" : "", h.in_sub ? h.sub : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ok;
}

/* One result line; counts it as a test of the summary when COUNT. */
static void report(const char *name, const char *sub, int failed, int checks,
		   int count)
{
	fflush(stderr);
	printf("%s %s%s%s", failed ? "FAIL" : "ok  ", name, sub ? "/" : "",
	       sub ? sub : "");
	if (h.verbose)
		printf(" (%d assertions)", checks);
	printf("\n");
	if (!count)
		return;
	if (failed)
		h.failed++;
	else
		h.passed++;
}

static void end_subtest(void)
{
	if (!h.in_sub)
		return;
	if (!h.sub_checks)
		FAIL("made no check");
	h.in_sub = 0;
	report(h.test, h.sub, h.sub_failed, h.sub_checks, 1);
	h.nsubs++;
	h.nsubtests++;
}

bool subtest(const char *name)
{
	const char *word = h.split ? h.sub_word : h.probing ? h.test_word : NULL;

	end_subtest();
	if (word && !strstr(name, word)) {
		h.nsubs_skipped++;
		return false;
	}
	snprintf(h.sub, sizeof(h.sub), "%s", name);
	h.in_sub = 1;
	h.sub_failed = 0;
	h.sub_checks = 0;
	harness_reset();
	return true;
}

void harness_skip(const char *why)
{
	h.skip_why = why;
}

static void run_test(const struct harness_test *t)
{
	int named = !h.test_word || strstr(t->name, h.test_word);

	if (!named && (h.split || !t->has_subtests))
		return;
	h.test = t->name;
	h.probing = !named;
	h.test_failed = h.test_checks = 0;
	h.nsubs = h.nsubs_skipped = 0;
	h.skip_why = NULL;
	harness_reset();
	t->fn();
	end_subtest();
	if (h.skip_why && !h.test_checks && !h.nsubs) {
		if (!h.probing) {
			printf("skip %s: %s\n", t->name, h.skip_why);
			h.skipped++;
		}
		h.probing = 0;
		return;
	}
	if (h.probing) {
		h.probing = 0;
		if (h.nsubs)
			h.ntests++;
		return;
	}
	if (!h.nsubs && h.nsubs_skipped)	/* all its cases filtered out */
		return;
	h.ntests++;
	if (!h.nsubs && !h.test_checks)
		FAIL("made no check");
	/* a test with subtests counts once more only when it failed itself */
	report(t->name, NULL, h.test_failed, h.test_checks,
	       !h.nsubs || h.test_failed);
}

int main(int argc, char **argv)
{
	static char word[256];
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			h.verbose = 1;
			continue;
		}
		snprintf(word, sizeof(word), "%s", argv[i]);
		h.test_word = word;
		if (strchr(word, '/')) {
			h.split = 1;
			h.sub_word = strchr(word, '/') + 1;
			*strchr(word, '/') = 0;
		}
	}
	if (harness_setup()) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < N_TESTS; i++)
		run_test(&tests[i]);
	harness_teardown();
	printf("%d tests, %d subtests, %lld assertions\n", h.ntests,
	       h.nsubtests, h.asserts);
	if (h.skipped)
		printf("%d passed, %d failed, %d skipped\n", h.passed, h.failed, h.skipped);
	else
		printf("%d passed, %d failed\n", h.passed, h.failed);
	return h.failed ? 1 : 0;
}
