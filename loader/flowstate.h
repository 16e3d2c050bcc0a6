/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The learned flows saved to a file and restored from it (flowstate.c):
 * the daemon's state across restarts and reboots, and `flows save|restore`.
 */
#ifndef SG_FLOWSTATE_H
#define SG_FLOWSTATE_H

#include <stdbool.h>
#include <stddef.h>

#define SG_STATE_DIR_DEFAULT	"/var/lib/sipguard"
#define SG_STATE_FILE		"flows"
#define SG_SAVE_INTERVAL_DEFAULT 300	/* seconds */

struct sg_restore_result {
	long restored;
	long expired;		/* their life ran out since the save */
	long no_room;		/* both sets full of live flows */
	long long elapsed_s;	/* wall-clock seconds since the save */
};

/*
 * Write the live learned flows of the table FD to PATH (via PATH.tmp and
 * a rename).  The number written, or -errno with the reason in MSG.
 */
long sg_flowstate_save(int fd, const char *path, char *msg, size_t mlen);

/*
 * Read PATH whole, then put its flows into FD with origin restored.  0
 * with *RES filled; -errno with the reason in MSG (-ENOENT: no file;
 * -EINVAL: a damaged, foreign or too new file, nothing restored).
 */
int sg_flowstate_restore(int fd, struct sg_flow_bits *bits, const char *path,
			 struct sg_restore_result *res, char *msg, size_t mlen);

/* "restored N learned flows from PATH (...); skipped ...". */
void sg_restore_text(char *buf, size_t len, const char *path,
		     const struct sg_restore_result *r);

/*
 * The daemon's side, logging to syslog; DIR is the state directory ("":
 * off), the file DIR/flows.  Save: the live learned flows, if the table
 * is pinned (DIR made 0700 if missing).  Restore: once the table is
 * pinned, put the saved flows back if the table is empty (a reboot,
 * everything detached); a table that outlived the daemon holds the newer
 * truth.  Returns false while the table is not pinned (try again later).
 */
void sg_flowstate_daemon_save(const char *dir, bool at_stop);
/* mkdir -p DIR, the state directory; its last component 0700.  0 or -errno. */
int sg_state_dir_make(const char *dir);
bool sg_flowstate_daemon_restore(const char *dir);

#endif /* SG_FLOWSTATE_H */
