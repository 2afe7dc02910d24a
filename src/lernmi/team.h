/* team.h: the barrier at which the threads that share one network's work meet, and the
 * counters by which they take turns.
 *
 * The threads of a team (team.py) each take a part of every step of a sample: some rows
 * of a layer of links, some of a layer's neurons. Before a step that reads what other
 * threads wrote, each waits here until all have arrived. A thread that arrives early spins
 * for a short while (the others are usually a few microseconds behind), then sleeps on a
 * lock of its own until the last to arrive wakes it: on a machine whose other cores are
 * busy it gives its core away instead of spinning on it. Nothing here needs the GIL: the
 * locks are Python's own C locks (pythread.h), which any thread may take and give back.
 * Where each thread must instead wait only for the one before it, they take turns at
 * chunks of the work (lernmi_team_await, lernmi_team_pass), spinning and sleeping alike.
 *
 * The counters are read and written with sequentially consistent atomic operations: GCC's
 * and Clang's __atomic builtins, MSVC's Interlocked functions. They may wrap around (a long
 * has 32 bits with MSVC, and a team lives for one call of learning_loops.learn_rows, which
 * may be an epoch of millions of samples): they are only ever compared for equality, or,
 * the turns', by their difference, which stays small.
 */
#ifndef LERNMI_TEAM_H
#define LERNMI_TEAM_H

#include <Python.h>
#include <pythread.h>
#include <stdlib.h>

#define LERNMI_TEAM_INLINE static inline

#if defined(_MSC_VER)
#include <intrin.h>
#define lernmi_add(p, x) (_InterlockedExchangeAdd((volatile long *)(p), (x)) + (x))
#define lernmi_load(p) _InterlockedCompareExchange((volatile long *)(p), 0, 0)
#define lernmi_store(p, x) ((void)_InterlockedExchange((volatile long *)(p), (x)))
#define lernmi_cas(p, from, to) \
    (_InterlockedCompareExchange((volatile long *)(p), (to), (from)) == (from))
#if defined(_M_ARM64)
#define lernmi_pause() __yield()
#else
#define lernmi_pause() _mm_pause()
#endif
#else
#define lernmi_add(p, x) __atomic_add_fetch((p), (x), __ATOMIC_SEQ_CST)
#define lernmi_load(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define lernmi_store(p, x) __atomic_store_n((p), (x), __ATOMIC_SEQ_CST)
LERNMI_TEAM_INLINE int lernmi_cas(long *p, long from, long to)
{
    return __atomic_compare_exchange_n(p, &from, to, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
#if defined(__x86_64__) || defined(__i386__)
#define lernmi_pause() __builtin_ia32_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define lernmi_pause() __asm__ __volatile__("yield")
#else
#define lernmi_pause() ((void)0)
#endif
#endif

/* How many times a thread checks for the last arrival, pausing between checks, before it
 * sleeps: a pause takes tens of cycles on AMD's CPUs and about 140 on Intel's since
 * Skylake, so from about fifty microseconds to a fifth of a millisecond. */
#ifndef LERNMI_SPINS  /* (a sanitizer build sets 1, so that its tests sleep and wake) */
#define LERNMI_SPINS 4096
#endif

typedef struct {
    long threads;               /* how many threads meet at the barrier */
    long arrived;               /* how many have arrived at it this time */
    long round;                 /* how many times all have met; a waiter watches it move */
    long *sleeping;             /* per thread: lernmi_token(round) while it sleeps in that
                                 * round, -(c + 1) while it sleeps awaiting its turn at chunk
                                 * c, or 0 */
    PyThread_type_lock *locks;  /* per thread: held while it may sleep; given to wake it */
    long *turns;                /* per chunk of a turn (below), a line apart, or NULL */
} lernmi_team;

/* A chunk's counter every LERNMI_TURN_STRIDE longs: each on a 64-byte line of its own. */
#define LERNMI_TURN_STRIDE ((long)(64 / sizeof(long)))

/* What a thread asleep in a round of the barrier says in its word: a number from 1 to
 * 2^30, the same for that round and the next 2^30 - 1 ones on, never one of the turns'
 * (below 0) whatever round it is. */
#define lernmi_token(round) ((long)((unsigned long)(round) & 0x3fffffffUL) + 1)

/* Give back what lernmi_team_init took, all or part (no thread may be waiting). */
LERNMI_TEAM_INLINE void lernmi_team_free(lernmi_team *team)
{
    long t;
    if (team->locks != NULL)
        for (t = 0; t < team->threads; t++)
            if (team->locks[t] != NULL) {  /* every lock made is taken */
                PyThread_release_lock(team->locks[t]);
                PyThread_free_lock(team->locks[t]);
            }
    free(team->locks);
    free(team->sleeping);
    free(team->turns);
    team->locks = NULL;
    team->sleeping = NULL;
    team->turns = NULL;
    team->threads = 0;
}

/* Ready `team` for `threads` threads: 0, or -1 if memory or a lock could not be had (then
 * nothing is left allocated). Each lock starts taken, so that taking it again sleeps. */
LERNMI_TEAM_INLINE int lernmi_team_init(lernmi_team *team, long threads)
{
    long t;
    team->locks = NULL;
    team->sleeping = NULL;
    team->turns = NULL;
    team->threads = 0;
    if (threads < 1)
        return -1;
    team->threads = threads;
    team->arrived = 0;
    team->round = 0;
    team->sleeping = (long *)calloc((size_t)threads, sizeof(long));
    team->locks = (PyThread_type_lock *)calloc((size_t)threads, sizeof(PyThread_type_lock));
    if (team->sleeping == NULL || team->locks == NULL) {
        lernmi_team_free(team);
        return -1;
    }
    for (t = 0; t < threads; t++) {
        team->locks[t] = PyThread_allocate_lock();
        if (team->locks[t] == NULL) {
            lernmi_team_free(team);
            return -1;
        }
        PyThread_acquire_lock(team->locks[t], WAIT_LOCK);
    }
    return 0;
}

/* How a thread sleeps and is woken, at the barrier and awaiting its turn alike. Having
 * spun long enough, thread t stores in its word what it waits for (a round's token, or a
 * chunk's -(c + 1)), and only then looks once more at whether that has come: the caller
 * does both, and passes what it saw as `come`. If it has come and thread t can take its
 * word back, it goes on; if a waker took the word first, the waker gives thread t's lock
 * back (or will), and thread t takes it, so that its next wait finds it taken again. The
 * word is stored before `come` is looked at, and a waker makes what thread t waits for
 * come before it reads the word, so one of the two always sees the other. */
LERNMI_TEAM_INLINE void lernmi_team_sleep(lernmi_team *team, long t, long word, int come)
{
    if (come && lernmi_cas(&team->sleeping[t], word, 0))
        return;
    PyThread_acquire_lock(team->locks[t], WAIT_LOCK);
}

/* Wake thread u if its word says it sleeps waiting for `word`. The word is read before it
 * is taken: a read leaves the words' cache line where it is, shared by every thread, as
 * long as none sleeps, where a compare-and-swap would pull it to this core each time.
 * (With MSVC, lernmi_load is itself a compare-and-swap: the same order, without that
 * saving.) */
LERNMI_TEAM_INLINE void lernmi_team_wake(lernmi_team *team, long u, long word)
{
    if (lernmi_load(&team->sleeping[u]) == word && lernmi_cas(&team->sleeping[u], word, 0))
        PyThread_release_lock(team->locks[u]);
}

/* Thread t (0 to threads - 1) waits here until every thread of the team has arrived.
 *
 * The last to arrive starts the next round, then wakes every other thread that sleeps in
 * the round just over, or is about to (lernmi_team_sleep). The words name the round so
 * that a waker still busy waking a round's sleepers never wakes a thread that has already
 * gone on to sleep in the next one. */
LERNMI_TEAM_INLINE void lernmi_team_wait(lernmi_team *team, long t)
{
    long round = lernmi_load(&team->round);
    long spin, u;
    if (lernmi_add(&team->arrived, 1) == team->threads) {
        lernmi_store(&team->arrived, 0);
        lernmi_store(&team->round, (long)((unsigned long)round + 1));
        for (u = 0; u < team->threads; u++)
            if (u != t)
                lernmi_team_wake(team, u, lernmi_token(round));
        return;
    }
    for (spin = 0; spin < LERNMI_SPINS; spin++) {
        if (lernmi_load(&team->round) != round)
            return;
        lernmi_pause();
    }
    lernmi_store(&team->sleeping[t], lernmi_token(round));
    lernmi_team_sleep(team, t, lernmi_token(round), lernmi_load(&team->round) != round);
}

/* Taking turns. Some work is shared by rows and done in turn, a chunk at a time: thread t
 * may work on chunk c once thread t - 1 has done its own part of it, and threads a step
 * apart in the same pass work on different chunks at once (learning_loops.learn_samples
 * sends back so: every sum then takes the rows in order, as one thread takes them). Each
 * chunk counts the parts done of it over every pass; in pass g thread t waits for it to
 * reach g * threads + t. A pass ends at a barrier, so no thread is two passes ahead, and
 * thread 0 never waits: the last thread's part of a chunk wakes no one. While a thread
 * waits, the count is at most t short of what it awaits (lernmi_turn_come).
 *
 * A waiter spins as at the barrier, then sleeps on its lock (lernmi_team_sleep); its word
 * then holds -(c + 1), which no barrier's waker takes for its round (a positive number). */

/* Room for `chunks` counters, all 0 (any from before given back): 0, or -1 if there was no
 * room (then there are none). */
LERNMI_TEAM_INLINE int lernmi_team_turns(lernmi_team *team, long chunks)
{
    free(team->turns);
    team->turns = (long *)calloc((size_t)(chunks * LERNMI_TURN_STRIDE), sizeof(long));
    return team->turns == NULL ? -1 : 0;
}

/* Whether a chunk's count `done` has reached `due`, both taken modulo 2^bits of a long: the
 * count is never more than a pass (threads) behind, nor ahead. */
#define lernmi_turn_come(done, due) ((long)((unsigned long)(done) - (unsigned long)(due)) >= 0)

/* Thread t waits until chunk c's parts done reach `due`. */
LERNMI_TEAM_INLINE void lernmi_team_await(lernmi_team *team, long t, long c, long due)
{
    long *done = &team->turns[c * LERNMI_TURN_STRIDE];
    long spin;
    for (spin = 0; spin < LERNMI_SPINS; spin++) {
        if (lernmi_turn_come(lernmi_load(done), due))
            return;
        lernmi_pause();
    }
    lernmi_store(&team->sleeping[t], -(c + 1));
    lernmi_team_sleep(team, t, -(c + 1), lernmi_turn_come(lernmi_load(done), due));
}

/* Thread t has done its part of chunk c: the next thread, if it sleeps waiting for that,
 * is woken (the count added to before its word is read). */
LERNMI_TEAM_INLINE void lernmi_team_pass(lernmi_team *team, long t, long c)
{
    lernmi_add(&team->turns[c * LERNMI_TURN_STRIDE], 1);
    if (t + 1 < team->threads)
        lernmi_team_wake(team, t + 1, -(c + 1));
}

#endif
