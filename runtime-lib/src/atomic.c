/* memory.atomic.wait and notify (threads proposal).
 *
 * Waiters park on one process-wide condition variable, each with the (memory base + address) it
 * waits on; notify wakes up to `count` of them for that address. The value check and the parking
 * happen under the same lock as notify, so a notify between them cannot be lost. */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

typedef struct waiter {
  const void *addr;
  int woken;
  struct waiter *next;
} waiter;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static waiter *waiters;

static w2n_memory *checked_memory(w2n_instance *ctx, uint32_t mem, uint64_t addr, uint64_t size) {
  w2n_memory *m = w2n__memories(ctx)[mem];
  if (addr > m->size || size > m->size - addr) w2n_trap(ctx, W2N_TRAP_MEMORY_OOB);
  if (addr % size) w2n_trap(ctx, W2N_TRAP_UNALIGNED_ATOMIC);
  return m;
}

uint32_t w2n_atomic_wait(w2n_instance *ctx, uint32_t mem, uint64_t addr, uint64_t expected, int64_t timeout_ns,
                         uint32_t is64) {
  uint64_t size = is64 ? 8 : 4;
  w2n_memory *m = checked_memory(ctx, mem, addr, size);
  if (!(m->flags & W2N_MEM_SHARED)) w2n_trap(ctx, W2N_TRAP_EXPECTED_SHARED);
  const void *p = m->base + addr;
  struct timespec deadline;
  if (timeout_ns >= 0) {
    clock_gettime(CLOCK_REALTIME, &deadline);
    int64_t ns = deadline.tv_nsec + timeout_ns % 1000000000;
    deadline.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
    deadline.tv_nsec = (long)(ns % 1000000000);
  }
  pthread_mutex_lock(&lock);
  uint64_t now = is64 ? __atomic_load_n((const uint64_t *)p, __ATOMIC_SEQ_CST)
                      : __atomic_load_n((const uint32_t *)p, __ATOMIC_SEQ_CST);
  if (now != (is64 ? expected : (uint32_t)expected)) {
    pthread_mutex_unlock(&lock);
    return 1;
  }
  waiter self = {p, 0, waiters};
  waiters = &self;
  int rc = 0;
  while (!self.woken && rc != ETIMEDOUT)
    rc = timeout_ns >= 0 ? pthread_cond_timedwait(&cond, &lock, &deadline) : pthread_cond_wait(&cond, &lock);
  for (waiter **w = &waiters; *w; w = &(*w)->next)
    if (*w == &self) {
      *w = self.next;
      break;
    }
  pthread_mutex_unlock(&lock);
  return self.woken ? 0 : 2;
}

uint32_t w2n_atomic_notify(w2n_instance *ctx, uint32_t mem, uint64_t addr, uint32_t count) {
  w2n_memory *m = checked_memory(ctx, mem, addr, 4);
  const void *p = m->base + addr;
  uint32_t woken = 0;
  pthread_mutex_lock(&lock);
  for (waiter *w = waiters; w && woken < count; w = w->next)
    if (w->addr == p && !w->woken) {
      w->woken = 1;
      woken++;
    }
  if (woken) pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return woken;
}
