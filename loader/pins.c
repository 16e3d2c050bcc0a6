// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The pin layout under the pin directory; opening the pinned maps: the
 * shared ones (from the one list of them, SG_SHARED_MAPS), the settings
 * map and an interface's bookkeeping; and the pins of an attachment: where
 * a loaded object pins its maps (SG_SHARED_MAPS, SG_IFACE_PINS) and their
 * removal at detach.  See pins.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "hostnames.h"
#include "pins.h"

/* ---- pin layout ---- */

void sg_pin_file(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", sg_env.pin, name);
}

/*
 * An interface's name as a bpffs directory name and back.  bpffs refuses
 * names with a dot, which VLAN sub-interfaces have (eth0.100): a dot is
 * kept as ':', which no interface name can hold.
 */
static void iface_pin_name(char *out, size_t len, const char *ifname, char from,
			   char to)
{
	size_t i;

	for (i = 0; i + 1 < len && ifname[i]; i++)
		out[i] = ifname[i] == from ? to : ifname[i];
	if (len)
		out[i] = 0;
}

void sg_iface_dir(char *buf, size_t len, const char *ifname)
{
	char n[64];

	iface_pin_name(n, sizeof(n), ifname, '.', ':');
	snprintf(buf, len, "%s/" SG_IFACE_DIR_PREFIX "%s", sg_env.pin, n);
}

void sg_iface_file(char *buf, size_t len, const char *ifname, const char *name)
{
	char n[64];

	iface_pin_name(n, sizeof(n), ifname, '.', ':');
	snprintf(buf, len, "%s/" SG_IFACE_DIR_PREFIX "%s/%s", sg_env.pin,
		 n, name);
}

bool sg_path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sg_list_ifaces(char ***names)
{
	size_t plen = strlen(SG_IFACE_DIR_PREFIX);
	char **v = NULL, **nv;
	struct dirent *de;
	int n = 0;
	DIR *d;

	*names = NULL;
	d = opendir(sg_env.pin);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, SG_IFACE_DIR_PREFIX, plen) ||
		    !de->d_name[plen])
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n] = strdup(de->d_name + plen);
		if (!v[n])
			break;
		iface_pin_name(v[n], strlen(v[n]) + 1, de->d_name + plen, ':', '.');
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return n;
}

void sg_free_names(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int sg_pin_open(const char *name)
{
	char path[SG_PATH_MAX];

	sg_pin_file(path, sizeof(path), name);
	return bpf_obj_get(path);
}

int sg_unpin(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* ---- the shared pinned maps ---- */

/* Each shared map: its pin name and where struct sg_maps keeps its fd. */
#define SG_MAPS_ENTRY(field, pin, label) { pin, offsetof(struct sg_maps, field) },
static const struct {
	const char *pin;
	size_t off;
} shared_maps[] = {
	SG_SHARED_MAPS(SG_MAPS_ENTRY)
};
#undef SG_MAPS_ENTRY

#define N_SHARED_MAPS	(sizeof(shared_maps) / sizeof(shared_maps[0]))

static int *map_fd(struct sg_maps *m, size_t i)
{
	return (int *)((char *)m + shared_maps[i].off);
}

int sg_maps_open(struct sg_maps *m)
{
	char path[SG_PATH_MAX];
	struct stat st;
	size_t i;
	int fd;

	for (i = 0; i < N_SHARED_MAPS; i++)
		*map_fd(m, i) = -1;
	sg_pin_file(path, sizeof(path), SG_MAP_CONFIG);
	if (stat(path, &st)) {
		if (sg_is_perm(errno)) {
			sg_err_perm();
			return -1;
		}
		sg_err("sipguard is not attached (nothing pinned under %s): run 'sipguard attach IFACE' first",
		       sg_env.pin);
		return -1;
	}
	for (i = 0; i < N_SHARED_MAPS; i++) {
		fd = sg_pin_open(shared_maps[i].pin);
		/*
		 * Pins of a sipguard older than the flows' filter lack it until
		 * the next attach; its users say so (flowbits.c).
		 */
		if (fd == -ENOENT && !strcmp(shared_maps[i].pin, SG_MAP_FLOWBITS))
			continue;
		if (fd < 0) {
			sg_pin_file(path, sizeof(path), shared_maps[i].pin);
			sg_err_errno(fd, path,
				     "detach and attach again to repair the pins");
			sg_maps_close(m);
			return -1;
		}
		*map_fd(m, i) = fd;
	}
	return 0;
}
void sg_maps_close(struct sg_maps *m)
{
	size_t i;

	for (i = 0; i < N_SHARED_MAPS; i++) {
		if (*map_fd(m, i) >= 0)
			close(*map_fd(m, i));
		*map_fd(m, i) = -1;
	}
}

int sg_config_flag_if_any(const struct sg_maps *m, int fd, size_t key_size,
			  __u32 flag)
{
	struct sg_config cfg;
	__u8 key[64];
	bool any;
	int err;

	if (key_size > sizeof(key))
		return -1;
	any = !bpf_map_get_next_key(fd, NULL, key);
	err = sg_config_get(m->config, &cfg);
	if (!err) {
		if (any)
			cfg.flags |= flag;
		else
			cfg.flags &= ~flag;
		err = sg_config_set(m->config, &cfg);
	}
	if (err)
		sg_err_errno(err, "cannot update the settings", "detach and attach again");
	return err ? -1 : 0;
}

void sg_config_defaults(struct sg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->flow_timeout_s = SG_DEFAULT_FLOW_TIMEOUT;
	cfg->ban_time_s = SG_DEFAULT_BAN_TIME;
	cfg->event_rate = SG_DEFAULT_EVENT_RATE;
	cfg->event_burst = SG_DEFAULT_EVENT_BURST;
}

int sg_config_get(int fd, struct sg_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, cfg))
		return -errno;
	return 0;
}

int sg_config_set(int fd, const struct sg_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY))
		return -errno;
	return 0;
}

long sg_map_count(int fd, size_t key_size)
{
	unsigned char key[64], next[64];
	long n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return errno == ENOENT ? n : -errno;
}

__u32 sg_map_max(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.max_entries;
}

__u32 sg_flow_timeout_s(const struct sg_config *cfg)
{
	return cfg->flow_timeout_s ? cfg->flow_timeout_s : SG_DEFAULT_FLOW_TIMEOUT;
}

int sg_iface_meta_read(const char *ifname, struct sg_iface_meta *meta)
{
	char path[SG_PATH_MAX];
	__u32 zero = 0;
	int fd, err = 0;

	memset(meta, 0, sizeof(*meta));
	sg_iface_file(path, sizeof(path), ifname, SG_MAP_IFMETA);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, meta))
		err = -errno;
	close(fd);
	return err;
}

/* The interface this process is attaching, while sg_attach() runs. */
static char attaching[IF_NAMESIZE];

void sg_iface_attaching(const char *ifname)
{
	snprintf(attaching, sizeof(attaching), "%s", ifname ? ifname : "");
}

bool sg_iface_is_attaching(const char *ifname)
{
	return attaching[0] && !strcmp(ifname, attaching);
}

bool sg_iface_lacking(__u32 flag, char *name, size_t len)
{
	struct sg_iface_meta meta;
	char **names;
	int i, n;
	bool found = false;

	n = sg_list_ifaces(&names);
	for (i = 0; i < n && !found; i++) {
		if (sg_iface_meta_read(names[i], &meta) || (meta.flags & flag))
			continue;
		/*
		 * pinned by this attach and not recorded yet: no programs run
		 * there before its record, and they are this sipguard's
		 */
		if (!meta.ifindex && sg_iface_is_attaching(names[i]))
			continue;
		snprintf(name, len, "%s", names[i]);
		found = true;
	}
	if (n > 0)
		sg_free_names(names, n);
	return found;
}

/* ---- the pins of an attachment ---- */

#define SG_PIN_IFACE(name) name,
static const char *const iface_pins[] = {
	SG_IFACE_PINS(SG_PIN_IFACE)
};
#undef SG_PIN_IFACE

#define N_IFACE_PINS	(sizeof(iface_pins) / sizeof(iface_pins[0]))

int sg_pins_set(struct bpf_object *obj, const char *ifname)
{
	char path[SG_PATH_MAX];
	struct bpf_map *map;
	size_t i;
	int err;

	for (i = 0; i < N_SHARED_MAPS; i++) {
		map = bpf_object__find_map_by_name(obj, shared_maps[i].pin);
		if (!map)
			continue;
		sg_pin_file(path, sizeof(path), shared_maps[i].pin);
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return err;
	}
	for (i = 0; i < N_IFACE_PINS; i++) {
		map = bpf_object__find_map_by_name(obj, iface_pins[i]);
		if (!map)
			continue;	/* links and a program: instance.c, iface.c */
		sg_iface_file(path, sizeof(path), ifname, iface_pins[i]);
		err = bpf_map__set_pin_path(map, path);
		if (err)
			return err;
	}
	return 0;
}

int sg_iface_unpin(const char *ifname)
{
	char path[SG_PATH_MAX];
	size_t i;
	int err;

	for (i = 0; i < N_IFACE_PINS; i++) {
		sg_iface_file(path, sizeof(path), ifname, iface_pins[i]);
		err = sg_unpin(path);
		if (err)
			return err;
	}
	sg_iface_dir(path, sizeof(path), ifname);
	if (rmdir(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int sg_pin_lock(const char *name, bool create)
{
	char path[SG_PATH_MAX];
	int fd, err;

	sg_pin_file(path, sizeof(path), name);
	if (create && mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

bool sg_shared_unpin_if_unused(void)
{
	char path[SG_PATH_MAX], **ifs;
	size_t i;
	int n;

	n = sg_list_ifaces(&ifs);
	sg_free_names(ifs, n > 0 ? n : 0);
	if (n != 0)
		return false;
	for (i = 0; i < N_SHARED_MAPS; i++) {
		sg_pin_file(path, sizeof(path), shared_maps[i].pin);
		if (sg_unpin(path))
			return false;
	}
	/* the allowlist's host names (hostnames.c), which go with it */
	sg_pin_file(path, sizeof(path), SG_HN_DIR "/" SG_MAP_HOSTNAMES);
	if (sg_unpin(path))
		return false;
	sg_pin_file(path, sizeof(path), SG_HN_DIR);
	if (rmdir(path) && errno != ENOENT)
		return false;
	sg_pin_file(path, sizeof(path), SG_FB_LOCK_DIR);
	if (rmdir(path) && errno != ENOENT)
		return false;
	return !rmdir(sg_env.pin) || errno == ENOENT;
}

int sg_map_dump(int fd, size_t entry_size, size_t key_size, size_t val_off,
		size_t val_size, void **out, size_t *n)
{
	unsigned char key[64], next[64], *v = NULL, *nv, *e;
	size_t cap = 0, cnt = 0;
	void *prev = NULL;
	int err;

	if (key_size > sizeof(key) || val_off + val_size > entry_size)
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * entry_size);
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		e = v + cnt * entry_size;
		memset(e, 0, entry_size);
		if (bpf_map_lookup_elem(fd, key, e + val_off))
			continue;
		memcpy(e, key, key_size);
		cnt++;
	}
	err = errno;
	if (err != ENOENT) {
		free(v);
		return -err;
	}
	*out = v;
	*n = cnt;
	return 0;
}
