/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The prefix lists (LPM tries of source prefixes with an origin each):
 * the one implementation of reading, changing and syncing a list that
 * the allowlist (allow.c) and the deny list (deny.c) share.
 */
#ifndef SG_PREFIXES_H
#define SG_PREFIXES_H

#include <stddef.h>

#include "pins.h"

/* A prefix list, and what depends on it. */
struct sg_prefix_list {
	const char *verb;	/* "allow", "deny" */
	const char *title;	/* "the allowlist" */
	int max;
	int (*fd)(const struct sg_maps *m);
	/* Before KEYS go in: let what depends on the list know (may be NULL). */
	int (*prepare)(const struct sg_maps *m, const struct sg_lpm_key *keys,
		       size_t n);
	/* After a change: bring what depends on the list up to date (or NULL). */
	int (*settle)(const struct sg_maps *m);
	/*
	 * The keys an owner below the others still wants (the allowlist: the
	 * addresses of its host names), or NULL.  An entry of another origin
	 * that goes while its key is wanted is handed to origin HEIR instead
	 * of deleted, and an entry of origin HEIR becomes the entry of the
	 * origin that adds or syncs its key.  *KEYS is malloc'ed.  0 or -1.
	 */
	int (*heirs)(const struct sg_maps *m, struct sg_lpm_key **keys, size_t *n);
	__u32 heir;
};

struct sg_prefix_entry {
	struct sg_lpm_key key;
	struct sg_allow_val val;
};

/* All entries of the trie FD, sorted (IPv4 first); free *OUT.  0 or -errno. */
int sg_prefix_dump(int fd, struct sg_prefix_entry **out, size_t *n);
/* "L is full", or WHAT with the errno; returns -1. */
int sg_prefix_error(const struct sg_prefix_list *l, int err, const char *what);
/*
 * Make the entries of ORIGIN equal KEYS; other origins stay.  New entries
 * go in first and the stale ones come out last.  0, or -1 after an error.
 */
int sg_prefix_sync(const struct sg_prefix_list *l, const struct sg_maps *m,
		   const struct sg_lpm_key *keys, size_t n, __u32 origin);
/* A file of prefixes, one a line, '#' comments; errors name FILE:LINE. */
int sg_read_prefix_file(const char *path, struct sg_lpm_key **out, size_t *n);

/* The sub-verbs add, del and list of a list (argv after the sub-verb). */
int sg_prefix_add(const struct sg_prefix_list *l, int argc, char **argv);
int sg_prefix_del(const struct sg_prefix_list *l, int argc, char **argv);
int sg_prefix_show(const struct sg_prefix_list *l, int argc, char **argv);

/*
 * A column of `list` beyond the prefix and its origin (the allowlist's
 * host names): FILL writes entry K's into ARR (JSON, under KEY) or into
 * BUF (text, under TITLE; empty when it has none).  The text column is
 * shown when some entry has one.
 */
struct json_object;
struct sg_prefix_column {
	const char *title;
	const char *key;
	void (*fill)(const struct sg_prefix_column *c, const struct sg_lpm_key *k,
		     struct json_object *arr, char *buf, size_t len);
	const void *ctx;
};

/* The list's entries, sorted; free *OUT.  SG_EXIT_OK, or a message and SG_EXIT_FAIL. */
int sg_prefix_read(const struct sg_prefix_list *l, struct sg_prefix_entry **out,
		   size_t *n);
/* Print entries V, in JSON when asked, with column COL (or NULL). */
void sg_prefix_print(const struct sg_prefix_entry *v, size_t n,
		     const struct sg_prefix_column *col);
/* Parse the options of a sub-verb (argv[0]), then run FN on the rest. */
int sg_prefix_run(const struct sg_prefix_list *l, int argc, char **argv,
		  int (*fn)(const struct sg_prefix_list *, int, char **));

#endif /* SG_PREFIXES_H */
