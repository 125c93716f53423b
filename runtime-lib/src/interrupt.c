/*
 * interrupt.c — stopping a running guest from outside: w2n_store_interrupt, the per-store deadline
 * timer, and the store's fuel (see w2n_runtime.h, "Running code you do not trust").
 *
 * How an interrupt reaches generated code: w2n_store_interrupt sets the store's `interrupt` word and
 * its stack limit to UINTPTR_MAX. Every function prologue compares the stack pointer with that limit
 * (translate/mod.rs `stack_check`), so the next entry fails and calls w2n_trap(STACK_EXHAUSTED), which
 * reports W2N_TRAP_INTERRUPT while the word is set (trap.c). trap.c's enter/leave keep the limit at UINTPTR_MAX while the
 * word is set (they write the limit, then re-read the word: with sequentially consistent accesses on
 * both sides, one of the two writes UINTPTR_MAX last), and the outermost activation that ends with a
 * trap clears the word.
 *
 * Loops have no entry: they are stopped asynchronously. The first activation of a store on a thread
 * (trap.c enter) is listed here as running, with its thread. w2n_store_interrupt wakes the kicker (a
 * runtime thread, started at the first entry into Wasm, writing one byte to a pipe: async-signal-safe),
 * which sends w2n__kick_signal() to every listed thread whose store has an interrupt pending, then
 * again every millisecond while any is pending. The handler (trap.c interrupt_handler) unwinds as a
 * trap only when the thread's current activation belongs to a store with a pending interrupt and the
 * interrupted PC is in registered generated code; anywhere else (the runtime, libc, a host function,
 * a WASI call) it returns, and the next entry check or the next signal stops the guest. The list's
 * lock makes pthread_kill safe: an activation is unlisted (under the lock) before its thread can end.
 *
 * The deadline: one thread per store that asked for one, sleeping on a condition variable until the
 * deadline (or a new one, or the store's end), then calling w2n_store_interrupt. It blocks every
 * signal, so the process's signal handling is unchanged.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* ---- The kicker ---- */

#define KICK_INTERVAL_MS 1

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static w2n_activation *run_head; /* listed activations, under run_lock */
static pthread_once_t kicker_once = PTHREAD_ONCE_INIT;
static int kick_read = -1, kick_write = -1; /* kick_write >= 0 once the kicker runs */

int w2n__kick_signal(void) {
#ifdef SIGRTMIN
  /* A real-time signal: never sent by the system, the kernel or libc for anything else. */
  return SIGRTMIN + 4;
#else
  /* No real-time signals (macOS): SIGURG, ignored by default and only sent for out-of-band socket
   * data to a process that asked for it (F_SETOWN); Go's runtime preempts goroutines with it too. */
  return SIGURG;
#endif
}

static void *kicker_thread(void *unused) {
  (void)unused;
  int sig = w2n__kick_signal(), active = 0;
  for (;;) {
    struct pollfd p = {kick_read, POLLIN, 0};
    int r = poll(&p, 1, active ? KICK_INTERVAL_MS : -1);
    if (r > 0) {
      char buf[64];
      while (read(kick_read, buf, sizeof buf) > 0) {
      }
    }
    active = 0;
    pthread_mutex_lock(&run_lock);
    for (w2n_activation *a = run_head; a != NULL; a = a->run_next) {
      if (__atomic_load_n(&a->store->interrupt, __ATOMIC_SEQ_CST)) {
        pthread_kill(a->thread, sig);
        active = 1;
      }
    }
    pthread_mutex_unlock(&run_lock);
  }
  return NULL;
}

static void kicker_start(void) {
  int fds[2];
  if (pipe(fds) != 0) return;
  for (int i = 0; i < 2; i++) {
    fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
  }
  kick_read = fds[0];
  pthread_attr_t attr;
  pthread_t thread;
  sigset_t all, old;
  sigfillset(&all);
  if (pthread_attr_init(&attr) != 0) goto fail;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread inherits the mask: no signal lands there */
  int rc = pthread_create(&thread, &attr, kicker_thread, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) goto fail;
  __atomic_store_n(&kick_write, fds[1], __ATOMIC_SEQ_CST);
  return;
fail:
  close(fds[0]);
  close(fds[1]);
  kick_read = -1;
}

void w2n__running_add(w2n_activation *a) {
  pthread_once(&kicker_once, kicker_start);
  pthread_mutex_lock(&run_lock);
  a->run_prev = NULL;
  a->run_next = run_head;
  if (run_head) run_head->run_prev = a;
  run_head = a;
  a->listed = 1;
  pthread_mutex_unlock(&run_lock);
}

void w2n__running_remove(w2n_activation *a) {
  pthread_mutex_lock(&run_lock);
  if (a->run_prev) a->run_prev->run_next = a->run_next;
  else run_head = a->run_next;
  if (a->run_next) a->run_next->run_prev = a->run_prev;
  a->listed = 0;
  pthread_mutex_unlock(&run_lock);
}

/* Wakes the kicker (async-signal-safe: write(2) on a non-blocking pipe; a full pipe is a pending wake). */
static void kick(void) {
  int fd = __atomic_load_n(&kick_write, __ATOMIC_SEQ_CST);
  if (fd < 0) return;
  int saved = errno;
  char c = 0;
  ssize_t r = write(fd, &c, 1);
  (void)r;
  errno = saved;
}

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
  kick();
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

void w2n__poll_interrupt(w2n_instance *ctx) {
  if (__atomic_load_n(&w2n__hdr(ctx)->store->interrupt, __ATOMIC_RELAXED)) w2n_trap(ctx, W2N_TRAP_INTERRUPT);
}
