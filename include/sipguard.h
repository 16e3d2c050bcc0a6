/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sipguard ABI: the definitions that the BPF programs and the sipguard
 * command share.  Map keys and values, the counter reasons and their names,
 * the runtime config, limits.  Fixed-width types only; nothing here may
 * depend on kernel or libc headers beyond <linux/types.h> and <linux/bpf.h>.
 */
#ifndef SIPGUARD_H
#define SIPGUARD_H

#include <linux/types.h>
#include <linux/bpf.h>	/* struct bpf_spin_lock, for the flow sets */

#define SG_VERSION		"0.1.0"

/* Table sizes.  All maps together must fit a small router (<= 16 MB). */
#define SG_ALLOW_MAX		16384	/* allowlist prefixes (LPM trie), by default */
#define SG_ALLOW_MAX_LIMIT	1048576	/* [allow] max-entries: at most */
#define SG_FRAGS_MAX		4096	/* fragmented datagrams being tracked */
#define SG_DENY_MAX		131072	/* deny-list prefixes (LPM trie) */
#define SG_BANS_MAX		16384	/* banned sources (LRU hash) */
#define SG_USERS_MAX		1024	/* Request-URI users (hash) */
#define SG_UA_MAX		32	/* User-Agent patterns */
#define SG_UA_PAT_MAX		31	/* bytes in one pattern */
#define SG_UA_PAT_MIN		2	/* patterns are matched by their first two bytes */
#define SG_USER_MAX		32	/* bytes of a Request-URI user */
#define SG_EVENTS_BYTES		(256 * 1024)	/* drop-event ring buffer */
#define SG_IFACES_MAX		64	/* attached interfaces */

/* Parser bounds: named, so the loops they bound are easy to find. */
#define SG_VLAN_MAX_DEPTH	2	/* 802.1Q / 802.1ad tags */
#define SG_IPV6_EXT_MAX		6	/* IPv6 extension headers walked */
#define SG_CRLF_SKIP_MAX	32	/* leading blanks (0x01..0x20) skipped */

#define SG_DEFAULT_FLOW_TIMEOUT	3600	/* seconds: longer than a registration */
#define SG_DEFAULT_BAN_TIME	600	/* seconds */
#define SG_DEFAULT_EVENT_RATE	20	/* drop events per second */
#define SG_DEFAULT_EVENT_BURST	40

/*
 * Every address is 16 bytes; IPv4 is stored as ::ffff:a.b.c.d, so one LPM
 * trie and one flow table serve both families.  An IPv4 /N prefix is
 * stored with prefixlen 96 + N.
 */
struct sg_addr {
	__u8 b[16];
};

struct sg_lpm_key {
	__u32 prefixlen;
	struct sg_addr addr;
};

/* Where a map entry came from. */
enum sg_origin {
	SG_ORIGIN_CLI	 = 1,	/* sipguard allow/flows add */
	SG_ORIGIN_CONFIG = 2,	/* the config file; replaced on reload */
	SG_ORIGIN_LEARNED = 3,	/* the TC egress learner */
	SG_ORIGIN_IMPORT = 4,	/* sipguard deny import; replaced by the next */
	SG_ORIGIN_RESTORED = 5,	/* a learned flow the daemon restored at start */
	SG_ORIGIN_DNS	 = 6,	/* an address of a host name in the allowlist */
};

struct sg_allow_val {
	__u32 origin;		/* enum sg_origin */
	__u32 reserved;
};

/*
 * A filter in front of the allowlist trie, exact per address, so that a
 * stranger costs a few array reads instead of a trie walk, however many
 * prefixes the allowlist holds.  Every prefix sets one bit (or, if short,
 * a span of bits) at one level:
 *
 *   IPv4 shorter than /24   v4_16: bit i for each /16 number i it touches
 *   IPv4 /24 to /31         bits: sg_af_hash() of its /24     (SG_AF_V4_24)
 *   IPv4 /32                bits: sg_af_hash() of the address (SG_AF_V4_32)
 *   IPv6 shorter than /32   every IPv6 source asks the trie   (SG_AF_V6_ALL)
 *   IPv6 /32../47, /48../63, /64../127, /128: bits, sg_af_hash() of the
 *                           source cut to 32, 48, 64, 128 bits (SG_AF_V6_*)
 *
 * A source is looked up at every level that holds a prefix (levels): a
 * prefix that covers it sets the bit the source finds at the prefix's
 * level, so all bits clear means "not allowlisted", and any set bit "ask
 * the trie" (a hash collision costs a trie walk, never a wrong verdict).
 * Userspace rebuilds it from the trie on every change, bits going in
 * before prefixes and coming out after them, and sets valid to
 * SG_AF_FORMAT; the program uses the filter only when valid says that
 * format (0: unwritten, or off while an older sipguard's programs run;
 * 1: bits of an older hash), else asks the trie for every source.
 */
#define SG_AF_FORMAT		2	/* valid: the bits of this sg_af_hash() */
#define SG_AF_V4_16		(1u << 0)
#define SG_AF_V4_24		(1u << 1)
#define SG_AF_V4_32		(1u << 2)
#define SG_AF_V6_ALL		(1u << 3)
#define SG_AF_V6_32		(1u << 4)
#define SG_AF_V6_48		(1u << 5)
#define SG_AF_V6_64		(1u << 6)
#define SG_AF_V6_128		(1u << 7)

#define SG_AF_V4_WORDS		1024			/* 65536 bits: one per /16 */
#define SG_AF_HASH_BITS		21			/* 2 Mbit, 256 KiB */
#define SG_AF_WORDS		(1u << (SG_AF_HASH_BITS - 6))

struct sg_allow_bits {
	__u32 valid;		/* SG_AF_FORMAT, or 0: ask the trie */
	__u32 levels;		/* SG_AF_*: the levels that hold prefixes */
	__u64 v4_16[SG_AF_V4_WORDS];
	__u64 bits[SG_AF_WORDS];
};

/* Big-endian loads (the address as a number), on any host or BPF target. */
static inline __u64 sg_be64(const __u8 *p)
{
	__u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* A little-endian 32-bit word at P (the hashes' words), on any host. */
static inline __u32 sg_le32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 |
	       (__u32)p[3] << 24;
}

/*
 * The bit of a source cut to LEN of its 128 bits (HI, LO: the address as
 * two big-endian words, already masked), for a level of the filter: the
 * top bits of a multiply of HI, LO and LEN mixed (LEN so that levels
 * differ).  An IPv4 source's HI is 0, so its bit costs one multiply, which
 * a stranger's INVITE pays at each IPv4 level.  (Format 1 of the filter
 * was two multiply-xorshift rounds.)
 */
static inline __u32 sg_af_hash(__u32 len, __u64 hi, __u64 lo)
{
	__u64 k = hi * 0xc2b2ae3d27d4eb4fULL + lo +
		  (__u64)len * 0x165667b19e3779f9ULL;

	return (__u32)((k * 0x9e3779b97f4a7c15ULL) >> (64 - SG_AF_HASH_BITS));
}

/* HI/LO cut to the first LEN bits. */
static inline __u64 sg_af_mask_hi(__u64 hi, __u32 len)
{
	return len >= 64 ? hi : len ? hi & ~(~0ULL >> len) : 0;
}

static inline __u64 sg_af_mask_lo(__u64 lo, __u32 len)
{
	return len >= 128 ? lo : len > 64 ? lo & ~(~0ULL >> (len - 64)) : 0;
}

static inline int sg_af_bit(const struct sg_allow_bits *f, __u32 h)
{
	return (f->bits[(h >> 6) & (SG_AF_WORDS - 1)] >> (h & 63)) & 1;
}

/*
 * May SRC be allowlisted, by the filter F (valid)?  0: no prefix covers
 * it; 1: ask the trie.  The XDP program's check, here so that the host
 * tests hold it to the builder (lib/allowfilter.c).
 */
static inline int sg_af_maybe(const struct sg_allow_bits *f, int ipv6,
			      const struct sg_addr *src)
{
	__u32 lv = f->levels, x;
	__u64 hi, lo = sg_be64(&src->b[8]);

	if (!ipv6) {
		x = (__u32)lo;
		if ((lv & SG_AF_V4_16) &&
		    ((f->v4_16[(x >> 22) & (SG_AF_V4_WORDS - 1)] >> ((x >> 16) & 63)) & 1))
			return 1;
		if ((lv & SG_AF_V4_24) &&
		    sg_af_bit(f, sg_af_hash(120, 0, sg_af_mask_lo(lo, 120))))
			return 1;
		return (lv & SG_AF_V4_32) && sg_af_bit(f, sg_af_hash(128, 0, lo));
	}
	if (lv & SG_AF_V6_ALL)
		return 1;
	hi = sg_be64(src->b);
	if ((lv & SG_AF_V6_32) && sg_af_bit(f, sg_af_hash(32, sg_af_mask_hi(hi, 32), 0)))
		return 1;
	if ((lv & SG_AF_V6_48) && sg_af_bit(f, sg_af_hash(48, sg_af_mask_hi(hi, 48), 0)))
		return 1;
	if ((lv & SG_AF_V6_64) && sg_af_bit(f, sg_af_hash(64, hi, 0)))
		return 1;
	return (lv & SG_AF_V6_128) && sg_af_bit(f, sg_af_hash(128, hi, lo));
}

/*
 * Established flows, learned: a set-associative table (docs/design.md,
 * "Flow table").  A flow is {remote addr, remote port, local port}, ports
 * in host byte order; it lives in one slot of one of two sets that
 * sg_flow_hash() of {remote addr, local port} names (the remote port is
 * not hashed, so every remote port of a pair is found where the default
 * lookup, "remote port need not match", looks).  A set holds
 * SG_FLOW_WAYS slots and a one-byte tag per slot (0: free), read before
 * any slot; writers hold the set's spin lock, readers take none.  An
 * insert into a full set evicts, from that set only: an expired flow,
 * else the unanswered one seen longest ago, else the answered one seen
 * longest ago; flows a registrar accepted or that carry a dialog are
 * never evicted (SG_FLOW_PROTECTED).  No insert ever walks the table.
 */
#define SG_FLOW_SETS		18432
#define SG_FLOW_WAYS		8
#define SG_FLOWS_MAX		(SG_FLOW_SETS * SG_FLOW_WAYS)	/* 147456 flows */

struct sg_flow_key {
	struct sg_addr addr;
	__u16 remote_port;
	__u16 local_port;
};

/* Slot flags (sg_flow_slot.flags, sg_flow_static.flags). */
#define SG_FLOW_STATIC		(1u << 0)	/* hand-made: never expires */
#define SG_FLOW_ANY_PORT	(1u << 1)	/* hand-made without a remote port */
#define SG_FLOW_SHADOW		(1u << 2)	/* wildcard copy of a ported static flow */
#define SG_FLOW_ANSWERED	(1u << 3)	/* the remote sent SIP back on it */
#define SG_FLOW_REG_SENT	(1u << 4)	/* the LAN sent a REGISTER on it */
#define SG_FLOW_REGISTERED	(1u << 5)	/* 2xx from the remote after a REGISTER */
#define SG_FLOW_DIALOG		(1u << 6)	/* a call let in by `inspect` and answered */
#define SG_FLOW_REG_LIFE	(1u << 7)	/* lifetime_s is a registration's */
#define SG_FLOW_PROTECTED	(SG_FLOW_REGISTERED | SG_FLOW_DIALOG)

struct sg_flow_slot {
	struct sg_addr addr;	/* remote */
	__u16 remote_port;
	__u16 local_port;
	__u32 expires_s;	/* sg_now() seconds; at or before now: expired */
	__u32 lifetime_s;	/* given at the last refresh: seen = expires - lifetime */
	__u8 flags;		/* SG_FLOW_* */
	__u8 origin;		/* enum sg_origin: learned, or restored by the daemon */
	__u16 aor;		/* hash of the registered To (learn.h); 0: none */
};

/* sg_flow_slot.aor: registrations of more than one address of record. */
#define SG_AOR_MANY		0xffff
#define SG_AOR_SCAN		64	/* bytes of a To value hashed */

struct sg_flow_set {
	struct bpf_spin_lock lock;
	__u32 pad;
	/* sg_flow_tag() of the slot's pair, 0: free; read as one word */
	__u8 tag[SG_FLOW_WAYS] __attribute__((aligned(8)));
	struct sg_flow_slot way[SG_FLOW_WAYS];
};

/*
 * The flows' filter (sg_flowbits): one bit per pair {remote addr, local
 * port}, its sg_fb_hash(), set for every pair that has a flow in
 * sg_flows.  The XDP verdict asks it before the two
 * sets: a clear bit means no flow, and a stranger's INVITE costs one word
 * of a 128 KiB array instead of two lines of the 4.8 MiB table.  A set bit
 * (a pair with flows, or another pair's, or one whose flows are gone)
 * sends the reader on to the sets.
 *
 * Every writer of a new flow (the learner, userspace) sets its pair's bit
 * in both halves, before the flow goes in (so that no reader misses it)
 * and again after (so that a rebuild that cleared the half meanwhile
 * keeps it), with an atomic OR: a plain store could undo another writer's
 * bit.  Bits are never cleared in the half readers use (use): a rebuild
 * (lib/flowtab.c, the daemon's and `attach`'s) clears the other half,
 * sets the bits of every flow in the table, and makes that half the one
 * readers use, no sooner than SG_FB_SETTLE_S after it last did so (a
 * reader that read use before that flip has long finished).  use 0 (a
 * map no rebuild has written yet) sends every reader to the sets.
 */
#define SG_FB_LOG		20				/* bits per half */
#define SG_FB_WORDS		(1u << (SG_FB_LOG - 5))		/* 32-bit words */
#define SG_FB_SETTLE_S		2

struct sg_flow_bits {
	__u32 use;		/* 0: not built; 1 + the half readers use */
	__u32 rebuilt_s;	/* sg_flowtab_now() of the last rebuild */
	__u32 w[2][SG_FB_WORDS];
};

/*
 * The pair's bit: a hash of its own, not bits of sg_flow_hash(), for two
 * reasons.  A stranger's INVITE pays it before anything else, and an
 * IPv4 source's is one multiply (the words of ::ffff:a.b.c.d before the
 * last are constants), where the pair's flow hash is a chain of five;
 * and a pair that finds another pair's bit set rarely finds that pair's
 * tag in the sets too, so a false "maybe" mostly ends at the tags (with
 * the flow hash's low bits, bit and tag would collide together).  The
 * top bits of a multiply-add of the address's 32-bit words (little-endian,
 * as sg_flow_hash() reads them, sg_le32()) and the local port.
 */
#define SG_FB_K0		0xa0761d6478bd642fULL
#define SG_FB_K1		0xe7037ed1a0b428dbULL
#define SG_FB_K2		0x8ebc6af09c88c6e3ULL
#define SG_FB_K3		0x9e3779b97f4a7c15ULL

/* The sum X of the first three words' terms, the last word W3's, the port's. */
static inline __u32 sg_fb_last(__u64 x, __u32 w3, __u16 local_port)
{
	x += ((__u64)w3 << 16 | local_port) * SG_FB_K3;
	return (__u32)(x >> (64 - SG_FB_LOG));
}

static inline __u32 sg_fb_hash(const struct sg_addr *a, __u16 local_port)
{
	return sg_fb_last(sg_le32(&a->b[0]) * SG_FB_K0 +
			  sg_le32(&a->b[4]) * SG_FB_K1 +
			  sg_le32(&a->b[8]) * SG_FB_K2,
			  sg_le32(&a->b[12]), local_port);
}

/* sg_fb_hash() of ::ffff:a.b.c.d; V4 holds a.b.c.d as they lie in memory. */
static inline __u32 sg_fb_hash_v4(const __u8 *v4, __u16 local_port)
{
	return sg_fb_last(0xffff0000ULL * SG_FB_K2, sg_le32(v4), local_port);
}

/* The word of a half that holds bit B (sg_fb_hash()), and B in it. */
static inline __u32 sg_fb_word(__u32 b)
{
	return (b & ((1u << SG_FB_LOG) - 1)) >> 5;
}

static inline __u32 sg_fb_mask(__u32 b)
{
	return 1u << (b & 31);
}

/* May a pair whose bit is B (sg_fb_hash()) have a flow, by F's half in use? */
static inline int sg_fb_maybe(const struct sg_flow_bits *f, __u32 b)
{
	__u32 use = f->use;

	if (!use)
		return 1;
	return !!(f->w[(use - 1) & 1][sg_fb_word(b)] & sg_fb_mask(b));
}

/*
 * The pair's hash: one multiply-xorshift round per 32-bit word of the
 * remote address (its bytes little-endian, whatever the host's order),
 * one for the local port, a final mix.  Its high bits choose the first
 * set, a remix of it the second, its low byte is the tag.  Userspace and
 * the programs use these functions, and the IPv4 one is the same hash of
 * ::ffff:a.b.c.d with its constant three words mixed at compile time.
 */
static inline __u32 sg_flow_mix(__u32 h, __u32 w)
{
	h = (h ^ w) * 0x85ebca6bu;
	return h ^ (h >> 13);
}

static inline __u32 sg_flow_fin(__u32 h)
{
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

#define SG_FLOW_SEED		0x9e3779b9u

static inline __u32 sg_flow_hash(const struct sg_addr *a, __u16 local_port)
{
	__u32 h = SG_FLOW_SEED;
	int i;

	for (i = 0; i < 16; i += 4)
		h = sg_flow_mix(h, sg_le32(&a->b[i]));
	return sg_flow_fin(sg_flow_mix(h, local_port));
}

/* sg_flow_hash() of ::ffff:a.b.c.d; V4 holds a.b.c.d as they lie in memory. */
static inline __u32 sg_flow_hash_v4(const __u8 *v4, __u16 local_port)
{
	__u32 h = sg_flow_mix(sg_flow_mix(sg_flow_mix(SG_FLOW_SEED, 0), 0), 0xffff0000u);

	return sg_flow_fin(sg_flow_mix(sg_flow_mix(h, sg_le32(v4)), local_port));
}

/* Range reduction by multiplication: no division, any number of sets. */
static inline __u32 sg_flow_set1(__u32 h)
{
	return (__u32)(((__u64)h * SG_FLOW_SETS) >> 32);
}

static inline __u32 sg_flow_set2(__u32 h)
{
	/* the hash remixed, moved off the first set if they meet */
	__u32 g = ((h >> 17) | (h << 15)) * 0x9e3779b1u;
	__u32 s = (__u32)(((__u64)g * SG_FLOW_SETS) >> 32);

	return s == sg_flow_set1(h) ? (s + 1 == SG_FLOW_SETS ? 0 : s + 1) : s;
}

/* The low bits: the sets come from the high ones. */
static inline __u8 sg_flow_tag(__u32 h)
{
	__u8 t = h;

	return t ? t : 1;
}

/*
 * Hand-made flows (`sipguard flows add`, the config file): a small hash
 * that the XDP program asks only while it has entries (SG_CFG_STATIC).
 * A ported flow lives under its exact key and a wildcard copy with
 * remote port 0 (SG_FLOW_SHADOW), so that the default lookup is one; a
 * flow without a port only under the wildcard key (SG_FLOW_ANY_PORT).
 */
#define SG_STATIC_MAX		4096

struct sg_flow_static {
	__u32 flags;		/* SG_FLOW_STATIC, SG_FLOW_ANY_PORT, SG_FLOW_SHADOW */
	__u32 origin;		/* enum sg_origin */
};

/*
 * Calls let in by `inspect`, waiting for the phone's answer: {caller
 * addr, caller port, local port} -> sg_now() seconds when the wait ends.
 * The learner turns one into a dialog flow when the LAN answers 2xx.
 */
#define SG_PENDING_MAX		4096
#define SG_PENDING_S		180	/* an INVITE transaction's life (Timer C) */

/*
 * Registration lifetimes: a REGISTER's Expires (or the largest Contact
 * expires parameter) plus a margin sets the flow's lifetime; 0 ends it.
 */
#define SG_REG_MARGIN_S		32
#define SG_REG_MARGIN_DIV	8	/* and lifetime / 8 on top */
#define SG_REG_LIFE_MAX		31536000	/* a year: longer asks get this */

/*
 * What the flow table did, per CPU.
 */
struct sg_flowstat {
	__u64 learned;		/* new flows recorded */
	__u64 evicted;		/* live unprotected flows evicted from a full set */
	__u64 full;		/* new flows not recorded: a set of protected flows */
	__u64 reclaimed;	/* expired flows whose slot a new one took */
	__u64 refreshed;	/* refreshes by a request or response */
	__u64 keepalives;	/* refreshes by a CRLF or STUN keep-alive */
	__u64 unregistered;	/* flows ended by a REGISTER with expires 0 */
	__u64 dialogs;		/* dialog flows made from a call `inspect` let in */
	__u64 answered;		/* flows the remote answered (first answer) */
	__u64 registered;	/* flows a registrar accepted (first 2xx) */
};

/* Fragment tracking: the verdict of a datagram's first fragment. */
struct sg_frag_key {
	struct sg_addr saddr;
	struct sg_addr daddr;
	__u32 id;		/* IPv4 id (16 bit) or IPv6 fragment id */
	__u8 proto;
	__u8 pad[3];
};

struct sg_frag_val {
	__u64 seen_ns;
	__u32 reason;		/* enum sg_reason of the first fragment */
	__u32 pad;
};

/* Layer-7 lists. */
struct sg_ban_val {
	__u64 expires_ns;	/* bpf_ktime_get_ns() clock */
	__u64 banned_ns;
	__u32 reason;		/* enum sg_reason that caused the ban */
	__u32 pad;
};

/*
 * The ban quota (one shared entry): at most SG_BANS_QUOTA new bans in a
 * window of ban-time seconds, so that the bans alive at any moment (made
 * in the last ban-time) fill at most half of sg_bans and the LRU's
 * victims are bans that have run out, never live ones.  A ban beyond the
 * quota is refused and counted; the request that asked for it is dropped
 * all the same.  docs/design.md, "Bans".
 */
#define SG_BANS_QUOTA		(SG_BANS_MAX / 4)

struct sg_ban_stat {
	__u64 window_ns;	/* start of the current window (sg_now clock) */
	__u64 granted;		/* new bans made, ever */
	__u64 refused;		/* new bans refused: the window's quota was spent */
	__u32 in_window;	/* new bans made in the current window */
	__u32 pad;
};

struct sg_user_key {
	char user[SG_USER_MAX];	/* zero padded, compared exactly */
};

struct sg_ua_pat {
	__u8 len;
	__u8 s[SG_UA_PAT_MAX];	/* lower case */
};

/*
 * A User-Agent blocklist.  first2[b] has bit i set when pattern i starts
 * with the two bytes b (lower case, first byte in the low 8 bits), so the
 * matcher tries a pattern only where its first two bytes are.  The config
 * map says which of the two entries of the map is live; userspace writes
 * the other and then flips, so a reader never sees half a list.
 */
struct sg_ua_set {
	__u32 count;
	__u32 config_mask;	/* bit i: pattern i came from the config file */
	struct sg_ua_pat pat[SG_UA_MAX];
	__u32 first2[65536];
};

/* Runtime settings: one entry in the config map, changed without reload. */
#define SG_CFG_MONITOR		(1u << 0)	/* count, never drop (all ifaces) */
#define SG_CFG_MATCH_PORT	(1u << 1)	/* flows must match remote port */
#define SG_CFG_INSPECT		(1u << 2)	/* unknown INVITEs: inspect, not drop */
#define SG_CFG_DENY		(1u << 3)	/* the deny list has entries */
#define SG_CFG_USERS		(1u << 4)	/* Request-URI users are configured */
#define SG_CFG_STATIC		(1u << 5)	/* sg_flows_static has entries */

struct sg_config {
	__u32 flags;		/* SG_CFG_* */
	__u32 flow_timeout_s;	/* learned flows older than this are void */
	__u32 ban_time_s;	/* 0: no bans */
	__u32 ua_slot;		/* live entry of the sg_ua map (0 or 1) */
	__u32 ua_count;		/* patterns in the live entry; 0: no UA rule */
	__u32 event_rate;	/* drop events per second per CPU; 0: none */
	__u32 event_burst;	/* token bucket depth per CPU */
	/*
	 * The programs' clock of seconds from jiffies (bpf_jiffies64(),
	 * which the verifier inlines on 64-bit JITs; no helper call):
	 * seconds = (jiffies - clock_base) * clock_mult >> 32, the same
	 * seconds as CLOCK_MONOTONIC's.  `attach` measures both; 0: use the
	 * coarse clock helper instead.
	 */
	__u32 clock_mult;
	__u64 clock_base;
	__u32 reserved[6];
};

/* CFG's clock at JIFFIES, in seconds (both clock fields set). */
static inline __u32 sg_clock_seconds(const struct sg_config *cfg, __u64 jiffies)
{
	return ((jiffies - cfg->clock_base) * cfg->clock_mult) >> 32;
}

/*
 * Counter reasons.  The order is ABI (counters are indexed by it); the names
 * are what `sipguard stats` prints.  Pass reasons come first, then the drop
 * reasons from SG_R_FIRST_DROP on; the third column says which is which.
 * "allowlisted" and "established" count packets that would have been
 * dropped (orphan INVITEs, tiny fragments...) had the source not been
 * trusted.
 */
#define SG_REASONS(X)							\
	X(SG_R_NON_IP,		"non_ip",		0)		\
	X(SG_R_NON_UDP,		"non_udp",		0)		\
	X(SG_R_NOT_SIP,		"not_sip",		0)		\
	X(SG_R_KEEPALIVE,	"keepalive",		0)		\
	X(SG_R_STUN,		"stun",			0)		\
	X(SG_R_RESPONSE,	"sip_response",		0)		\
	X(SG_R_REQUEST,		"sip_request",		0)		\
	X(SG_R_ALLOWLIST,	"allowlisted",		0)		\
	X(SG_R_ESTABLISHED,	"established",		0)		\
	X(SG_R_CONNTRACK,	"conntrack_reply",	0)		\
	X(SG_R_FRAGMENT,	"fragment",		0)		\
	X(SG_R_MALFORMED,	"malformed",		0)		\
	X(SG_R_INSPECTED,	"invite_inspected",	0)		\
	X(SG_R_ORPHAN,		"orphan_invite",	1)		\
	X(SG_R_FRAG_DROPPED,	"fragment_of_dropped",	1)		\
	X(SG_R_TINY_FRAG,	"tiny_fragment",	1)		\
	X(SG_R_EXT_CHAIN,	"ipv6_ext_chain",	1)		\
	X(SG_R_CRLF_PADDING,	"crlf_padding",		1)		\
	X(SG_R_DENIED,		"denied",		1)		\
	X(SG_R_BANNED,		"banned",		1)		\
	X(SG_R_UA_BLOCKED,	"user_agent_blocked",	1)		\
	X(SG_R_UNKNOWN_USER,	"unknown_user",		1)		\
	X(SG_R_BAD_FROM,	"bad_from",		1)		\
	X(SG_R_TO_TAG,		"to_tag",		1)

#define SG_REASON_ENUM(id, name, drops) id,
enum sg_reason {
	SG_REASONS(SG_REASON_ENUM)
	SG_REASON_MAX
};
#undef SG_REASON_ENUM

#define SG_R_FIRST_DROP		SG_R_ORPHAN

/* Verdict actually taken; a drop reason in monitor mode is counted as pass. */
enum sg_verdict {
	SG_V_PASS = 0,
	SG_V_DROP = 1,
	SG_VERDICT_MAX
};

/* Per-interface counters: PERCPU_ARRAY indexed by SG_CTR_IDX(). */
#define SG_CTR_IDX(reason, verdict)	((reason) * SG_VERDICT_MAX + (verdict))
#define SG_CTR_MAX			(SG_REASON_MAX * SG_VERDICT_MAX)

struct sg_counter {
	__u64 packets;
	__u64 bytes;
};

/* Per-program-instance flags, set in .rodata when an interface is attached. */
#define SG_IF_MONITOR		(1u << 0)
/*
 * The device has no link-layer header (ppp, tun, WireGuard, raw-IP
 * modems): frames start at the IP header.  A load-time constant, so the
 * verifier removes the branch that does not apply and Ethernet pays nothing.
 */
#define SG_IF_L3		(1u << 1)

/* SIP request methods, as the classifier tells them and events carry them. */
#define SG_METHODS(X)							\
	X(SG_M_NONE,		"-")					\
	X(SG_M_INVITE,		"INVITE")				\
	X(SG_M_ACK,		"ACK")					\
	X(SG_M_BYE,		"BYE")					\
	X(SG_M_CANCEL,		"CANCEL")				\
	X(SG_M_REGISTER,	"REGISTER")				\
	X(SG_M_OPTIONS,		"OPTIONS")				\
	X(SG_M_SUBSCRIBE,	"SUBSCRIBE")				\
	X(SG_M_NOTIFY,		"NOTIFY")				\
	X(SG_M_PUBLISH,		"PUBLISH")				\
	X(SG_M_MESSAGE,		"MESSAGE")				\
	X(SG_M_INFO,		"INFO")					\
	X(SG_M_PRACK,		"PRACK")				\
	X(SG_M_UPDATE,		"UPDATE")				\
	X(SG_M_REFER,		"REFER")

#define SG_METHOD_ENUM(id, name) id,
enum sg_method {
	SG_METHODS(SG_METHOD_ENUM)
	SG_M_MAX
};
#undef SG_METHOD_ENUM

/*
 * A drop event, sent through the sg_events ring buffer for a sample of
 * drops (a per-CPU token bucket: event_rate/event_burst in sg_config).
 * from_user and ua are bytes chosen by the sender: print them escaped.
 */
#define SG_EV_MONITOR		(1u << 0)	/* would-drop: monitor mode */
#define SG_EV_HEADERS		(1u << 1)	/* from_user/ua were looked for */
#define SG_EV_UA_MAX		48
#define SG_EV_USER_MAX		32

struct sg_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	__u32 ifindex;
	__u16 reason;		/* enum sg_reason */
	__u8 method;		/* enum sg_method */
	__u8 flags;		/* SG_EV_* */
	struct sg_addr saddr;
	struct sg_addr daddr;
	__u16 sport;		/* host order; 0 for fragments without ports */
	__u16 dport;
	__u32 suppressed;	/* events this CPU dropped since its last one */
	__u8 ua_len;
	__u8 from_user_len;
	__u8 pad[6];
	char ua[SG_EV_UA_MAX];
	char from_user[SG_EV_USER_MAX];
};

/* Per-CPU state of the event token bucket; userspace sums suppressed. */
struct sg_evstate {
	__u64 tokens;		/* in 1e-9 events */
	__u64 last_ns;
	__u64 sent;
	__u64 suppressed;	/* total */
	__u32 at_sent;		/* suppressed's low half when the last event went */
	__u32 skip;		/* packets left to suppress without a clock read */
};

/*
 * Bookkeeping of one attached interface, kept by userspace in a one-entry
 * array pinned in the interface's directory; the programs never read it.
 */
#define SG_META_LEARN		(1u << 0)	/* TC egress learner attached */
#define SG_META_CLSACT_OURS	(1u << 1)	/* we created the clsact qdisc */
#define SG_META_MONITOR		(1u << 2)	/* attached with --monitor */
#define SG_META_CONNTRACK	(1u << 3)	/* the conntrack variant (--conntrack) */
#define SG_META_DISPATCHER	(1u << 4)	/* XDP in libxdp's dispatcher */
#define SG_META_TCX		(1u << 5)	/* the learner is a tcx link */
/* bit 6: programs that set sg_flowbits by sg_flow_hash()'s low bits
 * (one development version; such an interface turns the filter off) */
#define SG_META_FLOWBITS	(1u << 7)	/* its programs keep sg_flowbits */
#define SG_META_ALLOWBITS	(1u << 8)	/* its programs read SG_AF_FORMAT */

struct sg_iface_meta {
	__u32 ifindex;
	__u32 flags;		/* SG_META_* */
	__u32 xdp_flags;	/* XDP_FLAGS_* used for the link */
	__u32 link_type;	/* ARPHRD_* of the device; 0: not recorded */
	__u64 attached_at;	/* wall clock, seconds */
	char ifname[16];
};

/*
 * sipguard_xdp's run priority in libxdp's multi-program dispatcher (lower
 * runs first): after xdp-filter (10), before programs without a priority
 * of their own (libxdp's default, 50), which may redirect packets (AF_XDP,
 * XDP_REDIRECT) where sipguard would no longer see them.  Part of the
 * object's BTF (bpf/sipguard_ext.bpf.c): libxdp reads a loaded program's
 * priority from there.
 */
#define SG_XDP_PRIO		30

/* Pinned object names under the pin directory. */
#define SG_PIN_DEFAULT		"/sys/fs/bpf/sipguard"
#define SG_MAP_ALLOW		"sg_allow"
#define SG_MAP_FLOWS		"sg_flows"
#define SG_MAP_FRAGS		"sg_frags"
#define SG_MAP_CONFIG		"sg_config"
#define SG_MAP_ALLOWBITS	"sg_allowbits"
#define SG_MAP_FLOWBITS		"sg_flowbits"
#define SG_MAP_FLOWSTAT		"sg_flowstat"
#define SG_MAP_STATIC		"sg_flows_static"
#define SG_MAP_PENDING		"sg_pending"
#define SG_MAP_DENY		"sg_deny"
#define SG_MAP_BANS		"sg_bans"
#define SG_MAP_BANSTAT		"sg_banstat"
#define SG_MAP_USERS		"sg_users"
#define SG_MAP_UA		"sg_ua"
#define SG_MAP_EVENTS		"sg_events"
#define SG_MAP_EVSTATE		"sg_evstate"
#define SG_MAP_COUNTERS		"sg_counters"	/* per interface, in its dir */
#define SG_MAP_IFMETA		"sg_ifmeta"	/* per interface, in its dir */
#define SG_MAP_L7_PROG		"sg_l7_prog"	/* per interface, in its dir */
#define SG_PIN_XDP_LINK		"xdp_link"	/* per interface, in its dir */
#define SG_PIN_XDP_PROG		"xdp_prog"	/* in libxdp's dispatcher: the program */
#define SG_PIN_TC_LINK		"tc_link"	/* the learner's tcx link */
#define SG_IFACE_DIR_PREFIX	"if_"		/* <pin>/if_<ifname>/ */

/*
 * The maps that every attached interface shares, pinned at the top of the
 * pin directory: X(field, pin name, table label).  The one list of them,
 * for the loader (pinning, opening, the fill of each table in `stats`),
 * the tests and the bench.  field names the member of the loader's map
 * set; the label is NULL for maps that are not tables with a fill.
 */
#define SG_SHARED_MAPS(X)						\
	X(allow,	SG_MAP_ALLOW,		"allowlist")		\
	X(flows,	SG_MAP_FLOWS,		"flows")		\
	X(flows_static,	SG_MAP_STATIC,		"static flows")		\
	X(pending,	SG_MAP_PENDING,		"pending calls")	\
	X(frags,	SG_MAP_FRAGS,		"fragments")		\
	X(config,	SG_MAP_CONFIG,		NULL)			\
	X(deny,		SG_MAP_DENY,		"deny")			\
	X(bans,		SG_MAP_BANS,		"bans")			\
	X(users,	SG_MAP_USERS,		"users")		\
	X(ua,		SG_MAP_UA,		NULL)			\
	X(allowbits,	SG_MAP_ALLOWBITS,	NULL)			\
	X(flowbits,	SG_MAP_FLOWBITS,	NULL)			\
	X(events,	SG_MAP_EVENTS,		NULL)			\
	X(evstate,	SG_MAP_EVSTATE,		NULL)			\
	X(flowstat,	SG_MAP_FLOWSTAT,	NULL)			\
	X(banstat,	SG_MAP_BANSTAT,		NULL)

/*
 * What belongs to one attached interface, pinned in <pin>/if_<ifname>/.
 * sg_l7_prog is pinned although only the programs use it: the kernel
 * empties a program array when its last user reference goes.
 */
#define SG_IFACE_PINS(X)						\
	X(SG_PIN_XDP_LINK)						\
	X(SG_PIN_XDP_PROG)						\
	X(SG_PIN_TC_LINK)						\
	X(SG_MAP_COUNTERS)						\
	X(SG_MAP_IFMETA)						\
	X(SG_MAP_L7_PROG)

/*
 * Slots of the sg_l7_prog program array and the program that goes in
 * each: X(slot, program name).  Whoever loads the programs (attach, the
 * tests, the bench) fills every slot from this list.
 */
#define SG_TAILCALLS(X)							\
	X(SG_TAIL_L7,		"sipguard_l7")

#define SG_TAIL_ENUM(id, prog) id,
enum sg_tailcall {
	SG_TAILCALLS(SG_TAIL_ENUM)
	SG_TAIL_MAX
};
#undef SG_TAIL_ENUM

#endif /* SIPGUARD_H */
