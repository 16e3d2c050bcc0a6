/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The writers of the flow table (flowmap.h): the TC learner's inserts,
 * refreshes and removals, and the XDP program's marks of answered flows.
 *
 * An outbound request that opens something (REGISTER, INVITE, SUBSCRIBE,
 * OPTIONS, PUBLISH, MESSAGE) records the flow {remote address, remote
 * port, local port}; any other outbound SIP message, a CRLF keep-alive
 * (RFC 5626) or a STUN binding request only refreshes a flow that
 * exists, so that a phone answering a stranger's OPTIONS never invites
 * the stranger in.  A REGISTER's lifetime (a Contact's expires parameter,
 * else its Expires header) plus a margin becomes the flow's; a REGISTER
 * with lifetime 0 ends the flow unless another address of record is
 * registered over it.  The phone's 2xx to a call that `inspect` let in
 * (sg_pending) makes a dialog flow.
 */
#ifndef SG_LEARN_H
#define SG_LEARN_H

#include "maps.h"
#include "flowmap.h"

/* What the learner asks of the table for one outbound message. */
struct learn_req {
	struct sg_flow_key k;
	__u32 life;		/* a registration's lifetime (reg_life); else
				 * sg_learn() sets the configured timeout */
	__u8 add;		/* SG_FLOW_* to set */
	__u8 clear;		/* SG_FLOW_* to clear */
	__u8 opens;		/* may make a new flow */
	__u8 reg_life;		/* life replaces the flow's lifetime */
	__u8 reg;		/* a REGISTER that registers AOR */
	__u8 tag;		/* sg_learn(): the pair's tag */
	__u16 aor;		/* aor_hash() of its To; 0: none */
	__u32 now;		/* sg_learn(): the time, seconds */
	__u32 timeout;		/* sg_learn(): the configured flow timeout */
};

static __always_inline struct sg_flowstat *flowstat(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sg_flowstat, &zero);
}

/* Refresh slot W as R says, at R's time.  Lock held. */
static __always_inline void slot_refresh(struct sg_flow_slot *w,
					 const struct learn_req *r)
{
	__u32 life;

	w->flags = (w->flags & ~r->clear) | r->add;
	/* the addresses of record registered over this flow: one, or many */
	if (r->reg && r->aor)
		w->aor = !w->aor || w->aor == r->aor ? r->aor : SG_AOR_MANY;
	life = r->reg_life ? r->life : slot_life(w, r->timeout);
	w->lifetime_s = life;
	w->expires_s = r->now + life;
}

/*
 * One change of one set, as a global function (checked by the verifier
 * once, not at each of sg_learn()'s tries).  HOW holds the set's index
 * and what may be done: PUT_TOUCH only refreshes the flow if it is
 * there; otherwise the flow is refreshed or put into a free or expired
 * slot, and in place of a live unprotected flow with PUT_EVICT.
 */
#define PUT_TOUCH	(1u << 16)
#define PUT_EVICT	(1u << 17)

__attribute__((noinline))
int sg_set_put(const struct learn_req *r, __u32 how)
{
	struct sg_flow_set *s;
	struct sg_flow_slot *w;
	__u32 i, did, now;
	__u8 tag;

	if (!r)
		return FLOW_NOTHING;
	s = flow_set(how & 0xffff);	/* out of range: no set */
	if (!s)
		return FLOW_NOTHING;
	now = r->now;
	tag = r->tag;
	/* a refresh looks before it locks: most sets lack the flow */
	if ((how & PUT_TOUCH) &&
	    set_find(s, tag, &r->k.addr, r->k.remote_port, r->k.local_port,
		     0, 1, now) >= SG_FLOW_WAYS)
		return FLOW_NOTHING;
	bpf_spin_lock(&s->lock);
	i = set_find(s, tag, &r->k.addr, r->k.remote_port, r->k.local_port,
		     0, 1, now);
	if (i < SG_FLOW_WAYS) {
		slot_refresh(&s->way[i], r);
		did = FLOW_REFRESHED;
	} else if (how & PUT_TOUCH) {
		did = FLOW_NOTHING;
	} else {
		i = set_victim(s, now, &did);
		if (!(how & PUT_EVICT) && did == FLOW_EVICTED) {
			i = SG_FLOW_WAYS;
			did = FLOW_FULL;
		}
		if (i < SG_FLOW_WAYS) {
			w = &s->way[i];
			s->tag[i] = 0;
			w->addr = r->k.addr;
			w->remote_port = r->k.remote_port;
			w->local_port = r->k.local_port;
			w->flags = r->add;
			w->origin = SG_ORIGIN_LEARNED;
			w->aor = r->reg ? r->aor : 0;
			w->lifetime_s = r->life;
			w->expires_s = now + r->life;
			s->tag[i] = tag;
		}
	}
	bpf_spin_unlock(&s->lock);
	return did;
}

/*
 * End the flow in S, if it is there and AOR is the only address of
 * record registered over it (a phone with several lines that
 * unregisters one keeps the flow for the others).
 */
static __always_inline __u32 set_remove(struct sg_flow_set *s, __u8 tag,
					const struct sg_flow_key *k, __u16 aor,
					__u32 now)
{
	__u32 i, did = FLOW_NOTHING;
	__u16 has;

	if (set_find(s, tag, &k->addr, k->remote_port, k->local_port, 0, 1,
		     now) >= SG_FLOW_WAYS)
		return FLOW_NOTHING;
	bpf_spin_lock(&s->lock);
	i = set_find(s, tag, &k->addr, k->remote_port, k->local_port, 0, 1,
		     now);
	if (i < SG_FLOW_WAYS) {
		has = s->way[i].aor;
		if (!has || !aor || has == aor) {
			s->tag[i] = 0;
			s->way[i].expires_s = 0;
			did = FLOW_REMOVED;
		}
	}
	bpf_spin_unlock(&s->lock);
	return did;
}

static __always_inline void count_did(__u32 did, int keepalive)
{
	struct sg_flowstat *st = flowstat();

	if (!st)
		return;
	switch (did) {
	case FLOW_REFRESHED:
		if (keepalive)
			st->keepalives++;
		else
			st->refreshed++;
		break;
	case FLOW_NEW:
		st->learned++;
		break;
	case FLOW_RECLAIMED:
		st->learned++;
		st->reclaimed++;
		break;
	case FLOW_EVICTED:
		st->learned++;
		st->evicted++;
		break;
	case FLOW_FULL:
		st->full++;
		break;
	case FLOW_REMOVED:
		st->unregistered++;
		break;
	}
}

static __always_inline __u32 flow_timeout(const struct sg_config *cfg)
{
	return cfg && cfg->flow_timeout_s ? cfg->flow_timeout_s :
					    SG_DEFAULT_FLOW_TIMEOUT;
}

/*
 * Refresh the flow, or make it when R opens one: into a free or expired
 * slot of the emptier of its two sets, else of the other, else in place
 * of the first set's victim, else the second's, with the pair's bit in
 * the flows' filter set around it.  Returns what was done (enum
 * flow_did).
 */
__attribute__((noinline))
int sg_learn(struct learn_req *r, int keepalive)
{
	struct sg_flow_set *s0, *s1;
	struct flow_where fw;
	__u32 did, a, b, bit;

	if (!r)
		return FLOW_NOTHING;
	fw = flow_where(&r->k.addr, r->k.local_port);
	r->tag = fw.tag;
	r->now = sg_now_s();
	r->timeout = flow_timeout(get_config());
	if (!r->reg_life)
		r->life = r->timeout;
	did = sg_set_put(r, fw.set[0] | PUT_TOUCH);
	if (did == FLOW_NOTHING)
		did = sg_set_put(r, fw.set[1] | PUT_TOUCH);
	/*
	 * A free or expired slot in either set before a live flow is
	 * evicted, the emptier set first (two choices keep the sets' fill
	 * even); each try decides under its set's lock, so two learners
	 * filling the last free slots of a set never evict each other.
	 */
	if (did == FLOW_NOTHING && r->opens) {
		bit = sg_fb_hash(&r->k.addr, r->k.local_port);
		/* the filter's bit before the flow: no reader misses it */
		flow_bit_set(bit);
		s0 = flow_set(fw.set[0]);
		s1 = flow_set(fw.set[1]);
		a = fw.set[0];
		b = fw.set[1];
		if (s0 && s1 && set_second_first(s0, s1)) {
			a = fw.set[1];
			b = fw.set[0];
		}
		did = sg_set_put(r, a);
		if (did == FLOW_FULL)
			did = sg_set_put(r, b);
		if (did == FLOW_FULL)
			did = sg_set_put(r, a | PUT_EVICT);
		if (did == FLOW_FULL)
			did = sg_set_put(r, b | PUT_EVICT);
		/* and after it: a rebuild may have cleared a half meanwhile */
		if (did != FLOW_FULL)
			flow_bit_set(bit);
	}
	count_did(did, keepalive);
	return did;
}

/*
 * A REGISTER with lifetime 0 for AOR: the flow ends (in both sets),
 * unless other addresses of record are registered over it.
 */
static __always_inline void unregister(const struct sg_flow_key *k, __u16 aor)
{
	struct flow_where fw = flow_where(&k->addr, k->local_port);
	struct sg_flow_set *s;
	__u32 now = sg_now_s(), did = FLOW_NOTHING;

	s = flow_set(fw.set[0]);
	if (s)
		did = set_remove(s, fw.tag, k, aor, now);
	s = flow_set(fw.set[1]);
	if (s && set_remove(s, fw.tag, k, aor, now) == FLOW_REMOVED)
		did = FLOW_REMOVED;
	count_did(did, 0);
}

/*
 * XDP: the remote answered on the flow {src, sport -> dport}: mark it
 * answered, and registered when the answer is a 2xx after a REGISTER.
 * Only a flow that lacks the mark takes the lock.
 */
/*
 * The marks of ADD that a flow with FLAGS takes: registered only after
 * the LAN sent a REGISTER on it.
 */
static __always_inline __u8 mark_bits(__u8 flags, __u8 add)
{
	return flags & SG_FLOW_REG_SENT ? add : add & ~SG_FLOW_REGISTERED;
}

static __always_inline __u32 set_mark(struct sg_flow_set *s, __u8 tag,
				      const struct sg_flow_key *k, __u8 add,
				      __u32 now)
{
	__u32 i, did = FLOW_NOTHING;
	__u8 want;

	i = set_find(s, tag, &k->addr, k->remote_port, k->local_port, 0, 0,
		     now);
	if (i >= SG_FLOW_WAYS)
		return FLOW_NOTHING;
	want = mark_bits(s->way[i].flags, add);
	if ((s->way[i].flags & want) == want)
		return FLOW_REFRESHED;	/* found, nothing to do */
	bpf_spin_lock(&s->lock);
	if (s->tag[i] == tag &&
	    slot_is(&s->way[i], &k->addr, k->remote_port, k->local_port, 0)) {
		want = mark_bits(s->way[i].flags, add);
		/* the bits that are new: the counts below */
		did = want & ~s->way[i].flags;
		s->way[i].flags |= want;
	}
	bpf_spin_unlock(&s->lock);
	return did ? FLOW_MARKED | did << 8 : FLOW_REFRESHED;
}

__attribute__((noinline))
int sg_flow_answered(const struct sg_flow_key *k, int ok2xx)
{
	struct flow_where fw;
	struct sg_flow_set *s;
	struct sg_flowstat *st;
	__u32 did = FLOW_NOTHING, now = sg_now_s();
	__u8 add = SG_FLOW_ANSWERED | (ok2xx ? SG_FLOW_REGISTERED : 0);

	if (!k)
		return 0;
	fw = flow_where(&k->addr, k->local_port);
	s = flow_set(fw.set[0]);
	if (s)
		did = set_mark(s, fw.tag, k, add, now);
	if (did == FLOW_NOTHING) {
		s = flow_set(fw.set[1]);
		if (s)
			did = set_mark(s, fw.tag, k, add, now);
	}
	if ((did & 0xff) != FLOW_MARKED)
		return 0;
	st = flowstat();
	if (!st)
		return 0;
	if ((did >> 8) & SG_FLOW_ANSWERED)
		st->answered++;
	if ((did >> 8) & SG_FLOW_REGISTERED)
		st->registered++;
	return 0;
}

static __always_inline void flow_answered(const struct sg_addr *src,
					  __u16 sport, __u16 dport, int ok2xx)
{
	struct sg_flow_key k = { .remote_port = sport, .local_port = dport };

	k.addr = *src;
	sg_flow_answered(&k, ok2xx);
}

/*
 * The lifetime a REGISTER asks for, from the first SG_REG_SCAN bytes: its
 * last expires parameter (a Contact's, which wins over the header), else
 * its Expires header; -1 when it names neither.  Beside it, in the
 * scratch's aor, a hash of its To header (aor_hash()).  One pass keeps the last 8 bytes
 * (letters folded to lower case) and notes where "expires" last came
 * after a line break (the header) or after ';' or a blank (a parameter).
 * What the pass notes goes to the scratch map, not to registers, so that
 * every way through a byte ends in one verifier state and the loop costs
 * the verifier a few instructions a byte: the learner stays loadable on
 * kernels without bpf_loop().
 */
#define SG_W8(a, b, c, d, e, f, g, h)					\
	((__u64)(a) << 56 | (__u64)(b) << 48 | (__u64)(c) << 40 |	\
	 (__u64)(d) << 32 | (__u64)(e) << 24 | (__u64)(f) << 16 |	\
	 (__u64)(g) << 8 | (__u64)(h))
#define SG_EXPIRES	SG_W8(0, 'e', 'x', 'p', 'i', 'r', 'e', 's')
#define SG_LC(c)	((c) | 0x20)
#define SG_NO_POS	0xffffffffu

/* The number after "expires" ending at END: blanks, ':' or '=', blanks, digits. */
static __always_inline __s64 expires_value(const struct sg_lscratch *b,
					   __u32 end, __u32 n)
{
	__u32 j = end + 1, d;
	__s64 v = -1;
	__u8 c;

	for (d = 0; d < 4 && j < n; d++, j++) {
		c = b->buf[j & (SG_REG_SCAN - 1)];
		if (c != ' ' && c != '\t')
			break;
	}
	if (j >= n)
		return -1;
	c = b->buf[j & (SG_REG_SCAN - 1)];
	if (c != ':' && c != '=')
		return -1;
	j++;
	for (d = 0; d < 4 && j < n; d++, j++) {
		c = b->buf[j & (SG_REG_SCAN - 1)];
		if (c != ' ' && c != '\t')
			break;
	}
	for (d = 0; d < 10 && j < n; d++, j++) {
		c = b->buf[j & (SG_REG_SCAN - 1)];
		if (c < '0' || c > '9')
			break;
		v = (v < 0 ? 0 : v) * 10 + (c - '0');
	}
	return v;
}

/*
 * A 16-bit hash of the To header's value that ends at the blank, ':' or
 * end of line after END (the address of record the REGISTER is about),
 * up to its parameters; never 0 or SG_AOR_MANY.
 */
static __always_inline __u16 aor_hash(const struct sg_lscratch *b, __u32 end,
				      __u32 n)
{
	__u32 j = end + 1, d, h = 2166136261u;
	__u8 c;

	for (d = 0; d < 6 && j < n; d++, j++) {
		c = b->buf[j & (SG_REG_SCAN - 1)];
		if (c != ' ' && c != '\t' && c != ':')
			break;
	}
	for (d = 0; d < SG_AOR_SCAN && j < n; d++, j++) {
		c = b->buf[j & (SG_REG_SCAN - 1)];
		if (c == ';' || c == '\r' || c == '\n')
			break;
		h = (h ^ c) * 16777619u;
	}
	h ^= h >> 16;
	h &= 0xffff;
	return h == 0 || h == SG_AOR_MANY ? 1 : h;
}

/*
 * The window's last bytes end a header name we look for: "expires"
 * (header or parameter, by the byte before) or "to"/"t" at a line's
 * start, followed by ':' or a blank.
 */
#define SG_TO_COLON	SG_W8(0, 0, 0, 0, 0, SG_LC('\n'), 't', ':')
#define SG_TO_NAME	SG_W8(0, 0, 0, 0, 0, SG_LC('\n'), 't', 'o')

__attribute__((noinline))
int sg_reg_expires(struct sg_lscratch *b, __u32 n)
{
	__u32 i, hdr, par, to;
	__u64 w = 0, y;
	__s64 best = -1;

	if (!b)
		return -1;
	b->hdr = SG_NO_POS;
	b->par = SG_NO_POS;
	b->to = SG_NO_POS;
	b->aor = 0;
	for (i = 0; i < SG_REG_SCAN && i < n; i++) {
		w = w << 8 | SG_LC(b->buf[i]);
		/* compared as a copy read back from the map: what the
		 * comparison teaches the verifier stays with the copy */
		*(volatile __u64 *)&b->w = w;
		y = *(volatile __u64 *)&b->w;
		if ((y & 0xffffff) == SG_TO_COLON ||
		    (((y >> 8) & 0xffffff) == SG_TO_NAME &&
		     ((y & 0xff) == ':' || (y & 0xff) == ' ' ||
		      (y & 0xff) == SG_LC('\t')))) {
			*(volatile __u32 *)&b->to = i;
			continue;
		}
		if ((y & 0x00ffffffffffffffULL) != SG_EXPIRES)
			continue;
		y >>= 56;
		if (y == SG_LC('\n'))
			*(volatile __u32 *)&b->hdr = i;
		else if (y == ';' || y == ' ' || y == SG_LC('\t'))
			*(volatile __u32 *)&b->par = i;
	}
	hdr = *(volatile __u32 *)&b->hdr;
	par = *(volatile __u32 *)&b->par;
	to = *(volatile __u32 *)&b->to;
	/* a Contact's expires parameter wins over the header (RFC 3261 10.2.1.1) */
	if (par < SG_REG_SCAN)
		best = expires_value(b, par, n);
	if (best < 0 && hdr < SG_REG_SCAN)
		best = expires_value(b, hdr, n);
	if (to < SG_REG_SCAN)
		b->aor = aor_hash(b, to, n);
	if (best > 0x7fffffff)
		best = 0x7fffffff;
	return best;
}

/*
 * The REGISTER at OFF in SKB: its lifetime (sg_reg_expires), read from a
 * copy in the learner's scratch.
 */
static __always_inline int reg_lifetime(struct __sk_buff *skb, __u32 off,
					__u16 *aor)
{
	struct sg_lscratch *b;
	__u32 zero = 0, n;
	int life;

	*aor = 0;
	b = bpf_map_lookup_elem(&sg_lscratch, &zero);
	if (!b || off >= skb->len)
		return -1;
	n = skb->len - off;
	if (n > SG_REG_SCAN)
		n = SG_REG_SCAN;
	/* 1..SG_REG_SCAN bytes; see load_bytes() in l7.h for the form */
	n = (n - 1) & (SG_REG_SCAN - 1);
	SG_OPAQUE(n);
	n = (n & (SG_REG_SCAN - 1)) + 1;
	if (bpf_skb_load_bytes(skb, off, b->buf, n))
		return -1;
	life = sg_reg_expires(b, n);
	*aor = b->aor;
	return life;
}

/*
 * The learner's decision for one outbound message, REQ filled with the
 * flow's key: what kind of message it is says what it may do.
 */
static __always_inline void learn_request(struct __sk_buff *skb,
					  struct learn_req *r, __u8 method,
					  __u32 off)
{
	int life;

	r->opens = sg_method_opens_flow(method);
	if (method == SG_M_REGISTER) {
		life = reg_lifetime(skb, off, &r->aor);
		if (life == 0) {
			unregister(&r->k, r->aor);
			return;
		}
		r->reg = 1;
		r->add = SG_FLOW_REG_SENT;
		if (life > SG_REG_LIFE_MAX)
			life = SG_REG_LIFE_MAX;
		if (life > 0) {
			r->life = life + life / SG_REG_MARGIN_DIV +
				  SG_REG_MARGIN_S;
			r->add |= SG_FLOW_REG_LIFE;
			r->reg_life = 1;
		} else {
			r->clear = SG_FLOW_REG_LIFE;
		}
	}
	/*
	 * The LAN asks this address for something: whatever a datagram
	 * naming it as its source earned it, a ban no longer applies.
	 */
	if (r->opens)
		bpf_map_delete_elem(&sg_bans, &r->k.addr);
	sg_learn(r, 0);
}

/*
 * An outbound response.  A 2xx to a call that `inspect` let in (the
 * caller is waiting in sg_pending) makes a dialog flow; anything else
 * only refreshes.
 */
static __always_inline void learn_response(struct learn_req *r, int ok2xx)
{
	struct sg_flowstat *st;
	__u32 *until;

	if (ok2xx) {
		until = bpf_map_lookup_elem(&sg_pending, &r->k);
		if (until && (__s32)(*until - sg_now_s()) > 0) {
			r->opens = 1;
			r->add = SG_FLOW_DIALOG;
			if (sg_learn(r, 0) != FLOW_FULL) {
				bpf_map_delete_elem(&sg_pending, &r->k);
				st = flowstat();
				if (st)
					st->dialogs++;
			}
			return;
		}
	}
	sg_learn(r, 0);
}

#define SG_LEARN_PULL	256	/* bytes made linear for the parser */

#endif /* SG_LEARN_H */
