// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sg_escape(): attacker-chosen bytes made safe for a terminal, a log line
 * and json-c.  A UTF-8 decoder decides what is text; what is not, or is
 * text that steers a terminal or reorders a line (C0/C1 controls, DEL,
 * bidi overrides, line separators), is written as \xNN per byte.  json-c
 * escapes quotes and controls itself but passes bytes >= 0x80 through as
 * they are, so invalid UTF-8 would make invalid JSON: the JSON output
 * therefore gets this escaped form as well.
 */
#include <string.h>

#include "escape.h"

/*
 * Length of the valid UTF-8 sequence at S (N bytes left), with its code
 * point in *CP; 0 if S does not start one (overlong forms, surrogates
 * and code points above U+10FFFF are invalid).
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned int *cp)
{
	unsigned int c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return len;
}

/* Code points that are text by UTF-8 but must not reach a terminal raw. */
static int unsafe_cp(unsigned int cp)
{
	return cp < 0x20 || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0x9f) ||		/* C1 controls (CSI...) */
	       cp == 0x2028 || cp == 0x2029 ||		/* line/paragraph sep. */
	       (cp >= 0x200e && cp <= 0x200f) ||	/* LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) ||	/* bidi embeddings */
	       (cp >= 0x2066 && cp <= 0x2069);		/* bidi isolates */
}

size_t sg_escape(char *dst, size_t dlen, const void *src, size_t n,
		 unsigned int flags)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = src;
	size_t i = 0, o = 0, len, k;
	unsigned int cp;
	char tmp[16];
	size_t tlen;

	if (!dlen)
		return 0;
	while (i < n) {
		len = utf8_seq(s + i, n - i, &cp);
		tlen = 0;
		if (!len || unsafe_cp(cp)) {
			if (!len)
				len = 1;
			for (k = 0; k < len; k++) {
				tmp[tlen++] = '\\';
				tmp[tlen++] = 'x';
				tmp[tlen++] = hex[s[i + k] >> 4];
				tmp[tlen++] = hex[s[i + k] & 0xf];
			}
		} else if (cp == '\\' || (cp == '"' && (flags & SG_ESC_QUOTE))) {
			tmp[tlen++] = '\\';
			tmp[tlen++] = cp;
		} else {
			memcpy(tmp, s + i, len);
			tlen = len;
		}
		if (o + tlen >= dlen)
			break;
		memcpy(dst + o, tmp, tlen);
		o += tlen;
		i += len;
	}
	dst[o] = '\0';
	return o;
}
