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

#endif /* SG_COMPILER_H */
