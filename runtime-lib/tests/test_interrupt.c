/* test_interrupt.c — the store's interruption and fuel API (interrupt.c) without generated code: what
 * w2n_store_interrupt writes, the deadline timer (arm, replace, disarm, free while armed) and fuel
 * clamping. Calls interrupted in generated code are tested end to end by compiler/tests/guest_control.rs. */
#include "harness.h"
#include "internal.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static uint64_t pending(w2n_store *s) { return __atomic_load_n(&s->interrupt, __ATOMIC_SEQ_CST); }

int main(void) {
  w2n_store *s = w2n_store_new();
  CHECK(s != NULL, "store");
  CHECK(pending(s) == 0 && w2n_store_get_fuel(s) == (uint64_t)W2N_FUEL_UNLIMITED, "a new store: no interrupt, unlimited fuel");

  w2n_store_interrupt(s);
  CHECK(pending(s) == 1, "w2n_store_interrupt sets the interrupt word");
  CHECK(s->stack_limit == UINTPTR_MAX, "... and the stack limit, so that every function entry fails its check");
  w2n_store_clear_interrupt(s);
  CHECK(pending(s) == 0, "w2n_store_clear_interrupt drops the request");

  CHECK(w2n_store_set_deadline(s, 20u * 1000000u) == 0, "deadline in 20 ms");
  CHECK(pending(s) == 0, "not before it passes");
  sleep_ms(200);
  CHECK(pending(s) == 1, "the timer interrupts once it passed");
  w2n_store_clear_interrupt(s);

  CHECK(w2n_store_set_deadline(s, 10u * 1000000000u) == 0, "a deadline 10 s away");
  CHECK(w2n_store_set_deadline(s, 20u * 1000000u) == 0, "replaced by one 20 ms away");
  sleep_ms(200);
  CHECK(pending(s) == 1, "the new deadline counts");
  w2n_store_clear_interrupt(s);

  CHECK(w2n_store_set_deadline(s, 50u * 1000000u) == 0 && w2n_store_set_deadline(s, 0) == 0, "armed, then disarmed");
  sleep_ms(150);
  CHECK(pending(s) == 0, "a disarmed deadline does nothing");

  w2n_store_set_fuel(s, 1234);
  CHECK(w2n_store_get_fuel(s) == 1234 && s->fuel == 1234, "fuel set and read");
  w2n_store_set_fuel(s, UINT64_MAX);
  CHECK(w2n_store_get_fuel(s) == (uint64_t)W2N_FUEL_UNLIMITED, "more than unlimited is unlimited");
  w2n_store_set_fuel(s, 0);
  CHECK(w2n_store_get_fuel(s) == 0, "no fuel");

  CHECK(w2n_store_set_deadline(s, 10u * 1000000000u) == 0, "armed 10 s away");
  w2n_store_free(s); /* must stop and join the timer thread at once */
  CHECK(1, "w2n_store_free with an armed deadline returns");

  /* The interrupt signal: installed by w2n_runtime_init; outside Wasm it does nothing, even with a
   * request pending (a thread that just left its last activation may still receive one). */
  CHECK(w2n_runtime_init() == 0, "w2n_runtime_init");
  struct sigaction cur;
  CHECK(sigaction(w2n__kick_signal(), NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction != NULL &&
            w2n__async_interrupts == 1,
        "the interrupt signal has the runtime's handler");
  CHECK((cur.sa_flags & SA_RESTART) && (cur.sa_flags & SA_ONSTACK), "SA_RESTART | SA_ONSTACK");
  w2n_store *outside = w2n_store_new();
  w2n_store_interrupt(outside);
  for (int i = 0; i < 100; i++) raise(w2n__kick_signal());
  CHECK(1, "the interrupt signal outside Wasm, request pending: ignored");
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, NULL, &mask);
  CHECK(!sigismember(&mask, w2n__kick_signal()), "... and not left blocked");
  w2n_store_free(outside);

  w2n_store *idle = w2n_store_new();
  CHECK(w2n_store_set_deadline(idle, 0) == 0, "disarming a store that never had a deadline starts no thread");
  w2n_store_free(idle);
  return t_done();
}
