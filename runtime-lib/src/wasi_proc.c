/*
 * wasi_proc.c — WASI preview1: what a process sees of its host: arguments, environment, clocks, random bytes,
 * scheduling and exit.
 */
#include "wasi_impl.h"
#include "wasi_os.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* ---- args, environ ---- */

static int32_t sizes_get(w2n_instance *ctx, int count, uint64_t bytes, int32_t count_ptr, int32_t size_ptr) {
  uint8_t *c = w2n__guest(ctx, (uint32_t)count_ptr, 4), *s = w2n__guest(ctx, (uint32_t)size_ptr, 4);
  if (!c || !s) return WASI_EFAULT;
  if (bytes > UINT32_MAX) return WASI_EOVERFLOW;
  w2n__st32(c, (uint32_t)count);
  w2n__st32(s, (uint32_t)bytes);
  return 0;
}

static int32_t strings_get(w2n_instance *ctx, int count, char **strings, uint64_t bytes, int32_t ptrs,
                           int32_t buf) {
  uint8_t *p = w2n__guest(ctx, (uint32_t)ptrs, (uint64_t)count * 4);
  uint8_t *b = w2n__guest(ctx, (uint32_t)buf, bytes);
  if (!p || !b) return WASI_EFAULT;
  uint32_t off = 0;
  for (int i = 0; i < count; i++) {
    size_t len = strlen(strings[i]) + 1;
    w2n__st32(p + 4 * (size_t)i, (uint32_t)buf + off);
    memcpy(b + off, strings[i], len);
    off += (uint32_t)len;
  }
  return 0;
}

int32_t w2n__wasi_args_sizes_get(w2n_instance *ctx, int32_t argc, int32_t size) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  return sizes_get(ctx, w->argc, w->argv_bytes, argc, size);
}
int32_t w2n__wasi_args_get(w2n_instance *ctx, int32_t argv, int32_t buf) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  return strings_get(ctx, w->argc, w->argv, w->argv_bytes, argv, buf);
}
int32_t w2n__wasi_environ_sizes_get(w2n_instance *ctx, int32_t count, int32_t size) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  return sizes_get(ctx, w->envc, w->env_bytes, count, size);
}
int32_t w2n__wasi_environ_get(w2n_instance *ctx, int32_t env, int32_t buf) {
  w2n__poll_interrupt(ctx);
  WASI_STATE(w);
  return strings_get(ctx, w->envc, w->env, w->env_bytes, env, buf);
}

/* ---- clocks, random, scheduling, process ---- */

int w2n__wasi_clock_of(int32_t id, clockid_t *out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return 0;
  case 1: *out = CLOCK_MONOTONIC; return 0;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 0;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 0;
  default: return WASI_EINVAL;
  }
}

int32_t w2n__wasi_clock_res_get(w2n_instance *ctx, int32_t id, int32_t res) {
  w2n__poll_interrupt(ctx);
  clockid_t c;
  struct timespec ts;
  if (w2n__wasi_clock_of(id, &c)) return WASI_EINVAL;
  uint8_t *p = w2n__guest(ctx, (uint32_t)res, 8);
  if (!p) return WASI_EFAULT;
  if (clock_getres(c, &ts) != 0) return w2n__wasi_errno(errno);
  w2n__st64(p, ts_ns(ts));
  return 0;
}

int32_t w2n__wasi_clock_time_get(w2n_instance *ctx, int32_t id, int64_t precision, int32_t time) {
  w2n__poll_interrupt(ctx);
  (void)precision;
  clockid_t c;
  struct timespec ts;
  if (w2n__wasi_clock_of(id, &c)) return WASI_EINVAL;
  uint8_t *p = w2n__guest(ctx, (uint32_t)time, 8);
  if (!p) return WASI_EFAULT;
  if (clock_gettime(c, &ts) != 0) return w2n__wasi_errno(errno);
  w2n__st64(p, ts_ns(ts));
  return 0;
}

int32_t w2n__wasi_random_get(w2n_instance *ctx, int32_t buf, int32_t len) {
  w2n__poll_interrupt(ctx);
  uint8_t *p = w2n__guest(ctx, (uint32_t)buf, (uint32_t)len);
  if (!p) return WASI_EFAULT;
  size_t done = 0, n = (uint32_t)len;
  while (done < n) {
    ssize_t r = os_getrandom(p + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return w2n__wasi_errno(errno);
    }
    done += (size_t)r;
  }
  return 0;
}

int32_t w2n__wasi_sched_yield(w2n_instance *ctx) {
  w2n__poll_interrupt(ctx);
  (void)ctx;
  sched_yield();
  return 0;
}

void w2n__wasi_proc_exit(w2n_instance *ctx, int32_t code) {
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(ctx)->store);
  s->exited = 1;
  s->exit_code = code;
  w2n__exit_unwind(code);
}

int32_t w2n__wasi_proc_raise(w2n_instance *ctx, int32_t sig) {
  w2n__poll_interrupt(ctx);
  (void)ctx;
  (void)sig;
  return WASI_ENOTSUP;
}
