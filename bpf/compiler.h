/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Compiler glue for the headers that build both for BPF (clang) and for
 * the host tests (gcc or clang).
 */
#ifndef SG_COMPILER_H
#define SG_COMPILER_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* Fully unroll a loop with a constant trip count (clang only). */
#ifdef __clang__
#define SG_UNROLL _Pragma("clang loop unroll(full)")
#else
#define SG_UNROLL
#endif

/*
 * In the kernel build, hide what the compiler knows about X's value, so
 * that it keeps the operation written next (a mask it proves redundant, an
 * ADD it would turn into an OR of disjoint bits) which the verifier must
 * see to bound X.  Emits no instruction.
 */
#ifdef __bpf__
#define SG_OPAQUE(x) __asm__ volatile("" : "+r"(x))
#else
#define SG_OPAQUE(x) do { } while (0)
#endif

/*
 * Read X from memory even where the compiler knows what it holds: a value
 * that a loop hands to its next round through memory reaches the verifier
 * as "unknown", the same on every way round, instead of as what each way
 * computed.
 */
#define SG_LOAD(x) (*(volatile __typeof__(x) *)&(x))

/*
 * The 8 bytes at P as a word whose byte k in memory is bits 8k..8k+7, on
 * every CPU: word-at-a-time code (one flag bit per byte, the top bits
 * 8k + 7) then numbers the bytes alike on little- and big-endian machines,
 * and its constants are written once, in this order.  The bpfeb build
 * (s390x, big-endian MIPS) swaps with one instruction.
 */
static __always_inline unsigned long long sg_load_le64(const void *p)
{
	unsigned long long v;

	__builtin_memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * The same for P 8-byte aligned: one load.  Of a pointer whose alignment
 * it does not know, clang's BPF back end reads the 8 bytes one at a time
 * (BPF has no unaligned loads to rely on): 8 loads, 7 shifts, 7 ORs.
 */
static __always_inline unsigned long long sg_load_le64_a8(const void *p)
{
	return sg_load_le64(__builtin_assume_aligned(p, 8));
}

#endif /* SG_COMPILER_H */
