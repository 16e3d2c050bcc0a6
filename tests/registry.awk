# The registry of a test binary, from its sources (tests/tests.mk): one line
# HARNESS_TEST(test_NAME, SUBTESTS) for each `void test_NAME(void)` defined
# at the start of a line, in the order of the files and of the definitions.
# SUBTESTS is 1 when the body (up to the next "}" at the start of a line)
# starts subtests, by subtest() or a table of packet cases (RUN_CASES), so
# that a filter that names no test looks for its subtests only there.
/^void test_[A-Za-z0-9_]*\(void\)/ {
	name = $0
	sub(/^void /, "", name)
	sub(/\(void\).*/, "", name)
	subs = 0
	next
}
name != "" && /(^|[^A-Za-z0-9_])(subtest|RUN_CASES)\(/ {
	subs = 1
}
name != "" && /^}/ {
	printf "HARNESS_TEST(%s, %d)\n", name, subs
	name = ""
}
