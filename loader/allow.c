// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * `sipguard allow add|del|list|names`: the allowlist, whose sources
 * always pass.  A prefix list (prefixes.c) with a filter in front of it
 * (struct sg_allow_bits, exact per address), which the XDP program checks
 * before the trie: the filter learns of new prefixes before they go in,
 * and forgets old ones after they are gone, so it always covers the trie.
 *
 * An argument may also be a host name (a SIP trunk's): it is resolved
 * (hostnames.c, dns.c) and its addresses go in as entries of origin dns.
 * The names are the heir of the list: an entry added by hand or by the
 * config file whose address a name also has is handed to the name when
 * it goes, and a name's entry becomes the hand's or the file's when they
 * list the same prefix.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "addr.h"
#include "allow.h"
#include "allowfilter.h"
#include "cli.h"
#include "dns.h"
#include "env.h"
#include "hostnames.h"
#include "main.h"
#include "names.h"
#include "prefixes.h"

static int allow_fd(const struct sg_maps *m)
{
	return m->allow;
}

static int allow_settle(const struct sg_maps *m)
{
	return sg_allow_bits_rebuild(m, NULL, 0);
}

/* The addresses of the host names, which inherit entries that go. */
static int allow_heirs(const struct sg_maps *m, struct sg_lpm_key **keys,
		       size_t *n)
{
	int err = sg_hn_keys(keys, n);

	if (err)
		sg_err_errno(err, "cannot read the host names", "try again");
	return err ? -1 : 0;
}

static const struct sg_prefix_list allowlist = {
	.verb = "allow",
	.title = "the allowlist",
	.max = 0,	/* [allow] max-entries, fixed at the first attach */
	.fd = allow_fd,
	.prepare = sg_allow_bits_rebuild,
	.settle = allow_settle,
	.heirs = allow_heirs,
	.heir = SG_ORIGIN_DNS,
};

/*
 * The filter, in this sipguard's format while every attached interface
 * runs programs that read it, else written off (valid 0: every source
 * asks the trie), which programs of any version read right.  SAY: warn
 * when it is off.
 */
static int allow_bits(const struct sg_maps *m, const struct sg_lpm_key *extra,
		      size_t n, bool say)
{
	char other[IF_NAMESIZE] = "";
	bool off = sg_iface_lacking(SG_META_ALLOWBITS, other, sizeof(other));
	int err = sg_allow_filter_write(m->allow, m->allowbits, extra, n,
					off ? 0 : SG_AF_FORMAT);

	if (err) {
		sg_err_errno(err, "cannot write the allowlist filter",
			     "detach and attach again");
		return -1;
	}
	/* not about the interface being attached: attach_filters() writes it again */
	if (off && say && !sg_iface_is_attaching(other))
		fprintf(stderr, "Warning: %s runs the programs of an older sipguard, which read another form of the allowlist's filter: it stays off (the verdicts are the same, every INVITE's source is looked up in the allowlist) until %s is attached again\n",
			other, other);
	return 0;
}

int sg_allow_bits_rebuild(const struct sg_maps *m, const struct sg_lpm_key *extra,
			  size_t n)
{
	return allow_bits(m, extra, n, true);
}

int sg_allow_bits_quiet(const struct sg_maps *m)
{
	return allow_bits(m, NULL, 0, false);
}


int sg_allow_sync_config(const struct sg_maps *m, const struct sg_lpm_key *keys,
			 size_t n)
{
	return sg_prefix_sync(&allowlist, m, keys, n, SG_ORIGIN_CONFIG);
}

int sg_allow_sync_dns(const struct sg_maps *m, const struct sg_lpm_key *keys,
		      size_t n)
{
	return sg_prefix_sync(&allowlist, m, keys, n, SG_ORIGIN_DNS);
}

/* ---- the arguments: prefixes and host names ---- */

struct allow_args {
	char **prefixes;		/* as given */
	int np;
	char (*names)[SG_HOSTNAME_MAX + 1];	/* lower case, no final dot */
	int nn;
	struct sg_dns_server servers[SG_DNS_SERVERS_MAX];	/* --resolver */
	size_t ns;
};

static void args_free(struct allow_args *a)
{
	free(a->prefixes);
	free(a->names);
}

/* Meant as an address or a prefix?  No host name has '/' or ':'. */
static bool looks_like_prefix(const char *s)
{
	return strpbrk(s, "/:") || strspn(s, "0123456789.") == strlen(s);
}

int sg_allow_parse(const char *s, struct sg_lpm_key *k, char *name, size_t nlen,
		   char *err, size_t elen)
{
	char herr[SG_ERRBUF];

	if (!sg_parse_prefix(s, k, err, elen))
		return 0;
	if (looks_like_prefix(s))
		return -1;	/* a mistyped address: the prefix's message */
	if (!sg_parse_hostname(s, name, nlen, herr, sizeof(herr)))
		return 1;
	snprintf(err, elen, "invalid prefix or host name '%s': write an address (203.0.113.7), a prefix (198.51.100.0/24) or a host name (sip.provider.example)",
		 s);
	return -1;
}

/* Sort ARGV into prefixes and names; -1 after a message. */
static int args_split(int argc, char **argv, struct allow_args *a)
{
	char err[SG_ERRBUF], name[SG_HOSTNAME_MAX + 1];
	struct sg_lpm_key k;
	int i, j, r;

	a->prefixes = calloc(argc, sizeof(*a->prefixes));
	a->names = calloc(argc, sizeof(*a->names));
	if (!a->prefixes || !a->names) {
		sg_err("out of memory");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		r = sg_allow_parse(argv[i], &k, name, sizeof(name), err, sizeof(err));
		if (r < 0) {
			sg_err("%s", err);
			return -1;
		}
		if (!r) {
			a->prefixes[a->np++] = argv[i];
			continue;
		}
		for (j = 0; j < a->nn; j++)
			if (!strcmp(a->names[j], name))
				break;
		if (j == a->nn)
			snprintf(a->names[a->nn++], sizeof(*a->names), "%s", name);
	}
	return 0;
}

static int allow_opt(int opt, const char *arg, void *ctx)
{
	struct allow_args *a = ctx;
	char err[SG_ERRBUF];

	if (opt != 'r')
		return -1;
	if (a->ns >= SG_DNS_SERVERS_MAX)
		return sg_usage("allow", "at most %d resolvers", SG_DNS_SERVERS_MAX);
	if (sg_parse_dns_server(arg, &a->servers[a->ns], err, sizeof(err)))
		return sg_usage("allow", "%s", err);
	a->ns++;
	return 0;
}

/*
 * The options (EXTRA: add's, or NULL) and arguments of `allow SUB`:
 * SG_EXIT_OK with *A filled, else the exit code after a message.
 */
static int args_read(int argc, char **argv, const char *sub,
		     const struct option *extra, struct allow_args *a)
{
	int first = sg_getopt(argc, argv, "allow", extra ? "" : NULL, extra,
			      extra ? allow_opt : NULL, a);

	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc <= first)
		return sg_usage("allow", "allow %s needs at least one prefix or host name", sub);
	return args_split(argc - first, argv + first, a) ? SG_EXIT_FAIL : SG_EXIT_OK;
}

/* ---- add ---- */

static void print_resolved(const char *name, const struct sg_dns_answer *a)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;

	printf("%s:", name);
	for (i = 0; i < a->n; i++) {
		sg_format_addr(&a->addrs[i], buf, sizeof(buf));
		printf("%s %s", i ? "," : "", buf);
	}
	printf(" (");
	if (a->srv_targets)
		printf("%u SRV target%s, ", a->srv_targets,
		       a->srv_targets == 1 ? "" : "s");
	printf("TTL %u s", a->ttl);
	if (a->left_out)
		printf("; %u more addresses left out: a name holds at most %d",
		       a->left_out, SG_DNS_ADDRS_MAX);
	printf(")\n");
}

/*
 * Resolve the names of A, each by --resolver, else by the resolver it was
 * listed with, else by the system's.  0, or -1 after a message for each
 * name that did not resolve.
 */
static int resolve_all(const struct allow_args *a, struct sg_dns_answer *ans,
		       struct sg_hostname_val *was, bool *had)
{
	const struct sg_dns_server *srv;
	bool given;
	size_t ns;
	int i, fd, bad = 0;

	fd = sg_hn_open(false);
	if (fd < 0 && fd != -ENOENT)
		return -1;
	for (i = 0; i < a->nn; i++) {
		had[i] = fd >= 0 && !sg_hn_get(fd, a->names[i], &was[i]);
		srv = a->servers;
		ns = a->ns;
		if (!ns && had[i]) {
			srv = was[i].servers;
			ns = was[i].n_servers;
		}
		given = ns > 0;
		sg_dns_resolve(a->names[i], srv, ns, &ans[i], NULL);
		if (ans[i].status == SG_DNS_OK)
			continue;
		sg_err("cannot resolve %s: %s: %s", a->names[i], ans[i].why,
		       sg_hn_hint(ans[i].status, given));
		bad++;
	}
	if (fd >= 0)
		close(fd);
	return bad ? -1 : 0;
}

/* Put the names' old values back (a later step failed). */
static void names_restore(int fd, const struct allow_args *a,
			  const struct sg_hostname_val *was, const bool *had,
			  int upto)
{
	int i;

	for (i = 0; i < upto; i++) {
		if (had[i])
			sg_hn_put(fd, a->names[i], &was[i]);
		else
			sg_hn_del(fd, a->names[i]);
	}
}

/* Write the resolved names (origin cli) and settle the allowlist. */
static int names_add(const struct sg_maps *m, const struct allow_args *a,
		     const struct sg_dns_answer *ans, struct sg_hostname_val *was,
		     bool *had, int *fdp)
{
	struct sg_hostname_val v;
	__u32 now = sg_hn_now();
	int i, fd, err;

	fd = sg_hn_open(true);
	if (fd < 0)
		return -1;
	*fdp = fd;
	for (i = 0; i < a->nn; i++) {
		/* what is there now, under the lock */
		had[i] = !sg_hn_get(fd, a->names[i], &was[i]);
		if (had[i])
			v = was[i];
		else
			memset(&v, 0, sizeof(v));
		v.origin |= SG_HN_CLI;
		if (a->ns) {
			memset(v.servers, 0, sizeof(v.servers));
			memcpy(v.servers, a->servers, a->ns * sizeof(a->servers[0]));
			v.n_servers = a->ns;
		}
		/* asked for now: the name's addresses become the answer's */
		sg_hn_take(&v, &ans[i], now, 0, false, NULL);
		err = sg_hn_put(fd, a->names[i], &v);
		if (err) {
			names_restore(fd, a, was, had, i);
			if (err == -E2BIG || err == -ENOSPC || err == -ENOMEM)
				sg_err("too many host names: the allowlist holds %d; remove some with 'sipguard allow del NAME'",
				       SG_HOSTNAMES_MAX);
			else
				sg_err_errno(err, "cannot write the host names", "try again");
			return -1;
		}
	}
	if (sg_hn_settle(m)) {
		names_restore(fd, a, was, had, a->nn);
		sg_hn_settle(m);
		return -1;
	}
	return 0;
}

static int do_allow_add(int argc, char **argv)
{
	static const struct option extra[] = {
		{ "resolver", required_argument, NULL, 'r' },
		{ 0 }
	};
	struct allow_args a = {};
	struct sg_dns_answer *ans = NULL;
	struct sg_hostname_val *was = NULL;
	bool *had = NULL, maps = false;
	int i, lock = -ENOENT, fd = -1, ret = SG_EXIT_FAIL;
	struct sg_maps m;

	ret = args_read(argc, argv, "add", extra, &a);
	if (ret)
		goto out;
	ret = SG_EXIT_FAIL;
	if (a.ns && !a.nn) {
		ret = sg_usage("allow", "--resolver is for host names, and none is given");
		goto out;
	}
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	maps = true;
	if (a.nn) {
		ans = calloc(a.nn, sizeof(*ans));
		was = calloc(a.nn, sizeof(*was));
		had = calloc(a.nn, sizeof(*had));
		if (!ans || !was || !had) {
			sg_err("out of memory");
			goto out;
		}
		/* first every name, without the lock: DNS takes its time */
		if (resolve_all(&a, ans, was, had))
			goto out;
	}
	lock = sg_hn_lock(a.nn > 0);
	if (lock == -1)
		goto out;
	if (a.nn && names_add(&m, &a, ans, was, had, &fd))
		goto out;
	if (a.np && sg_prefix_add(&allowlist, a.np, a.prefixes) != SG_EXIT_OK) {
		if (a.nn) {
			names_restore(fd, &a, was, had, a.nn);
			sg_hn_settle(&m);
		}
		goto out;
	}
	for (i = 0; i < a.nn; i++)
		print_resolved(a.names[i], &ans[i]);
	if (a.nn)
		printf("Only 'sipguard daemon' resolves host names again (at their TTL); without it these addresses stay as they are now.\n");
	ret = SG_EXIT_OK;
out:
	if (fd >= 0)
		close(fd);
	if (lock >= 0)
		sg_hn_unlock(lock);
	if (maps)
		sg_maps_close(&m);
	free(ans);
	free(was);
	free(had);
	args_free(&a);
	return ret;
}

/* ---- del ---- */

/* The names whose addresses include K's, into BUF ("" if none). */
static void names_of(const struct sg_hostname *hn, size_t nhn,
		     const struct sg_lpm_key *k, char *buf, size_t len)
{
	size_t i, o = 0;
	__u32 j;

	buf[0] = '\0';
	if (k->prefixlen != 128)
		return;
	for (i = 0; i < nhn && o < len; i++) {
		for (j = 0; j < hn[i].val.n_addrs && j < SG_HOSTADDRS_MAX; j++) {
			if (memcmp(&hn[i].val.addrs[j].addr, &k->addr, sizeof(k->addr)))
				continue;
			o += snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
				      hn[i].key.name);
			break;
		}
	}
}

/* Refuse to delete an entry of origin dns by hand: its name owns it. */
static int check_not_dns(const struct sg_maps *m, const struct allow_args *a)
{
	struct sg_prefix_entry *cur = NULL, *e;
	struct sg_hostname *hn = NULL;
	size_t ncur = 0, nhn = 0, j;
	char buf[64], who[512];
	struct sg_lpm_key k;
	int i, fd, err, ret = 0;

	err = sg_prefix_dump(m->allow, &cur, &ncur);
	if (err)
		return sg_prefix_error(&allowlist, err, "cannot read the list");
	fd = sg_hn_open(false);
	if (fd >= 0) {
		sg_hn_dump(fd, &hn, &nhn);
		close(fd);
	}
	for (i = 0; i < a->np && !ret; i++) {
		sg_parse_prefix(a->prefixes[i], &k, buf, sizeof(buf));
		for (e = NULL, j = 0; j < ncur && !e; j++)
			if (!memcmp(&cur[j].key, &k, sizeof(k)))
				e = &cur[j];
		if (!e || e->val.origin != SG_ORIGIN_DNS)
			continue;
		sg_format_prefix(&k, buf, sizeof(buf));
		names_of(hn, nhn, &k, who, sizeof(who));
		sg_err("%s is an address of %s: remove the name instead ('sipguard allow del NAME')",
		       buf, who[0] ? who : "a host name");
		ret = -1;
	}
	free(cur);
	free(hn);
	return ret;
}

/* Can the names of A be removed by hand?  0, or -1 after a message. */
static int names_check_del(const struct allow_args *a)
{
	struct sg_hostname_val v;
	int i, fd, ret = 0;

	if (!a->nn)
		return 0;
	fd = sg_hn_open(false);
	if (fd == -1)
		return -1;
	for (i = 0; i < a->nn && !ret; i++) {
		if (fd < 0 || sg_hn_get(fd, a->names[i], &v)) {
			sg_err("%s is not in the allowlist: see 'sipguard allow names'",
			       a->names[i]);
			ret = -1;
		} else if (!(v.origin & SG_HN_CLI)) {
			sg_err("%s comes from the config file ('prefix = %s' under [allow]): remove it there and apply the file again",
			       a->names[i], a->names[i]);
			ret = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Take origin cli off the names; the allowlist follows.  0 or -1. */
static int names_del(const struct sg_maps *m, const struct allow_args *a)
{
	struct sg_hostname_val v;
	int i, fd, err = 0;

	if (!a->nn)
		return 0;
	fd = sg_hn_open(false);
	if (fd < 0)
		return -1;
	for (i = 0; i < a->nn; i++) {
		if (sg_hn_get(fd, a->names[i], &v))
			continue;
		v.origin &= ~SG_HN_CLI;
		err = v.origin ? sg_hn_put(fd, a->names[i], &v) :
				 sg_hn_del(fd, a->names[i]);
		if (err) {
			sg_err_errno(err, "cannot remove the host name", "try again");
			goto fail;
		}
	}
	close(fd);
	return sg_hn_settle(m);
fail:
	close(fd);
	return -1;
}

static int do_allow_del(int argc, char **argv)
{
	struct allow_args a = {};
	int lock = -ENOENT, ret = SG_EXIT_FAIL;
	struct sg_maps m;
	bool maps = false;

	ret = args_read(argc, argv, "del", NULL, &a);
	if (ret)
		goto out;
	ret = SG_EXIT_FAIL;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		goto out;
	maps = true;
	lock = sg_hn_lock(false);
	if (lock == -1)
		goto out;
	/* every check before any change */
	if (names_check_del(&a))
		goto out;
	if (a.np && check_not_dns(&m, &a))
		goto out;
	if (a.np && sg_prefix_del(&allowlist, a.np, a.prefixes) != SG_EXIT_OK)
		goto out;
	if (names_del(&m, &a))
		goto out;
	ret = SG_EXIT_OK;
out:
	if (lock >= 0)
		sg_hn_unlock(lock);
	if (maps)
		sg_maps_close(&m);
	args_free(&a);
	return ret;
}

/* ---- list and names ---- */

/* Seconds from NOW to T (0 when past). */
static __u32 left(__u32 t, __u32 now)
{
	return (__s32)(t - now) > 0 ? t - now : 0;
}

/*
 * The options of a sub-verb that takes no argument (list, names):
 * SG_EXIT_OK, or the exit code after a message.
 */
static int no_args(int argc, char **argv)
{
	int first = sg_getopt(argc, argv, "allow", NULL, NULL, NULL, NULL);

	if (first < 0)
		return SG_EXIT_USAGE;
	if (argc > first)
		return sg_usage("allow", "unexpected argument '%s'", argv[first]);
	return SG_EXIT_OK;
}

/* The host names of `allow list`: the column's context. */
struct list_names {
	const struct sg_hostname *hn;
	size_t nhn;
	__u32 now;
};

/* The names of entry K: into ARR (JSON) or BUF (text). */
static void entry_names(const struct sg_prefix_column *c,
			const struct sg_lpm_key *k, json_object *arr,
			char *buf, size_t len)
{
	const struct list_names *ln = c->ctx;
	const struct sg_hostname *hn = ln->hn;
	const struct sg_hostaddr *h;
	size_t i, off = 0, nhn = ln->nhn;
	__u32 j, now = ln->now;
	json_object *o;

	if (buf)
		buf[0] = '\0';
	if (k->prefixlen != 128)
		return;
	for (i = 0; i < nhn; i++) {
		for (j = 0; j < hn[i].val.n_addrs && j < SG_HOSTADDRS_MAX; j++) {
			h = &hn[i].val.addrs[j];
			if (memcmp(&h->addr, &k->addr, sizeof(k->addr)))
				continue;
			if (arr) {
				o = json_object_new_object();
				json_object_object_add(o, "name",
						       json_object_new_string(hn[i].key.name));
				json_object_object_add(o, "old",
						       json_object_new_boolean(h->flags & SG_HA_OLD));
				if (h->flags & SG_HA_OLD)
					json_object_object_add(o, "grace_left_s",
							       json_object_new_int64(left(h->until_s, now)));
				json_object_array_add(arr, o);
			} else if (off < len) {
				if (h->flags & SG_HA_OLD)
					off += snprintf(buf + off, len - off,
							"%s%s (old: %u s of grace left)",
							off ? ", " : "", hn[i].key.name,
							left(h->until_s, now));
				else
					off += snprintf(buf + off, len - off, "%s%s",
							off ? ", " : "", hn[i].key.name);
			}
			break;
		}
	}
}

/* The names map's entries (none when it does not exist).  0 or -1. */
static int names_read(struct sg_hostname **hn, size_t *n)
{
	int fd, err;

	*hn = NULL;
	*n = 0;
	fd = sg_hn_open(false);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return -1;
	err = sg_hn_dump(fd, hn, n);
	close(fd);
	if (err)
		sg_err_errno(err, "cannot read the host names", "try again");
	return err ? -1 : 0;
}

static int do_allow_list(int argc, char **argv)
{
	struct sg_prefix_entry *v;
	struct sg_hostname *hn;
	struct list_names ln = { .now = sg_hn_now() };
	struct sg_prefix_column col = { .title = "NAME", .key = "names",
					.fill = entry_names, .ctx = &ln };
	size_t n;
	int ret;

	ret = no_args(argc, argv);
	if (ret)
		return ret;
	if (sg_prefix_read(&allowlist, &v, &n))
		return SG_EXIT_FAIL;
	if (names_read(&hn, &ln.nhn)) {
		free(v);
		return SG_EXIT_FAIL;
	}
	ln.hn = hn;
	sg_prefix_print(v, n, &col);
	free(v);
	free(hn);
	return SG_EXIT_OK;
}

static const char *origin_text(__u32 origin)
{
	if ((origin & SG_HN_CLI) && (origin & SG_HN_CONFIG))
		return "cli+config";
	return origin & SG_HN_CLI ? "cli" : "config";
}

static void servers_text(const struct sg_hostname_val *v, char *buf, size_t len)
{
	char one[INET6_ADDRSTRLEN + 8];
	size_t o = 0;
	__u32 i;

	snprintf(buf, len, "system");
	for (i = 0; i < v->n_servers && i < SG_DNS_SERVERS_MAX && o < len; i++) {
		sg_format_dns_server(&v->servers[i], one, sizeof(one));
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", one);
	}
}

static json_object *name_json(const struct sg_hostname *h, __u32 now)
{
	const struct sg_hostname_val *v = &h->val;
	json_object *o = json_object_new_object(), *arr, *e;
	char buf[INET6_ADDRSTRLEN + 8];
	__u32 i;

	json_object_object_add(o, "name", json_object_new_string(h->key.name));
	arr = json_object_new_array();
	if (v->origin & SG_HN_CLI)
		json_object_array_add(arr, json_object_new_string("cli"));
	if (v->origin & SG_HN_CONFIG)
		json_object_array_add(arr, json_object_new_string("config"));
	json_object_object_add(o, "origins", arr);
	arr = json_object_new_array();
	for (i = 0; i < v->n_addrs && i < SG_HOSTADDRS_MAX; i++) {
		e = json_object_new_object();
		sg_format_addr(&v->addrs[i].addr, buf, sizeof(buf));
		json_object_object_add(e, "address", json_object_new_string(buf));
		json_object_object_add(e, "old",
				       json_object_new_boolean(v->addrs[i].flags & SG_HA_OLD));
		if (v->addrs[i].flags & SG_HA_OLD)
			json_object_object_add(e, "grace_left_s",
					       json_object_new_int64(left(v->addrs[i].until_s, now)));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "addresses", arr);
	json_object_object_add(o, "ttl_s", v->resolved_s ?
			       json_object_new_int64(v->ttl_s) : NULL);
	json_object_object_add(o, "resolved_s_ago", v->resolved_s ?
			       json_object_new_int64(now - v->resolved_s) : NULL);
	json_object_object_add(o, "tried_s_ago", v->tried_s ?
			       json_object_new_int64(now - v->tried_s) : NULL);
	json_object_object_add(o, "status", json_object_new_string(v->tried_s ?
			       sg_dns_status_name(v->status) : "not tried"));
	json_object_object_add(o, "failed_tries", json_object_new_int64(v->fails));
	json_object_object_add(o, "error", v->fails && v->why[0] ?
			       json_object_new_string(v->why) : NULL);
	arr = json_object_new_array();
	for (i = 0; i < v->n_servers && i < SG_DNS_SERVERS_MAX; i++) {
		sg_format_dns_server(&v->servers[i], buf, sizeof(buf));
		json_object_array_add(arr, json_object_new_string(buf));
	}
	json_object_object_add(o, "resolvers", arr);
	return o;
}

static int do_allow_names(int argc, char **argv)
{
	struct sg_hostname *hn = NULL;
	size_t nhn = 0, i;
	char addrs[32], ttl[16], ago[24], srv[128];
	__u32 now = sg_hn_now(), cur;
	const struct sg_hostname_val *v;
	struct sg_maps m;
	json_object *arr;
	int ret;

	ret = no_args(argc, argv);
	if (ret)
		return ret;
	if (sg_need_privileges(false) || sg_maps_open(&m))
		return SG_EXIT_FAIL;
	sg_maps_close(&m);
	if (names_read(&hn, &nhn))
		return SG_EXIT_FAIL;
	if (sg_env.json) {
		arr = json_object_new_array();
		for (i = 0; i < nhn; i++)
			json_object_array_add(arr, name_json(&hn[i], now));
		sg_json_print(arr);
		free(hn);
		return SG_EXIT_OK;
	}
	printf("%-32s %-10s %-10s %-7s %-10s %-16s %s\n", "NAME", "FROM", "ADDRESSES",
	       "TTL", "RESOLVED", "RESOLVER", "LAST");
	for (i = 0; i < nhn; i++) {
		v = &hn[i].val;
		cur = sg_hn_current(v);
		if (cur == v->n_addrs)
			snprintf(addrs, sizeof(addrs), "%u", cur);
		else
			snprintf(addrs, sizeof(addrs), "%u+%u old", cur, v->n_addrs - cur);
		if (v->resolved_s) {
			snprintf(ttl, sizeof(ttl), "%us", v->ttl_s);
			snprintf(ago, sizeof(ago), "%us ago", now - v->resolved_s);
		} else {
			snprintf(ttl, sizeof(ttl), "-");
			snprintf(ago, sizeof(ago), "never");
		}
		servers_text(v, srv, sizeof(srv));
		printf("%-32s %-10s %-10s %-7s %-10s %-16s ", hn[i].key.name,
		       origin_text(v->origin), addrs, ttl, ago, srv);
		if (!v->tried_s)
			printf("not tried yet\n");
		else if (!v->fails)
			printf("ok\n");
		else
			printf("%s (%u tr%s failed)\n", v->why, v->fails,
			       v->fails == 1 ? "y" : "ies");
	}
	free(hn);
	return SG_EXIT_OK;
}

static const struct sg_cmd allow_cmds[] = {
	{ "add",    do_allow_add,   "PREFIX|NAME... [--resolver ADDR[:PORT]]...",
	  "add prefixes or host names to the allowlist" },
	{ "del",    do_allow_del,   "PREFIX|NAME...",
	  "remove prefixes or host names from the allowlist" },
	{ "delete", do_allow_del,   NULL, NULL },
	{ "list",   do_allow_list,  "[--json]",
	  "show the allowlist, with the host name of each address of one" },
	{ "names",  do_allow_names, "[--json]",
	  "show the host names: their addresses, TTL and last answer" },
	{ 0 }
};

int do_allow(int argc, char **argv)
{
	if (argc < 2)
		return sg_usage("allow", "allow needs a command");
	return sg_dispatch(allow_cmds, "sipguard allow", argc - 1, argv + 1);
}
