/*
 * wasi.c — WASI preview1 (wasi_snapshot_preview1): configuration, the per-store state and fd table,
 * errno and type conversions, and the import resolver. The functions themselves: wasi_proc.c
 * (arguments, environment, clocks, random, exit), wasi_fd.c (open descriptors), wasi_fs.c (paths),
 * wasi_poll.c (poll_oneoff), wasi_sock.c (sockets); host differences in wasi_os.h.
 *
 * Capability model: fds 0-2 are stdio (the process's when inherit_stdio, else /dev/null); the
 * configured directories are preopened as fds 3, 4, ... with all rights, minus the modifying ones
 * when read-only. An fd opened beneath a directory gets the rights it asked for intersected with the
 * directory's inheriting rights. A missing right gives ENOTCAPABLE.
 *
 * Nothing here is async-signal-safe; host functions run on the Wasm thread like any callee.
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

/* ---- errno and types ---- */

int w2n__wasi_errno(int e) {
  switch (e) {
  case 0: return WASI_ESUCCESS;
  case E2BIG: return WASI_E2BIG;
  case EACCES: return WASI_EACCES;
  case EADDRINUSE: return WASI_EADDRINUSE;
  case EADDRNOTAVAIL: return WASI_EADDRNOTAVAIL;
  case EAFNOSUPPORT: return WASI_EAFNOSUPPORT;
  case EAGAIN: return WASI_EAGAIN;
  case EALREADY: return WASI_EALREADY;
  case EBADF: return WASI_EBADF;
  case EBADMSG: return WASI_EBADMSG;
  case EBUSY: return WASI_EBUSY;
  case ECANCELED: return WASI_ECANCELED;
  case ECHILD: return WASI_ECHILD;
  case ECONNABORTED: return WASI_ECONNABORTED;
  case ECONNREFUSED: return WASI_ECONNREFUSED;
  case ECONNRESET: return WASI_ECONNRESET;
  case EDEADLK: return WASI_EDEADLK;
  case EDESTADDRREQ: return WASI_EDESTADDRREQ;
  case EDOM: return WASI_EDOM;
  case EDQUOT: return WASI_EDQUOT;
  case EEXIST: return WASI_EEXIST;
  case EFAULT: return WASI_EFAULT;
  case EFBIG: return WASI_EFBIG;
  case EHOSTUNREACH: return WASI_EHOSTUNREACH;
  case EIDRM: return WASI_EIDRM;
  case EILSEQ: return WASI_EILSEQ;
  case EINPROGRESS: return WASI_EINPROGRESS;
  case EINTR: return WASI_EINTR;
  case EINVAL: return WASI_EINVAL;
  case EIO: return WASI_EIO;
  case EISCONN: return WASI_EISCONN;
  case EISDIR: return WASI_EISDIR;
  case ELOOP: return WASI_ELOOP;
  case EMFILE: return WASI_EMFILE;
  case EMLINK: return WASI_EMLINK;
  case EMSGSIZE: return WASI_EMSGSIZE;
  case EMULTIHOP: return WASI_EMULTIHOP;
  case ENAMETOOLONG: return WASI_ENAMETOOLONG;
  case ENETDOWN: return WASI_ENETDOWN;
  case ENETRESET: return WASI_ENETRESET;
  case ENETUNREACH: return WASI_ENETUNREACH;
  case ENFILE: return WASI_ENFILE;
  case ENOBUFS: return WASI_ENOBUFS;
  case ENODEV: return WASI_ENODEV;
  case ENOENT: return WASI_ENOENT;
  case ENOEXEC: return WASI_ENOEXEC;
  case ENOLCK: return WASI_ENOLCK;
  case ENOLINK: return WASI_ENOLINK;
  case ENOMEM: return WASI_ENOMEM;
  case ENOMSG: return WASI_ENOMSG;
  case ENOPROTOOPT: return WASI_ENOPROTOOPT;
  case ENOSPC: return WASI_ENOSPC;
  case ENOSYS: return WASI_ENOSYS;
  case ENOTCONN: return WASI_ENOTCONN;
  case ENOTDIR: return WASI_ENOTDIR;
  case ENOTEMPTY: return WASI_ENOTEMPTY;
  case ENOTRECOVERABLE: return WASI_ENOTRECOVERABLE;
  case ENOTSOCK: return WASI_ENOTSOCK;
  case ENOTSUP: return WASI_ENOTSUP;
  case ENOTTY: return WASI_ENOTTY;
  case ENXIO: return WASI_ENXIO;
  case EOVERFLOW: return WASI_EOVERFLOW;
  case EOWNERDEAD: return WASI_EOWNERDEAD;
  case EPERM: return WASI_EPERM;
  case EPIPE: return WASI_EPIPE;
  case EPROTO: return WASI_EPROTO;
  case EPROTONOSUPPORT: return WASI_EPROTONOSUPPORT;
  case EPROTOTYPE: return WASI_EPROTOTYPE;
  case ERANGE: return WASI_ERANGE;
  case EROFS: return WASI_EROFS;
  case ESPIPE: return WASI_ESPIPE;
  case ESRCH: return WASI_ESRCH;
  case ESTALE: return WASI_ESTALE;
  case ETIMEDOUT: return WASI_ETIMEDOUT;
  case ETXTBSY: return WASI_ETXTBSY;
  case EXDEV: return WASI_EXDEV;
  default: return WASI_EIO;
  }
}

uint8_t w2n__wasi_filetype(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFBLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case S_IFCHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case S_IFDIR: return WASI_FILETYPE_DIRECTORY;
  case S_IFREG: return WASI_FILETYPE_REGULAR_FILE;
  case S_IFSOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case S_IFLNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  default: return WASI_FILETYPE_UNKNOWN;
  }
}


void w2n__wasi_put_filestat(uint8_t *dst, const struct stat *st) {
  memset(dst, 0, WASI_FILESTAT_SIZE);
  w2n__st64(dst + 0, (uint64_t)st->st_dev);
  w2n__st64(dst + 8, (uint64_t)st->st_ino);
  dst[16] = w2n__wasi_filetype(st->st_mode);
  w2n__st64(dst + 24, (uint64_t)st->st_nlink);
  w2n__st64(dst + 32, (uint64_t)st->st_size);
  w2n__st64(dst + 40, ts_ns(st->ST_ATIM));
  w2n__st64(dst + 48, ts_ns(st->ST_MTIM));
  w2n__st64(dst + 56, ts_ns(st->ST_CTIM));
}

int w2n__wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec ts[2]) {
  if (flags & ~(WASI_FST_ATIM | WASI_FST_ATIM_NOW | WASI_FST_MTIM | WASI_FST_MTIM_NOW)) return WASI_EINVAL;
  if ((flags & WASI_FST_ATIM) && (flags & WASI_FST_ATIM_NOW)) return WASI_EINVAL;
  if ((flags & WASI_FST_MTIM) && (flags & WASI_FST_MTIM_NOW)) return WASI_EINVAL;
  ts[0].tv_sec = ts[1].tv_sec = 0;
  ts[0].tv_nsec = flags & WASI_FST_ATIM_NOW ? UTIME_NOW : UTIME_OMIT;
  ts[1].tv_nsec = flags & WASI_FST_MTIM_NOW ? UTIME_NOW : UTIME_OMIT;
  if (flags & WASI_FST_ATIM) {
    ts[0].tv_sec = (time_t)(atim / 1000000000ull);
    ts[0].tv_nsec = (long)(atim % 1000000000ull);
  }
  if (flags & WASI_FST_MTIM) {
    ts[1].tv_sec = (time_t)(mtim / 1000000000ull);
    ts[1].tv_nsec = (long)(mtim % 1000000000ull);
  }
  return 0;
}

/* ---- State and fd table ---- */

#define R_FILE R_FILE_BASE
#define R_SOCKET                                                                                                   \
  (R_FD_READ | R_FD_WRITE | R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET | R_POLL_FD_READWRITE | R_SOCK_SHUTDOWN |     \
   R_SOCK_ACCEPT)

/* Rights and type of a host descriptor that is not a preopen (stdio, accepted sockets). */
void w2n__wasi_classify(int host, uint8_t *type, uint64_t *rights) {
  struct stat st;
  *type = WASI_FILETYPE_UNKNOWN;
  *rights = R_FILE;
  if (fstat(host, &st) != 0) return;
  *type = w2n__wasi_filetype(st.st_mode);
  if (S_ISSOCK(st.st_mode)) {
    int so_type = 0;
    socklen_t len = sizeof so_type;
    if (getsockopt(host, SOL_SOCKET, SO_TYPE, &so_type, &len) == 0 && so_type == SOCK_DGRAM)
      *type = WASI_FILETYPE_SOCKET_DGRAM;
    *rights = R_SOCKET;
  } else if (isatty(host)) {
    /* wasi-libc's isatty(): a character device without the seek and tell rights */
    *rights = R_FILE & ~(R_FD_SEEK | R_FD_TELL);
  }
}

int32_t w2n__wasi_fd_install(struct w2n_wasi *w, int host, uint8_t type, uint64_t base, uint64_t inheriting) {
  uint32_t i = 0;
  while (i < w->nfds && w->fds[i].used) i++;
  if (i == w->nfds) {
    if (w->nfds >= MAX_FDS) return -WASI_EMFILE;
    uint32_t n = w->nfds ? w->nfds * 2 : 16;
    if (n > MAX_FDS) n = MAX_FDS;
    wasi_fd *fds = realloc(w->fds, n * sizeof *fds);
    if (!fds) return -WASI_ENOMEM;
    memset(fds + w->nfds, 0, (n - w->nfds) * sizeof *fds);
    w->fds = fds;
    w->nfds = n;
  }
  wasi_fd *f = &w->fds[i];
  memset(f, 0, sizeof *f);
  f->used = 1;
  f->host = host;
  f->owned = 1;
  f->type = type;
  f->base = base;
  f->inheriting = inheriting;
  return (int32_t)i;
}

void w2n__wasi_fd_release(wasi_fd *f) {
  if (!f->used) return;
  if (f->dir) closedir(f->dir);
  if (f->owned) close(f->host);
  free(f->preopen);
  memset(f, 0, sizeof *f);
}

int w2n__wasi_get_fd(struct w2n_wasi *w, int32_t fd, uint64_t rights, wasi_fd **out) {
  if (fd < 0 || (uint32_t)fd >= w->nfds || !w->fds[fd].used) return WASI_EBADF;
  wasi_fd *f = &w->fds[fd];
  if ((f->base & rights) != rights) return WASI_ENOTCAPABLE;
  *out = f;
  return 0;
}

void w2n__wasi_free(struct w2n_wasi *w) {
  if (!w) return;
  for (uint32_t i = 0; i < w->nfds; i++) w2n__wasi_fd_release(&w->fds[i]);
  free(w->fds);
  for (int i = 0; i < w->argc; i++) free(w->argv[i]);
  free(w->argv);
  for (int i = 0; i < w->envc; i++) free(w->env[i]);
  free(w->env);
  free(w);
}

static int copy_strings(int n, const char *const *src, char ***dst, uint64_t *bytes) {
  *dst = calloc(n > 0 ? (size_t)n : 1, sizeof(char *));
  if (!*dst) return -1;
  *bytes = 0;
  for (int i = 0; i < n; i++) {
    (*dst)[i] = strdup(src && src[i] ? src[i] : "");
    if (!(*dst)[i]) return -1;
    *bytes += strlen((*dst)[i]) + 1;
  }
  return 0;
}

static struct w2n_wasi *wasi_create(const w2n_wasi_config *config, w2n_error *err) {
  static const w2n_wasi_config defaults = {0, NULL, 0, NULL, 0, NULL, 1};
  if (!config) config = &defaults;
  struct w2n_wasi *w = calloc(1, sizeof *w);
  if (!w) goto oom;
  w->argc = config->argc > 0 ? config->argc : 0;
  w->envc = config->envc > 0 ? config->envc : 0;
  if (copy_strings(w->argc, config->argv, &w->argv, &w->argv_bytes) != 0) goto oom;
  if (copy_strings(w->envc, config->env, &w->env, &w->env_bytes) != 0) goto oom;
  for (int i = 0; i < 3; i++) {
    int host = i;
    if (!config->inherit_stdio) {
      host = open("/dev/null", O_RDWR | O_CLOEXEC);
      if (host < 0) {
        w2n__error_set(err, W2N_TRAP_NONE, "cannot open /dev/null: %s", strerror(errno));
        w2n__wasi_free(w);
        return NULL;
      }
    }
    uint8_t type;
    uint64_t rights;
    w2n__wasi_classify(host, &type, &rights);
    int32_t fd = w2n__wasi_fd_install(w, host, type, rights, 0);
    if (fd < 0) goto oom;
    w->fds[fd].owned = !config->inherit_stdio;
  }
  for (int i = 0; i < config->num_dirs; i++) {
    const w2n_wasi_dir *d = &config->dirs[i];
    int host = open(d->host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0) {
      w2n__error_set(err, W2N_TRAP_NONE, "cannot open directory %s: %s", d->host_path, strerror(errno));
      w2n__wasi_free(w);
      return NULL;
    }
    uint64_t keep = d->read_only ? ~R_MODIFYING : ~0ull;
    int32_t fd = w2n__wasi_fd_install(w, host, WASI_FILETYPE_DIRECTORY, R_DIR_BASE & keep, R_DIR_INHERITING & keep);
    if (fd < 0) {
      close(host);
      goto oom;
    }
    w->fds[fd].preopen = strdup(d->guest_path ? d->guest_path : d->host_path);
    if (!w->fds[fd].preopen) goto oom;
  }
  return w;
oom:
  w2n__wasi_free(w);
  w2n__error_set(err, W2N_TRAP_NONE, "out of memory configuring WASI");
  return NULL;
}

int w2n_wasi_configure(w2n_store *store, const w2n_wasi_config *config, w2n_error *err) {
  if (!store) {
    w2n__error_set(err, W2N_TRAP_NONE, "w2n_wasi_configure: null store");
    return -1;
  }
  struct w2n_wasi *w = wasi_create(config, err);
  if (!w) return -1;
  w2n_store_impl *s = w2n__store_impl(store);
  w2n__wasi_free(s->wasi);
  s->wasi = w;
  return 0;
}

struct w2n_wasi *w2n__wasi_state(w2n_instance *ctx) {
  w2n_store_impl *s = w2n__store_impl(w2n__hdr(ctx)->store);
  if (!s->wasi) s->wasi = wasi_create(NULL, NULL);
  return s->wasi;
}

int w2n_wasi_exit_code(w2n_store *store, int *code) {
  w2n_store_impl *s = w2n__store_impl(store);
  if (!s->exited) return 0;
  if (code) *code = s->exit_code;
  return 1;
}


/* ---- The resolver ---- */

typedef struct wasi_import {
  const char *name;
  const char *sig; /* canonical signature: must match what the compiler emits for the import's type */
  void *code;
} wasi_import;

#define FN(f) ((void *)(f))
static const wasi_import wasi_imports[] = {
    {"args_get", "ii:i", FN(w2n__wasi_args_get)},
    {"args_sizes_get", "ii:i", FN(w2n__wasi_args_sizes_get)},
    {"environ_get", "ii:i", FN(w2n__wasi_environ_get)},
    {"environ_sizes_get", "ii:i", FN(w2n__wasi_environ_sizes_get)},
    {"clock_res_get", "ii:i", FN(w2n__wasi_clock_res_get)},
    {"clock_time_get", "iIi:i", FN(w2n__wasi_clock_time_get)},
    {"fd_advise", "iIIi:i", FN(w2n__wasi_fd_advise)},
    {"fd_allocate", "iII:i", FN(w2n__wasi_fd_allocate)},
    {"fd_close", "i:i", FN(w2n__wasi_fd_close)},
    {"fd_datasync", "i:i", FN(w2n__wasi_fd_datasync)},
    {"fd_fdstat_get", "ii:i", FN(w2n__wasi_fd_fdstat_get)},
    {"fd_fdstat_set_flags", "ii:i", FN(w2n__wasi_fd_fdstat_set_flags)},
    {"fd_fdstat_set_rights", "iII:i", FN(w2n__wasi_fd_fdstat_set_rights)},
    {"fd_filestat_get", "ii:i", FN(w2n__wasi_fd_filestat_get)},
    {"fd_filestat_set_size", "iI:i", FN(w2n__wasi_fd_filestat_set_size)},
    {"fd_filestat_set_times", "iIIi:i", FN(w2n__wasi_fd_filestat_set_times)},
    {"fd_pread", "iiiIi:i", FN(w2n__wasi_fd_pread)},
    {"fd_prestat_get", "ii:i", FN(w2n__wasi_fd_prestat_get)},
    {"fd_prestat_dir_name", "iii:i", FN(w2n__wasi_fd_prestat_dir_name)},
    {"fd_pwrite", "iiiIi:i", FN(w2n__wasi_fd_pwrite)},
    {"fd_read", "iiii:i", FN(w2n__wasi_fd_read)},
    {"fd_readdir", "iiiIi:i", FN(w2n__wasi_fd_readdir)},
    {"fd_renumber", "ii:i", FN(w2n__wasi_fd_renumber)},
    {"fd_seek", "iIii:i", FN(w2n__wasi_fd_seek)},
    {"fd_sync", "i:i", FN(w2n__wasi_fd_sync)},
    {"fd_tell", "ii:i", FN(w2n__wasi_fd_tell)},
    {"fd_write", "iiii:i", FN(w2n__wasi_fd_write)},
    {"path_create_directory", "iii:i", FN(w2n__wasi_path_create_directory)},
    {"path_filestat_get", "iiiii:i", FN(w2n__wasi_path_filestat_get)},
    {"path_filestat_set_times", "iiiiIIi:i", FN(w2n__wasi_path_filestat_set_times)},
    {"path_link", "iiiiiii:i", FN(w2n__wasi_path_link)},
    {"path_open", "iiiiiIIii:i", FN(w2n__wasi_path_open)},
    {"path_readlink", "iiiiii:i", FN(w2n__wasi_path_readlink)},
    {"path_remove_directory", "iii:i", FN(w2n__wasi_path_remove_directory)},
    {"path_rename", "iiiiii:i", FN(w2n__wasi_path_rename)},
    {"path_symlink", "iiiii:i", FN(w2n__wasi_path_symlink)},
    {"path_unlink_file", "iii:i", FN(w2n__wasi_path_unlink_file)},
    {"poll_oneoff", "iiii:i", FN(w2n__wasi_poll_oneoff)},
    {"proc_exit", "i:", FN(w2n__wasi_proc_exit)},
    {"proc_raise", "i:i", FN(w2n__wasi_proc_raise)},
    {"sched_yield", ":i", FN(w2n__wasi_sched_yield)},
    {"random_get", "ii:i", FN(w2n__wasi_random_get)},
    {"sock_accept", "iii:i", FN(w2n__wasi_sock_accept)},
    {"sock_recv", "iiiiii:i", FN(w2n__wasi_sock_recv)},
    {"sock_send", "iiiii:i", FN(w2n__wasi_sock_send)},
    {"sock_shutdown", "ii:i", FN(w2n__wasi_sock_shutdown)},
};
#undef FN

int w2n_wasi_resolve(void *user, w2n_instance *importer, const w2n_import_desc *imp, w2n_extern *out) {
  (void)user;
  if (!imp || !imp->module || !imp->name || strcmp(imp->module, "wasi_snapshot_preview1") != 0) return -1;
  if (imp->kind != W2N_EXTERN_FUNC) return -1;
  const wasi_import *found = NULL;
  for (size_t i = 0; i < sizeof wasi_imports / sizeof wasi_imports[0]; i++) {
    if (strcmp(wasi_imports[i].name, imp->name) == 0) {
      found = &wasi_imports[i];
      break;
    }
  }
  if (!found || !w2n__hdr(importer)->runtime_data) return -1;
  w2n_func *f = w2n__instance_alloc(importer, sizeof *f);
  if (!f) return -1;
  const w2n_module *m = w2n__mod(importer);
  f->code = found->code;
  f->ctx = importer;
  f->type_id = w2n_intern_signature(found->sig);
  f->func_index = UINT32_MAX;
  /* The importer's own trampoline for the import's type has exactly this ABI when the types match
   * (instantiation rejects the import otherwise). */
  f->array_call = m->type_array_calls && imp->type < m->num_types ? m->type_array_calls[imp->type] : NULL;
  memset(out, 0, sizeof *out);
  out->kind = W2N_EXTERN_FUNC;
  out->of.func = f;
  return 0;
}
