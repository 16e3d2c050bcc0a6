/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one harness of the C unit tests (test_xdp, test_host, test_hdr,
 * test_escape).  A test is a `void test_NAME(void)` function anywhere in a
 * binary's sources; tests/tests.mk finds them with grep and writes the
 * registry, so adding the function is all it takes.
 *
 * Assertions do not stop a test: each one counts, and a failed one prints
 * file:line, the test (and subtest), what was checked, the expected and
 * the actual value, marks the test failed and returns false, so a test can
 * write `if (!ASSERT_OK(err, "load")) return;` where going on makes no
 * sense.  ASSERT_EQ(actual, expected, what) and friends take the actual
 * value first.
 *
 * Subtests are named cases inside a test: `if (subtest("vlan")) {...}`.
 * A failing subtest fails its test and the others go on.  Every test and
 * every subtest starts from the state harness_reset() makes.
 *
 * `BINARY [-v] [WORD]`: run the tests whose name contains WORD and, of the
 * other tests, the subtests whose name contains it (a '/' in WORD splits it
 * into a test part and a subtest part).  One line per test and subtest,
 * then "T tests, S subtests, A assertions" and, last,
 * "N passed, M failed", where N + M counts each subtest as one test and a
 * test without subtests as one, and ", K skipped" when tests skipped
 * themselves (harness_skip()).  -v prints the assertions of each line.
 * The exit status is non-zero when something failed.
 */
#ifndef SG_TESTS_HARNESS_H
#define SG_TESTS_HARNESS_H

#include <stdbool.h>
#include <string.h>

/* Count one assertion; on failure print the message at file:line. */
bool harness_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Start the subtest NAME (ending the one before); false: filtered out. */
bool subtest(const char *name);

/*
 * True while a test runs only to find its subtests (the filter matched no
 * test name): what it does outside a subtest is not reported, so costly
 * work there may be skipped.
 */
bool harness_probing(void);

/*
 * The running test cannot run in this build, for WHY: called before any
 * check or subtest, then return.  It prints "skip NAME: WHY" and counts
 * as neither passed nor failed.
 */
void harness_skip(const char *why);

/* Has the running test (or its subtest) failed so far? */
bool harness_failed(void);

/* Hooks a test binary may define: before all tests, and before each. */
int harness_setup(void);	/* non-zero: nothing can run */
void harness_reset(void);
void harness_teardown(void);

#define HARNESS_CHECK(ok, ...) harness_check((ok), __FILE__, __LINE__, __VA_ARGS__)

/* A failure without a condition: setup that went wrong. */
#define FAIL(fmt, ...) HARNESS_CHECK(false, fmt, ##__VA_ARGS__)

/* A condition, with a message of the caller's making. */
#define CHECK(cond, fmt, ...) HARNESS_CHECK(!!(cond), fmt, ##__VA_ARGS__)

#define ASSERT_TRUE(cond, what)						\
	HARNESS_CHECK(!!(cond), "%s: expected true: %s", (what), #cond)

#define ASSERT_FALSE(cond, what)					\
	HARNESS_CHECK(!(cond), "%s: expected false: %s", (what), #cond)

#define ASSERT_CMP_(actual, expected, op, what) ({			\
	long long a_ = (long long)(actual);				\
	long long e_ = (long long)(expected);				\
	HARNESS_CHECK(a_ op e_, "%s: expected %s %lld, got %lld",	\
		      (what), #op, e_, a_);				\
})

#define ASSERT_EQ(actual, expected, what) ({				\
	long long a_ = (long long)(actual);				\
	long long e_ = (long long)(expected);				\
	HARNESS_CHECK(a_ == e_, "%s: expected %lld, got %lld",		\
		      (what), e_, a_);					\
})

#define ASSERT_NEQ(actual, expected, what) ASSERT_CMP_(actual, expected, !=, what)
#define ASSERT_GE(actual, expected, what) ASSERT_CMP_(actual, expected, >=, what)
#define ASSERT_LE(actual, expected, what) ASSERT_CMP_(actual, expected, <=, what)

/* 0 means success (a syscall, a libbpf call). */
#define ASSERT_OK(res, what) ({						\
	long long r_ = (long long)(res);				\
	HARNESS_CHECK(r_ == 0, "%s: expected success (0), got %lld",	\
		      (what), r_);					\
})

#define ASSERT_OK_PTR(ptr, what)					\
	HARNESS_CHECK((ptr) != NULL, "%s: expected a pointer, got NULL", (what))

#define ASSERT_STREQ(actual, expected, what) ({				\
	const char *a_ = (actual), *e_ = (expected);			\
	HARNESS_CHECK(a_ && e_ && !strcmp(a_, e_),			\
		      "%s: expected '%s', got '%s'", (what),		\
		      e_ ? e_ : "(null)", a_ ? a_ : "(null)");		\
})

#endif /* SG_TESTS_HARNESS_H */
