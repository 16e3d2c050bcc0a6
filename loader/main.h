/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The entry point of every top-level verb, one file each (the file is
 * named after the verb; attach.c holds attach and detach).  main.c's
 * command table lists them.  To add a verb: write do_VERB in VERB.c with
 * its own sub-command table if it has sub-verbs, declare it here, add a
 * line to cmds[] in main.c, and document it in docs/sipguard.8.
 */
#ifndef SG_MAIN_H
#define SG_MAIN_H

int do_attach(int argc, char **argv);	/* attach.c */
int do_detach(int argc, char **argv);	/* attach.c */
int do_status(int argc, char **argv);	/* status.c */
int do_allow(int argc, char **argv);	/* allow.c */
int do_flows(int argc, char **argv);	/* flows.c */
int do_set(int argc, char **argv);	/* settings.c */
int do_deny(int argc, char **argv);	/* deny.c */
int do_ua(int argc, char **argv);	/* ua.c */
int do_users(int argc, char **argv);	/* users.c */
int do_bans(int argc, char **argv);	/* bans.c */
int do_stats(int argc, char **argv);	/* stats.c */
int do_events(int argc, char **argv);	/* events.c */
int do_exporter(int argc, char **argv);	/* exporter.c */
int do_daemon(int argc, char **argv);	/* daemon.c */

#endif /* SG_MAIN_H */
