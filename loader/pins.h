/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The pin layout under the pin directory (sg_env.pin), the pinned shared
 * maps (struct sg_maps, one member per entry of SG_SHARED_MAPS), the
 * settings map and an interface's bookkeeping map.
 */
#ifndef SG_PINS_H
#define SG_PINS_H

#include <stdbool.h>
#include <stddef.h>

#include "sipguard.h"

/* ---- pin layout ---- */
/* The lock of the flows' filter's rebuilds (flowbits.c): a directory. */
#define SG_FB_LOCK_DIR		"flowbits_lock"

void sg_pin_file(char *buf, size_t len, const char *name);
void sg_iface_dir(char *buf, size_t len, const char *ifname);
void sg_iface_file(char *buf, size_t len, const char *ifname, const char *name);
bool sg_path_exists(const char *path);
/* Open the pinned object NAME at the top of the pin directory: fd or -errno. */
int sg_pin_open(const char *name);
/* Unlink a pinned object; a missing one is fine.  0 or -errno. */
int sg_unpin(const char *path);
/*
 * An flock on the directory NAME at the top of the pin directory, made
 * if CREATE: the fd (closing it unlocks), or -errno.
 */
int sg_pin_lock(const char *name, bool create);
/* Names of attached interfaces (directories if_*), sorted; free with
 * sg_free_names().  Returns the count or -errno. */
int sg_list_ifaces(char ***names);
void sg_free_names(char **names, int n);

/*
 * ---- the shared pinned maps ----
 * A new shared map is one line in SG_SHARED_MAPS (include/sipguard.h):
 * it gets its member here, its pin at attach, its removal after the last
 * detach, and, with a table label, its fill in `stats` and the exporter
 * (`status` shows a fixed choice of tables: add it there by hand).  A new
 * map of one interface is one line in SG_IFACE_PINS.
 */
#define SG_MAPS_FIELD(field, pin, label) int field;
struct sg_maps {
	SG_SHARED_MAPS(SG_MAPS_FIELD)
};
#undef SG_MAPS_FIELD

/* Open the pinned shared maps; prints "not attached" if there are none. */
int sg_maps_open(struct sg_maps *m);
void sg_maps_close(struct sg_maps *m);
/* Set FLAG in the config when the map FD has entries, clear it when not. */
int sg_config_flag_if_any(const struct sg_maps *m, int fd, size_t key_size,
			  __u32 flag);
/* Number of entries in a map (iteration), or -errno. */
long sg_map_count(int fd, size_t key_size);
/* The capacity a map was created with, or 0 if it cannot be read. */
__u32 sg_map_max(int fd);

/* ---- the settings map (sg_config) ---- */
/*
 * Every entry of the hash or trie FD, unsorted, into an array of
 * ENTRY_SIZE-byte entries, each with the key (KEY_SIZE bytes) at offset
 * 0 and the value (VAL_SIZE bytes) at VAL_OFF; *OUT is malloc'ed (NULL
 * when empty).  A key deleted while the walk reads it is left out.
 * 0 or -errno.
 */
int sg_map_dump(int fd, size_t entry_size, size_t key_size, size_t val_off,
		size_t val_size, void **out, size_t *n);

int sg_config_get(int fd, struct sg_config *cfg);
int sg_config_set(int fd, const struct sg_config *cfg);
void sg_config_defaults(struct sg_config *cfg);
/* The flow timeout in effect: 0 in the map means the default. */
__u32 sg_flow_timeout_s(const struct sg_config *cfg);

/* ---- the pins of an attachment ---- */
struct bpf_object;
/* Pin paths of OBJ's maps: the shared ones at the top, the interface's
 * (SG_IFACE_PINS) in its directory. */
int sg_pins_set(struct bpf_object *obj, const char *ifname);
/* Remove the interface's pins and directory.  0 or -errno. */
int sg_iface_unpin(const char *ifname);
/* When no interface is left, remove the shared maps and the pin dir;
 * true when nothing is left pinned. */
bool sg_shared_unpin_if_unused(void);

/* ---- an interface's bookkeeping (sg_ifmeta in its directory) ---- */
/* 0, or -errno with *META zeroed. */
int sg_iface_meta_read(const char *ifname, struct sg_iface_meta *meta);

/*
 * Does an attached interface's record lack FLAG (its programs come from
 * an older sipguard)?  The first such interface's name into NAME.
 */
bool sg_iface_lacking(__u32 flag, char *name, size_t len);
/*
 * sg_attach() names the interface it attaches (NULL when it ends): until
 * its record is written, sg_iface_lacking() does not count it, and the
 * filters' warnings leave out an older sipguard's programs that this
 * attach is about to replace (it writes the filters again after them).
 */
void sg_iface_attaching(const char *ifname);
bool sg_iface_is_attaching(const char *ifname);

#endif /* SG_PINS_H */
