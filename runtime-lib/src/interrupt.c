/*
 * interrupt.c — stopping a running guest from outside: w2n_store_interrupt, the per-store deadline
 * timer, and the store's fuel (see w2n_runtime.h, "Running code you do not trust").
 *
 * How an interrupt reaches generated code: w2n_store_interrupt sets the store's `interrupt` word and
 * its stack limit to UINTPTR_MAX. Every function prologue compares the stack pointer with that limit
 * (translate/mod.rs `stack_check`), so the next entry fails and calls w2n_trap(STACK_EXHAUSTED), which
 * reports W2N_TRAP_INTERRUPT while the word is set (trap.c). Code compiled with --interruptible also
 * reads the word at every loop header. trap.c's enter/leave keep the limit at UINTPTR_MAX while the
 * word is set (they write the limit, then re-read the word: with sequentially consistent accesses on
 * both sides, one of the two writes UINTPTR_MAX last), and the outermost activation that ends with a
 * trap clears the word.
 *
 * The deadline: one thread per store that asked for one, sleeping on a condition variable until the
 * deadline (or a new one, or the store's end), then calling w2n_store_interrupt. It blocks every
 * signal, so the process's signal handling is unchanged.
 */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

struct w2n_deadline {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  pthread_t thread;
  int armed;            /* `when` is a deadline to act on */
  int stop;             /* the store is being freed */
  struct timespec when; /* on os_clock */
};

/* The clock deadlines are measured on, and a condition variable that waits on it: the monotonic
 * clock where condition variables can use it, else the real-time clock (macOS). */
#ifdef __APPLE__
#define OS_CLOCK CLOCK_REALTIME
static int os_cond_init(pthread_cond_t *c) { return pthread_cond_init(c, NULL); }
#else
#define OS_CLOCK CLOCK_MONOTONIC
static int os_cond_init(pthread_cond_t *c) {
  pthread_condattr_t attr;
  int rc = pthread_condattr_init(&attr);
  if (rc != 0) return rc;
  rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  if (rc == 0) rc = pthread_cond_init(c, &attr);
  pthread_condattr_destroy(&attr);
  return rc;
}
#endif

static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER; /* lazy creation of a store's timer */

void w2n_store_interrupt(w2n_store *store) {
  if (!store) return;
  __atomic_store_n(&store->interrupt, 1, __ATOMIC_SEQ_CST);
  /* Harmless when no Wasm runs: the next outermost entry recomputes the limit (trap.c enter). */
  __atomic_store_n(&store->stack_limit, UINTPTR_MAX, __ATOMIC_SEQ_CST);
}

void w2n_store_clear_interrupt(w2n_store *store) {
  if (store) __atomic_store_n(&store->interrupt, 0, __ATOMIC_SEQ_CST);
}

static void *deadline_thread(void *p) {
  w2n_store_impl *s = p;
  struct w2n_deadline *d = s->deadline;
  pthread_mutex_lock(&d->lock);
  while (!d->stop) {
    if (!d->armed) {
      pthread_cond_wait(&d->cond, &d->lock);
      continue;
    }
    struct timespec now;
    clock_gettime(OS_CLOCK, &now);
    if (now.tv_sec > d->when.tv_sec || (now.tv_sec == d->when.tv_sec && now.tv_nsec >= d->when.tv_nsec)) {
      d->armed = 0;
      w2n_store_interrupt(&s->pub);
      continue;
    }
    pthread_cond_timedwait(&d->cond, &d->lock, &d->when);
  }
  pthread_mutex_unlock(&d->lock);
  return NULL;
}

/* The store's timer, started at first use. NULL with *rc set when it cannot be created. */
static struct w2n_deadline *deadline_of(w2n_store_impl *s, int *rc) {
  pthread_mutex_lock(&create_lock);
  struct w2n_deadline *d = s->deadline;
  if (d == NULL) {
    d = calloc(1, sizeof *d);
    *rc = d ? 0 : ENOMEM;
    if (d && (*rc = pthread_mutex_init(&d->lock, NULL)) != 0) {
      free(d);
      d = NULL;
    }
    if (d && (*rc = os_cond_init(&d->cond)) != 0) {
      pthread_mutex_destroy(&d->lock);
      free(d);
      d = NULL;
    }
    if (d) {
      s->deadline = d;
      sigset_t all, old;
      sigfillset(&all);
      pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread inherits the mask: no signal lands there */
      *rc = pthread_create(&d->thread, NULL, deadline_thread, s);
      pthread_sigmask(SIG_SETMASK, &old, NULL);
      if (*rc != 0) {
        s->deadline = NULL;
        pthread_cond_destroy(&d->cond);
        pthread_mutex_destroy(&d->lock);
        free(d);
        d = NULL;
      }
    }
  }
  pthread_mutex_unlock(&create_lock);
  return d;
}

int w2n_store_set_deadline(w2n_store *store, uint64_t ns) {
  if (!store) return EINVAL;
  w2n_store_impl *s = w2n__store_impl(store);
  if (ns == 0 && s->deadline == NULL) return 0;
  int rc = 0;
  struct w2n_deadline *d = deadline_of(s, &rc);
  if (!d) return rc;
  pthread_mutex_lock(&d->lock);
  if (ns == 0) {
    d->armed = 0;
  } else {
    struct timespec now;
    clock_gettime(OS_CLOCK, &now);
    uint64_t secs = ns / 1000000000u, nsec = (uint64_t)now.tv_nsec + ns % 1000000000u;
    if (nsec >= 1000000000u) {
      nsec -= 1000000000u;
      secs++;
    }
    /* Far deadlines saturate (about 292 years). */
    uint64_t max_secs = ((uint64_t)1 << 62) / 1000000000u;
    d->when.tv_sec = (time_t)((uint64_t)now.tv_sec + (secs < max_secs ? secs : max_secs));
    d->when.tv_nsec = (long)nsec;
    d->armed = 1;
  }
  pthread_cond_signal(&d->cond);
  pthread_mutex_unlock(&d->lock);
  return 0;
}

void w2n__deadline_free(w2n_store_impl *s) {
  struct w2n_deadline *d = s->deadline;
  if (!d) return;
  pthread_mutex_lock(&d->lock);
  d->stop = 1;
  pthread_cond_signal(&d->cond);
  pthread_mutex_unlock(&d->lock);
  pthread_join(d->thread, NULL);
  pthread_cond_destroy(&d->cond);
  pthread_mutex_destroy(&d->lock);
  free(d);
  s->deadline = NULL;
}

void w2n_store_set_fuel(w2n_store *store, uint64_t fuel) {
  if (store) store->fuel = fuel > (uint64_t)W2N_FUEL_UNLIMITED ? W2N_FUEL_UNLIMITED : (int64_t)fuel;
}

uint64_t w2n_store_get_fuel(const w2n_store *store) {
  return store && store->fuel > 0 ? (uint64_t)store->fuel : 0;
}

void w2n__bulk_poll(w2n_instance *ctx) {
  if (__atomic_load_n(&w2n__hdr(ctx)->store->interrupt, __ATOMIC_RELAXED)) w2n_trap(ctx, W2N_TRAP_INTERRUPT);
}
