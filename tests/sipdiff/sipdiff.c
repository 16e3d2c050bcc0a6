// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sipdiff: sipguard's classifier against real SIP stacks (issue 10).
 *
 * Every input is a UDP payload.  Each stack says whether it would take it
 * as an INVITE request (tests/sipdiff/oracle_*.c: libre, GNU oSIP,
 * sofia-sip, each the way its UDP transport takes a datagram), and so does
 * sipguard (classify_sip() of bpf/sip.h: SG_SIP_REQUEST, SG_M_INVITE).
 *
 *   a stack says INVITE, sipguard does not   FAIL: a ghost ring would get
 *                                            through the filter
 *   sipguard says INVITE, no stack does      counted and reported only
 *                                            (sipguard drops it if it is an
 *                                            orphan; no phone would ring)
 *
 * sipguard's "crlf_padding" (more than 32 leading blanks, then data)
 * counts as caught: the XDP program drops it from every untrusted source,
 * orphan or not (docs/design.md, "Payload tricks are decided").  Such
 * messages are counted on their own line.
 *
 * Stacks that are not packaged (pjsip, chan_sip) are taken into account
 * through a manifest (tests/sipdiff/expect.txt): for a corpus file it names
 * the stacks documented to take it as an INVITE, from reading their
 * parsers; they count as one more "stack says INVITE".
 *
 * Two builds of this file:
 *   build/tests/sipdiff [-v] [-e MANIFEST] [-o DIR] FILE...
 *	each file is one message, one test: "ok" or "FAIL" with the bytes
 *	escaped; then the counts per stack, the classes of disagreement and
 *	"N passed, M failed".  The first tests check that every stack's oracle
 *	is alive (takes a plain INVITE, refuses an OPTIONS and a response), so
 *	that a broken library call cannot make everything agree.
 *   build/tests/sipdiff_fuzz [libFuzzer flags] DIR...   (-DSIPDIFF_FUZZ)
 *	libFuzzer mutates the corpus; every input goes through all parsers.
 *	Disagreements are counted, not crashes; at exit the same report is
 *	printed, its last lines "sipdiff: F failures" and "sipdiff: tried T".
 * Both save each disagreeing input (raw bytes, a ready corpus file) to DIR
 * given by -o or $SIPDIFF_OUT, with an INDEX of escaped lines.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sipdiff.h"

/*
 * The libraries' own leaks (oSIP loses a Content-Type on some inputs) are
 * not this test's subject: no leak report at exit.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}

struct stack {
	const char *name;
	int (*init)(void);
	int (*is_invite)(const uint8_t *p, size_t n);
};

static const struct stack stacks[] = {
	{ "libre",	oracle_re_init,		oracle_re },
	{ "osip",	oracle_osip_init,	oracle_osip },
	{ "sofia",	oracle_sofia_init,	oracle_sofia },
};
#define NSTACKS ((int)(sizeof(stacks) / sizeof(stacks[0])))

/* documented only: named per corpus file in the manifest */
static const char *const docs[] = { "pjsip", "chan_sip" };
#define NDOCS ((int)(sizeof(docs) / sizeof(docs[0])))
#define NALL (NSTACKS + NDOCS)

static struct {
	unsigned long tried;
	unsigned long sg_invite;
	unsigned long invite[NALL];	/* the stack said INVITE */
	unsigned long miss[NALL];	/* ... and sipguard did not (nor
					   crlf_padding): failures */
	unsigned long extra[NSTACKS];	/* sipguard said INVITE, it did not */
	unsigned long fail;		/* some stack INVITE, sipguard not */
	unsigned long alone;		/* sipguard INVITE, no stack */
	unsigned long padding;		/* some stack INVITE, sipguard
					   crlf_padding: caught */
} cnt;

/* ---- escaping and shapes ---- */

/* p as a C string literal's body, at most max output bytes, "..." if cut */
static void escape(const uint8_t *p, size_t n, char *out, size_t max)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		char tmp[8];
		int c = p[i];

		if (c == '\r')
			strcpy(tmp, "\\r");
		else if (c == '\n')
			strcpy(tmp, "\\n");
		else if (c == '\t')
			strcpy(tmp, "\\t");
		else if (c == '\\' || c == '"')
			snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			snprintf(tmp, sizeof(tmp), "%c", c);
		else
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		if (o + strlen(tmp) + 4 >= max) {
			strcpy(out + o, "...");
			return;
		}
		strcpy(out + o, tmp);
		o += strlen(tmp);
	}
	out[o] = 0;
}

/* RFC 3261 token characters */
static int is_token(int c)
{
	return isalnum(c) || (c && strchr("-.!%*_+`'~", c));
}

static int is_eol(int c)
{
	return c == '\r' || c == '\n';
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* a count as a class: exact up to 4, then coarser */
static const char *bucket(size_t k, char *buf)
{
	if (k <= 4)
		snprintf(buf, 16, "%zu", k);
	else if (k <= 32)
		strcpy(buf, "5-32");
	else
		strcpy(buf, ">32");
	return buf;
}

/*
 * The bytes in [p, p+n) as a short class name, into out: a run of line
 * ends is CRLF, CR or LF when it is just that, else "EOLxK" (K bytes of CR
 * and LF in any order); a run of blanks is SP or HT when it is one byte,
 * else "WSxK"; any other byte is xNN, runs of it xNNxK.
 */
static void byte_run(const uint8_t *p, size_t n, char *out, size_t max)
{
	size_t i = 0, o = 0;

	out[0] = 0;
	while (i < n) {
		size_t j = i + 1;
		char item[40], b[16];
		const char *name;

		if (is_eol(p[i])) {
			while (j < n && is_eol(p[j]))
				j++;
			if (j - i == 2 && p[i] == '\r' && p[i + 1] == '\n')
				name = "CRLF";
			else if (j - i == 1)
				name = p[i] == '\r' ? "CR" : "LF";
			else
				name = NULL;
			if (name)
				snprintf(item, sizeof(item), "%s", name);
			else
				snprintf(item, sizeof(item), "EOLx%s",
					 bucket(j - i, b));
		} else if (is_blank(p[i])) {
			while (j < n && is_blank(p[j]))
				j++;
			if (j - i == 1)
				snprintf(item, sizeof(item), "%s",
					 p[i] == ' ' ? "SP" : "HT");
			else
				snprintf(item, sizeof(item), "WSx%s",
					 bucket(j - i, b));
		} else {
			while (j < n && p[j] == p[i])
				j++;
			if (j - i == 1)
				snprintf(item, sizeof(item), "x%02x", p[i]);
			else
				snprintf(item, sizeof(item), "x%02xx%s", p[i],
					 bucket(j - i, b));
		}
		if (o + strlen(item) + 2 >= max)
			break;
		o += sprintf(out + o, "%s%s", o ? " " : "", item);
		i = j;
	}
}

/*
 * The shape of a message's start, which is all the classifier looks at:
 * the bytes before the first token, the token (an INVITE in which case),
 * and the bytes between it and the next visible character.
 */
static void shape(const uint8_t *p, size_t n, char *out, size_t max)
{
	char lead[64], sep[64], tok[24];
	size_t i = 0, t, s;

	while (i < n && !is_token(p[i]))
		i++;
	byte_run(p, i, lead, sizeof(lead));
	t = i;
	while (t < n && t - i < 16 && is_token(p[t]))
		t++;
	if (t - i == 6 && !strncasecmp((const char *)p + i, "invite", 6)) {
		if (!memcmp(p + i, "INVITE", 6))
			strcpy(tok, "INVITE");
		else if (!memcmp(p + i, "invite", 6))
			strcpy(tok, "invite");
		else
			strcpy(tok, "mixed-case invite");
	} else if (t == i) {
		strcpy(tok, "no token");
	} else {
		snprintf(tok, sizeof(tok), "token %.*s", (int)(t - i),
			 (const char *)p + i);
	}
	s = t;
	while (s < n && s - t < 16 && (p[s] <= 0x20 || p[s] == 0x7f))
		s++;
	byte_run(p + t, s - t, sep, sizeof(sep));
	snprintf(out, max, "lead [%s] %s sep [%s]%s", lead, tok, sep,
		 s == n ? " end" : "");
}

/* ---- classes of disagreement ---- */

#define MAX_CLASSES 1024
#define MAX_ALONE_CLASSES 32	/* "sipguard alone" ones: counted, not hunted */
#define SAVE_PER_CLASS 5

struct klass {
	char key[400];		/* direction, shape, voters, sipguard's word */
	unsigned long count;
	unsigned saved;
	char example[160];	/* the shortest one, escaped */
	size_t example_len;
};
static struct klass classes[MAX_CLASSES];
static int nclasses, nalone;
static unsigned long unclassed;

static const char *out_dir;	/* where disagreeing inputs are saved */

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static void save(const char *dir_name, const struct klass *k,
		 const uint8_t *p, size_t n, int fail)
{
	char path[4096], esc[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%016llx.sip", dir_name,
		 fail ? "fail" : "alone", (unsigned long long)fnv1a(p, n));
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(p, 1, n, f);
	fclose(f);
	escape(p, n, esc, sizeof(esc));
	snprintf(path, sizeof(path), "%s/INDEX", dir_name);
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "%s-%016llx.sip\t%s\t\"%s\"\n", fail ? "fail" : "alone",
		(unsigned long long)fnv1a(p, n), k->key, esc);
	fclose(f);
}

static struct klass *note_class(const char *key, int alone, const uint8_t *p,
				size_t n)
{
	int i;

	for (i = 0; i < nclasses; i++)
		if (!strcmp(classes[i].key, key))
			break;
	if (i == nclasses) {
		if (nclasses == MAX_CLASSES ||
		    (alone && nalone == MAX_ALONE_CLASSES)) {
			unclassed++;
			return NULL;
		}
		nalone += alone;
		snprintf(classes[i].key, sizeof(classes[i].key), "%s", key);
		classes[i].example_len = (size_t)-1;
		nclasses++;
	}
	classes[i].count++;
	if (n < classes[i].example_len) {
		escape(p, n, classes[i].example, sizeof(classes[i].example));
		classes[i].example_len = n;
	}
	return &classes[i];
}

/* ---- one message ---- */

struct verdict {
	int sg;			/* sipguard says INVITE */
	int padding;		/* sipguard says crlf_padding */
	const char *sg_what;
	int says[NALL];		/* each stack says INVITE */
	int fail, alone, extra;
	char voters[96];	/* names of the stacks that said INVITE */
	char key[400];
};

/* doc_mask: the documented stacks the manifest names for this message */
static void judge(const uint8_t *p, size_t n, unsigned doc_mask,
		  struct verdict *v)
{
	char shp[200];
	int i, any = 0;

	memset(v, 0, sizeof(*v));
	i = oracle_sipguard(p, n, &v->sg_what);
	v->sg = i == SG_SAYS_INVITE;
	v->padding = i == SG_SAYS_PADDING;
	for (i = 0; i < NSTACKS; i++)
		v->says[i] = stacks[i].is_invite(p, n);
	for (i = 0; i < NDOCS; i++)
		v->says[NSTACKS + i] = !!(doc_mask & 1u << i);

	cnt.tried++;
	cnt.sg_invite += v->sg;
	for (i = 0; i < NALL; i++) {
		if (!v->says[i])
			continue;
		any = 1;
		cnt.invite[i]++;
		cnt.miss[i] += !v->sg && !v->padding;
		snprintf(v->voters + strlen(v->voters),
			 sizeof(v->voters) - strlen(v->voters), "%s%s",
			 v->voters[0] ? "," : "",
			 i < NSTACKS ? stacks[i].name : docs[i - NSTACKS]);
	}
	for (i = 0; i < NSTACKS; i++)
		if (v->sg && !v->says[i]) {
			cnt.extra[i]++;
			v->extra = 1;
		}
	v->fail = any && !v->sg && !v->padding;
	v->alone = v->sg && !any;
	cnt.fail += v->fail;
	cnt.alone += v->alone;
	cnt.padding += any && v->padding;
	/* classes: failures and sipguard alone; partial ones are counted */
	if (!v->fail && !v->alone)
		return;

	shape(p, n, shp, sizeof(shp));
	if (v->fail)
		snprintf(v->key, sizeof(v->key), "FAIL %s | INVITE to: %s | "
			 "sipguard: %s", shp, v->voters, v->sg_what);
	else {	/* mostly broken headers: the method's case is what matters */
		char *m = strstr(shp, "] ") + 2, *sep = strstr(m, " sep [");

		if (sep)
			*sep = 0;
		snprintf(v->key, sizeof(v->key), "alone %s | INVITE to: no "
			 "stack | sipguard: %s", m, v->sg_what);
	}
	{
		struct klass *k = note_class(v->key, v->alone, p, n);

		if (k && out_dir && k->saved < SAVE_PER_CLASS) {
			k->saved++;
			save(out_dir, k, p, n, v->fail);
		}
	}
}

static void report(FILE *f)
{
	int i;

	fprintf(f, "sipdiff: %lu messages tried; sipguard called %lu of them "
		"INVITE\n", cnt.tried, cnt.sg_invite);
	fprintf(f, "  %-14s %8s %18s %18s\n", "stack", "INVITE",
		"missed by sipguard", "INVITE only to sg");
	for (i = 0; i < NALL; i++) {
		char extra[24];

		if (i >= NSTACKS && !cnt.invite[i])
			continue;
		if (i < NSTACKS)
			snprintf(extra, sizeof(extra), "%lu", cnt.extra[i]);
		else
			strcpy(extra, "-");
		fprintf(f, "  %-14s %8lu %18lu %18s\n",
			i < NSTACKS ? stacks[i].name : docs[i - NSTACKS],
			cnt.invite[i], cnt.miss[i], extra);
	}
	fprintf(f, "  disagreements: %lu an INVITE to some stack but not to "
		"sipguard (failures), %lu an INVITE to sipguard alone\n",
		cnt.fail, cnt.alone);
	if (cnt.padding)
		fprintf(f, "  caught as crlf_padding (dropped from strangers): "
			"%lu an INVITE to some stack\n", cnt.padding);
	if (nclasses)
		fprintf(f, "classes of disagreement (the start's shape: bytes "
			"before the method, the method, bytes after it | who "
			"calls it INVITE | what sipguard says):\n");
	for (i = 0; i < nclasses; i++)
		fprintf(f, "  %s  (%lu)\n      e.g. \"%s\"\n", classes[i].key,
			classes[i].count, classes[i].example);
	if (unclassed)
		fprintf(f, "  ... and %lu more in classes not listed (at most "
			"%d classes, %d of them sipguard-alone ones)\n",
			unclassed, MAX_CLASSES, MAX_ALONE_CLASSES);
	if (out_dir && nclasses)
		fprintf(f, "disagreeing inputs saved in %s (INDEX lists them)\n",
			out_dir);
}

static void init_stacks(void)
{
	int i;

	for (i = 0; i < NSTACKS; i++)
		if (stacks[i].init() != 0) {
			fprintf(stderr, "sipdiff: %s: init failed\n",
				stacks[i].name);
			exit(2);
		}
}

/* ---- oracle liveness: messages every stack must get right ---- */

static const char ref_invite[] =
	"INVITE sip:100@192.0.2.10 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 203.0.113.66:5060;branch=z9hG4bK-live-1\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:200@203.0.113.66>;tag=live1\r\n"
	"To: <sip:100@192.0.2.10>\r\n"
	"Call-ID: live-1@203.0.113.66\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:200@203.0.113.66:5060>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";
static const char ref_options[] =
	"OPTIONS sip:100@192.0.2.10 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 203.0.113.66:5060;branch=z9hG4bK-live-2\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:200@203.0.113.66>;tag=live2\r\n"
	"To: <sip:100@192.0.2.10>\r\n"
	"Call-ID: live-2@203.0.113.66\r\n"
	"CSeq: 1 OPTIONS\r\n"
	"Content-Length: 0\r\n"
	"\r\n";
static const char ref_response[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-live-3\r\n"
	"From: <sip:100@192.0.2.10>;tag=live3\r\n"
	"To: <sip:200@203.0.113.66>;tag=live4\r\n"
	"Call-ID: live-3@192.0.2.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

#define REF(s) (const uint8_t *)(s), sizeof(s) - 1

/* NULL when the stack's oracle is alive, else what it got wrong */
static const char *liveness(int (*is_invite)(const uint8_t *, size_t))
{
	if (!is_invite(REF(ref_invite)))
		return "a plain INVITE is no INVITE to it";
	if (is_invite(REF(ref_options)))
		return "an OPTIONS is an INVITE to it";
	if (is_invite(REF(ref_response)))
		return "a 200 response is an INVITE to it";
	return NULL;
}

static int sg_is_invite(const uint8_t *p, size_t n)
{
	return oracle_sipguard(p, n, NULL) == SG_SAYS_INVITE;
}

#ifdef SIPDIFF_FUZZ
/* ---- libFuzzer target ---- */

static void at_exit(void)
{
	report(stdout);
	printf("sipdiff: %lu failures\n", cnt.fail);
	printf("sipdiff: tried %lu\n", cnt.tried);
	fflush(stdout);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why;
	int i;

	(void)argc;
	(void)argv;
	init_stacks();
	for (i = 0; i < NSTACKS; i++)
		if ((why = liveness(stacks[i].is_invite))) {
			fprintf(stderr, "sipdiff: oracle %s is broken: %s\n",
				stacks[i].name, why);
			exit(2);
		}
	out_dir = getenv("SIPDIFF_OUT");
	if (out_dir && mkdir(out_dir, 0755) && errno != EEXIST)
		out_dir = NULL;
	atexit(at_exit);
	return 0;
}

_Static_assert(sizeof(stacks) / sizeof(stacks[0]) == 3,
	       "one mark() per stack below");

/* an edge of its own for each call site: coverage libFuzzer can see */
static __attribute__((noinline)) void mark(int k)
{
	__asm__ volatile("" : : "r"(k));
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct verdict v;

	judge(p, n, 0, &v);
	/*
	 * The libraries are not instrumented: libFuzzer sees no coverage in
	 * them.  These branches tell it that an input made a stack call an
	 * INVITE that sipguard missed, or made sipguard alone call one, so
	 * that it keeps such inputs and mutates them further.  shape(), run
	 * on every disagreement, branches on the bytes around the method.
	 */
	if (v.fail && v.says[0])
		mark(0);
	if (v.fail && v.says[1])
		mark(1);
	if (v.fail && v.says[2])
		mark(2);
	if (v.alone)
		mark(3);
	if (v.padding)
		mark(4);
	return 0;
}

#else
/* ---- the corpus runner ---- */

struct expect {
	char name[256];
	unsigned mask;
};
static struct expect *expects;
static int nexpects;

/* The manifest: "FILE STACK[,STACK...]", # comments. */
static void load_manifest(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "sipdiff: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *name, *list, *tok, *save = NULL;
		struct expect *e;

		lineno++;
		if ((tok = strchr(line, '#')))
			*tok = 0;
		name = strtok_r(line, " \t\r\n", &save);
		list = strtok_r(NULL, " \t\r\n", &save);
		if (!name)
			continue;
		if (!list) {
			fprintf(stderr, "sipdiff: %s:%d: no stack named\n",
				path, lineno);
			exit(2);
		}
		expects = realloc(expects, (nexpects + 1) * sizeof(*expects));
		if (!expects)
			abort();
		e = &expects[nexpects++];
		snprintf(e->name, sizeof(e->name), "%s", name);
		e->mask = 0;
		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			int i;

			for (i = 0; i < NDOCS; i++)
				if (!strcmp(tok, docs[i]))
					break;
			if (i == NDOCS) {
				fprintf(stderr, "sipdiff: %s:%d: unknown stack "
					"%s\n", path, lineno, tok);
				exit(2);
			}
			e->mask |= 1u << i;
		}
	}
	fclose(f);
}

static unsigned manifest_mask(const char *path)
{
	const char *base = strrchr(path, '/');
	int i;

	base = base ? base + 1 : path;
	for (i = 0; i < nexpects; i++)
		if (!strcmp(expects[i].name, base))
			return expects[i].mask;
	return 0;
}

static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t cap = 0, len = 0, r;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			b = realloc(b, cap);
			if (!b)
				abort();
		}
		r = fread(b + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	fclose(f);
	*n = len;
	return b;
}

static void usage(void)
{
	fprintf(stderr, "usage: sipdiff [-v] [-e MANIFEST] [-o DIR] FILE...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int pass = 0, fail = 0, verbose = 0, i;
	const char *why;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "-e") && i + 1 < argc)
			load_manifest(argv[++i]);
		else if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out_dir = argv[++i];
		else
			usage();
	}
	if (i == argc)
		usage();
	if (!out_dir)
		out_dir = getenv("SIPDIFF_OUT");
	if (out_dir && mkdir(out_dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "sipdiff: %s: %s\n", out_dir, strerror(errno));
		exit(2);
	}
	init_stacks();

	/* the oracles themselves first: a dead one would agree with all */
	for (int k = 0; k <= NSTACKS; k++) {
		const char *name = k < NSTACKS ? stacks[k].name : "sipguard";

		why = liveness(k < NSTACKS ? stacks[k].is_invite : sg_is_invite);
		if (why) {
			printf("  FAIL  oracle %s: %s\n", name, why);
			fail++;
		} else {
			printf("  ok    oracle %s: an INVITE, not an OPTIONS or "
			       "a response\n", name);
			pass++;
		}
	}

	for (; i < argc; i++) {
		struct verdict v;
		char esc[400];
		size_t n;
		uint8_t *p = read_file(argv[i], &n);

		if (!p) {
			printf("  FAIL  %s: %s\n", argv[i], strerror(errno));
			fail++;
			continue;
		}
		judge(p, n, manifest_mask(argv[i]), &v);
		escape(p, n, esc, sizeof(esc));
		if (v.fail) {
			printf("  FAIL  %s: an INVITE to %s; sipguard: %s\n"
			       "        \"%s\"\n", argv[i], v.voters,
			       v.sg_what, esc);
			fail++;
		} else {
			if (v.extra)
				printf("  ok    %s (note: INVITE to sipguard, "
				       "to %s)\n", argv[i],
				       v.voters[0] ? v.voters : "no stack");
			else if (verbose)
				printf("  ok    %s (INVITE to %s; sipguard: "
				       "%s)\n", argv[i],
				       v.voters[0] ? v.voters : "no stack",
				       v.sg_what);
			else
				printf("  ok    %s\n", argv[i]);
			pass++;
		}
		free(p);
	}
	report(stdout);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
#endif /* SIPDIFF_FUZZ */
