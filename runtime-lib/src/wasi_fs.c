/*
 * wasi_fs.c — WASI path resolution beneath a directory fd, the path_* functions and fd_readdir.
 *
 * SECURITY: every guest path is resolved beneath the directory fd it is relative to and can never
 * name anything outside it. Absolute paths, ".." above the directory and symlinks leading out (absolute
 * targets or too many "..") fail with WASI_ESCAPE (EPERM, as wasmtime). Two implementations:
 *   - openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (Linux >= 5.6): the kernel enforces it;
 *   - when openat2 is missing (ENOSYS: kernels before 5.6, qemu-user; or refused by a seccomp filter,
 *     which the first call detects), or W2N_WASI_NO_OPENAT2 is set in the environment: `walk`, which
 *     opens one component at a time with O_PATH | O_NOFOLLOW | O_DIRECTORY, keeps the stack of
 *     directories it went through (so ".." pops to the descriptor it came from, never above the base,
 *     even when a directory is renamed meanwhile), and expands symlinks itself (relative targets only).
 * Operations that act on a directory entry (mkdir, unlink, rename, link, symlink, readlink, ...) resolve
 * the parent directory that way and then use the *at() call on the last component, which is never a
 * symlink that gets followed (except where the guest asked for it, and then `walk` expanded it).
 *
 * macOS has neither openat2 nor O_PATH: there `walk` is always used, its directory descriptors are
 * opened O_RDONLY | O_DIRECTORY (see O_DIR_ANCHOR), and path_filestat_get stats (parent, last
 * component) with fstatat(AT_SYMLINK_NOFOLLOW) instead of opening the object.
 */
#include "wasi_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif
#include <unistd.h>

int w2n__wasi_no_openat2;

#define MAX_SYMLINK_EXPANSIONS 40

/* Descriptors that only anchor *at() calls on a directory. Darwin has no O_PATH: there they are
 * opened for reading, which O_DIRECTORY confines to directories (the kernel refuses anything else
 * before opening it, so a FIFO or device is never opened); unlike O_PATH this needs read permission
 * on each directory passed through (EACCES otherwise). */
#ifdef __APPLE__
#define O_DIR_ANCHOR (O_RDONLY | O_DIRECTORY)
#else
#define O_DIR_ANCHOR (O_PATH | O_DIRECTORY)
#endif

/* WASI's rsync fdflag. Darwin has no O_RSYNC; on Linux it is O_SYNC. */
#ifdef __APPLE__
#define OS_O_RSYNC O_SYNC
#else
#define OS_O_RSYNC O_RSYNC
#endif

#if defined(__linux__)
#define HAVE_OPENAT2 1
#define SYS_OPENAT2 437 /* same number on x86-64, aarch64 and riscv64 */
#define RESOLVE_NO_MAGICLINKS_ 0x02
#define RESOLVE_BENEATH_ 0x08

struct open_how_ {
  uint64_t flags, mode, resolve;
};

static int openat2_missing; /* set once: openat2 is unusable here, or the environment opted out */
static pthread_once_t openat2_once = PTHREAD_ONCE_INIT;

/* Decides once whether to use openat2: W2N_WASI_NO_OPENAT2 (anything but "" or "0") opts out, and
 * a probe that must succeed (the current directory, beneath itself) tells whether the kernel has it.
 * A seccomp filter may refuse unknown system calls with EPERM rather than ENOSYS: any failure of the
 * probe means "missing", so such a filter does not make every path fail. */
static void openat2_probe(void) {
  const char *off = getenv("W2N_WASI_NO_OPENAT2");
  if (off && *off && strcmp(off, "0") != 0) {
    openat2_missing = 1;
    return;
  }
  struct open_how_ how = {(uint64_t)(O_PATH | O_CLOEXEC), 0, RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_};
  long r = syscall(SYS_OPENAT2, AT_FDCWD, ".", &how, sizeof how);
  if (r < 0) {
    openat2_missing = 1;
    return;
  }
  close((int)r);
}

/* openat2 beneath dirfd: an fd, or -(host errno); -ENOSYS when unavailable. */
static int openat2_beneath(int dirfd, const char *path, int flags, mode_t mode) {
  if (w2n__wasi_no_openat2) return -ENOSYS;
  pthread_once(&openat2_once, openat2_probe);
  if (openat2_missing) return -ENOSYS;
  struct open_how_ how;
  how.flags = (uint64_t)(unsigned)(flags | O_CLOEXEC);
  how.mode = flags & O_CREAT ? mode : 0;
  how.resolve = RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_;
  for (int tries = 0;; tries++) {
    long r = syscall(SYS_OPENAT2, dirfd, path, &how, sizeof how);
    if (r >= 0) return (int)r;
    int e = errno;
    if (e == EINTR || (e == EAGAIN && tries < 16)) continue; /* EAGAIN: a concurrent rename; retry */
    if (e == ENOSYS) openat2_missing = 1;
    return -e;
  }
}
#else
/* openat2 is Linux's: elsewhere every resolution takes the component walk below. */
#define HAVE_OPENAT2 0
static int openat2_beneath(int dirfd, const char *path, int flags, mode_t mode) {
  (void)dirfd;
  (void)path;
  (void)flags;
  (void)mode;
  return -ENOSYS;
}
#endif

/* ---- The component walk ---- */

typedef struct walk_result {
  int dirfd;   /* O_DIR_ANCHOR descriptor of the directory holding `name` (caller closes) */
  char *name;  /* last component ("." when the path names the directory itself); points into `buf` */
  char *buf;   /* caller frees */
} walk_result;

/* Resolves `path` (relative, no trailing slash) beneath `base`: every component but the last is
 * followed (symlinks expanded, staying beneath `base`), the last only when `follow_last` and it is a
 * symlink. Returns 0 or a WASI errno. */
static int walk(int base, const char *path, int follow_last, walk_result *out) {
  size_t cap = 8, depth = 0, open_fds = 0; /* stack[0..open_fds) are open */
  int *stack = malloc(cap * sizeof *stack);
  char *buf = strdup(path);
  char *link = malloc(PATH_MAX);
  int err = 0, expansions = 0;
  if (!stack || !buf || !link) {
    err = WASI_ENOMEM;
    goto fail;
  }
  stack[0] = openat(base, ".", O_DIR_ANCHOR | O_CLOEXEC);
  if (stack[0] < 0) {
    err = w2n__wasi_errno(errno);
    goto fail;
  }
  open_fds = 1;
  char *p = buf;
  for (;;) {
    while (*p == '/') p++;
    if (*p == 0) { /* empty rest: the current directory itself */
      out->name = (char *)".";
      break;
    }
    char *comp = p, *slash = strchr(p, '/');
    char *next = NULL;
    if (slash) {
      *slash = 0;
      next = slash + 1;
      while (*next == '/') next++;
      if (*next == 0) next = NULL;
    }
    int last = next == NULL;
    if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
      if (comp[1] == '.') {
        if (depth == 0) {
          err = WASI_ESCAPE;
          goto fail;
        }
        close(stack[depth--]);
        open_fds = depth + 1;
      }
      if (last) {
        out->name = (char *)".";
        break;
      }
      p = next;
      continue;
    }
    int is_link = 0;
    if (!last) {
      int fd = openat(stack[depth], comp, O_DIR_ANCHOR | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        if (depth + 1 == cap) {
          int *s = realloc(stack, cap * 2 * sizeof *stack);
          if (!s) {
            close(fd);
            err = WASI_ENOMEM;
            goto fail;
          }
          stack = s;
          cap *= 2;
        }
        stack[++depth] = fd;
        open_fds = depth + 1;
        p = next;
        continue;
      }
      int e = errno;
      if (e != ENOTDIR && e != ELOOP) {
        err = w2n__wasi_errno(e);
        goto fail;
      }
      is_link = 1; /* maybe: find out below */
      ssize_t n = readlinkat(stack[depth], comp, link, PATH_MAX);
      if (n < 0) {
        err = w2n__wasi_errno(e);
        goto fail;
      }
      link[n < PATH_MAX ? n : PATH_MAX - 1] = 0;
      if (n >= PATH_MAX) {
        err = WASI_ENAMETOOLONG;
        goto fail;
      }
    } else if (follow_last) {
      ssize_t n = readlinkat(stack[depth], comp, link, PATH_MAX);
      if (n >= 0) {
        if (n >= PATH_MAX) {
          err = WASI_ENAMETOOLONG;
          goto fail;
        }
        link[n] = 0;
        is_link = 1;
      }
    }
    if (!is_link) { /* the last component, not followed */
      out->name = comp;
      break;
    }
    /* Expand the symlink: its target replaces it, relative to the directory holding it. */
    if (++expansions > MAX_SYMLINK_EXPANSIONS) {
      err = WASI_ELOOP;
      goto fail;
    }
    if (link[0] == '/') {
      err = WASI_ESCAPE;
      goto fail;
    }
    if (link[0] == 0) {
      err = WASI_ENOENT;
      goto fail;
    }
    size_t rest = next ? strlen(next) : 0;
    char *nbuf = malloc(strlen(link) + rest + 2);
    if (!nbuf) {
      err = WASI_ENOMEM;
      goto fail;
    }
    strcpy(nbuf, link);
    if (next) {
      strcat(nbuf, "/");
      strcat(nbuf, next);
    }
    free(buf);
    buf = p = nbuf;
  }
  for (size_t i = 0; i < depth; i++) close(stack[i]);
  out->dirfd = stack[depth];
  out->buf = buf;
  free(stack);
  free(link);
  return 0;
fail:
  for (size_t i = 0; i < open_fds; i++) close(stack[i]);
  free(stack);
  free(buf);
  free(link);
  return err;
}

/* ---- Resolution entry points ---- */

/* Opens `path` beneath `base` with open(2) `flags` (O_NOFOLLOW: do not follow a final symlink).
 * Returns an fd or -(WASI errno). */
static int open_beneath(int base, const char *path, int flags, mode_t mode) {
  if (path[0] == '/') return -WASI_ESCAPE;
  if (path[0] == 0) return -WASI_ENOENT;
  int fd = openat2_beneath(base, path, flags, mode);
  if (fd >= 0) return fd;
  if (fd != -ENOSYS) return -(fd == -EXDEV ? WASI_ESCAPE : w2n__wasi_errno(-fd));
  /* Fallback: walk to the last component, then open it without following. O_CREAT|O_EXCL never
   * follows (POSIX). */
  int follow = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  walk_result w;
  int e = walk(base, path, follow, &w);
  if (e) return -e;
  fd = openat(w.dirfd, w.name, flags | O_NOFOLLOW | O_CLOEXEC, mode);
  e = fd < 0 ? w2n__wasi_errno(errno) : 0;
  close(w.dirfd);
  free(w.buf);
  return fd >= 0 ? fd : -e;
}

/* Resolves `path` to (parent directory, last component) beneath `base`. The last component is a
 * symlink only if !follow_last. Returns 0 or a WASI errno; on success the caller closes out->dirfd and
 * frees out->buf. */
static int resolve_parent(int base, const char *path, int follow_last, walk_result *out) {
  if (path[0] == '/') return WASI_ESCAPE;
  if (path[0] == 0) return WASI_ENOENT;
  if (HAVE_OPENAT2 && !follow_last) {
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    int whole = strcmp(last, ".") == 0 || strcmp(last, "..") == 0; /* names a directory: resolve it all */
    char *name = strdup(whole ? "." : last);
    char *parent = whole ? strdup(path) : slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
    if (!name || !parent) {
      free(name);
      free(parent);
      return WASI_ENOMEM;
    }
    int fd = openat2_beneath(base, parent, O_DIR_ANCHOR, 0);
    free(parent);
    if (fd >= 0) {
      out->dirfd = fd;
      out->name = out->buf = name;
      return 0;
    }
    free(name);
    if (fd != -ENOSYS) return fd == -EXDEV ? WASI_ESCAPE : w2n__wasi_errno(-fd);
  }
  return walk(base, path, follow_last, out);
}

/* fstat of the object `path` names beneath `base`, following a final symlink when `follow`; with
 * `dir_only` ("name/") a final symlink is followed and the object must be a directory. Returns 0 or
 * a WASI errno. */
static int stat_beneath(int base, const char *path, int follow, int dir_only, struct stat *st) {
#ifdef __APPLE__
  /* Without O_PATH, opening the object could block (a FIFO), act on a device or need read
   * permission: stat the last component in its directory instead, never following it there (the
   * walk expanded it when it is to be followed). */
  walk_result w;
  int e = resolve_parent(base, path, follow || dir_only, &w);
  if (e) return e;
  e = fstatat(w.dirfd, w.name, st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : w2n__wasi_errno(errno);
  if (!e && dir_only && !S_ISDIR(st->st_mode)) e = WASI_ENOTDIR;
  close(w.dirfd);
  free(w.buf);
  return e;
#else
  int h = open_beneath(base, path, O_PATH | (follow || dir_only ? 0 : O_NOFOLLOW) | (dir_only ? O_DIRECTORY : 0), 0);
  if (h < 0) return -h;
  int e = fstat(h, st) == 0 ? 0 : w2n__wasi_errno(errno);
  close(h);
  return e;
#endif
}

/* ---- Guest paths ---- */

/* Copies the guest path into a NUL-terminated host string (caller frees). With dir_only, strips
 * trailing slashes and reports them there ("name/" must be a directory). Returns 0 or a WASI errno. */
static int guest_path(w2n_instance *ctx, int32_t ptr, int32_t len, char **out, int *dir_only) {
  uint32_t n = (uint32_t)len;
  if (n >= PATH_MAX) return WASI_ENAMETOOLONG;
  const uint8_t *p = w2n__guest(ctx, (uint32_t)ptr, n);
  if (!p) return WASI_EFAULT;
  if (memchr(p, 0, n)) return WASI_EINVAL;
  char *s = malloc((size_t)n + 1);
  if (!s) return WASI_ENOMEM;
  memcpy(s, p, n);
  s[n] = 0;
  int trailing = 0;
  while (dir_only && n > 1 && s[n - 1] == '/') {
    s[--n] = 0;
    trailing = 1;
  }
  if (dir_only) *dir_only = trailing;
  *out = s;
  return 0;
}

/* The directory fd `fd` with `rights`: EBADF, then ENOTDIR (as openat(2) with a file), then
 * ENOTCAPABLE. */
static int dir_fd(w2n_instance *ctx, int32_t fd, uint64_t rights, wasi_fd **out) {
  struct w2n_wasi *w = w2n__wasi_state(ctx);
  if (!w) return WASI_ENOMEM;
  int e = w2n__wasi_get_fd(w, fd, 0, out);
  if (e) return e;
  if ((*out)->type != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
  return w2n__wasi_get_fd(w, fd, rights, out);
}

/* ---- path_* ---- */

int32_t w2n__wasi_path_open(w2n_instance *ctx, int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                            int32_t oflags, int64_t rights_base, int64_t rights_inheriting, int32_t fdflags,
                            int32_t opened_fd) {
  w2n__poll_interrupt(ctx);
  wasi_fd *d;
  int e = dir_fd(ctx, fd, R_PATH_OPEN, &d);
  if (e) return e;
  struct w2n_wasi *w = w2n__wasi_state(ctx);
  uint8_t *result = w2n__guest(ctx, (uint32_t)opened_fd, 4);
  if (!result) return WASI_EFAULT;
  uint32_t of = (uint32_t)oflags, ff = (uint32_t)fdflags;
  if (of & ~(WASI_O_CREAT | WASI_O_DIRECTORY | WASI_O_EXCL | WASI_O_TRUNC)) return WASI_EINVAL;
  if (ff & ~(WASI_FDFLAG_APPEND | WASI_FDFLAG_DSYNC | WASI_FDFLAG_NONBLOCK | WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC))
    return WASI_EINVAL;

  uint64_t base = (uint64_t)rights_base & d->inheriting, inheriting = (uint64_t)rights_inheriting & d->inheriting;
  uint64_t need_dir = R_PATH_OPEN;
  int flags = O_CLOEXEC | O_NOCTTY;
  if (of & WASI_O_CREAT) {
    flags |= O_CREAT;
    need_dir |= R_PATH_CREATE_FILE;
  }
  if (of & WASI_O_EXCL) flags |= O_EXCL;
  if (of & WASI_O_TRUNC) flags |= O_TRUNC;
  if (of & WASI_O_DIRECTORY) flags |= O_DIRECTORY;
  if (!((uint32_t)dirflags & WASI_LOOKUP_SYMLINK_FOLLOW)) flags |= O_NOFOLLOW;
  if (ff & WASI_FDFLAG_APPEND) flags |= O_APPEND;
  if (ff & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
  if (ff & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
  if (ff & WASI_FDFLAG_RSYNC) flags |= OS_O_RSYNC;
  if (ff & WASI_FDFLAG_SYNC) flags |= O_SYNC;
  if ((d->base & need_dir) != need_dir) return WASI_ENOTCAPABLE;
  /* Reading and writing are the rights that cannot silently be dropped; the sync flags need the sync
   * rights (witx: fd_datasync / fd_sync "include the right to invoke path_open with" them). */
  uint64_t essential = (uint64_t)rights_base & (R_FD_READ | R_FD_WRITE);
  if (ff & WASI_FDFLAG_APPEND) essential |= R_FD_WRITE;
  if (of & WASI_O_TRUNC) essential |= R_FD_FILESTAT_SET_SIZE; /* truncating sets the size */
  if (ff & (WASI_FDFLAG_RSYNC | WASI_FDFLAG_SYNC)) essential |= R_FD_SYNC;
  else if (ff & WASI_FDFLAG_DSYNC) essential |= R_FD_DATASYNC;
  if ((d->inheriting & essential) != essential) return WASI_ENOTCAPABLE;

  int want_write = (base & (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE)) || (of & WASI_O_TRUNC) ||
                   (ff & WASI_FDFLAG_APPEND);
  int want_read = (base & (R_FD_READ | R_FD_READDIR)) != 0;
  /* With O_DIRECTORY too: a directory opened for writing is EISDIR (open(2), wasmtime). */
  flags |= want_write ? (want_read ? O_RDWR : O_WRONLY) : O_RDONLY;

  char *p;
  int dir_only;
  e = guest_path(ctx, path, path_len, &p, &dir_only);
  if (e) return e;
  if (dir_only) flags |= O_DIRECTORY;
  int host = open_beneath(d->host, p, flags, 0666);
  free(p);
  if (host < 0) return -host;
  struct stat st;
  if (fstat(host, &st) != 0) {
    e = w2n__wasi_errno(errno);
    close(host);
    return e;
  }
  uint8_t type = w2n__wasi_filetype(st.st_mode);
  base &= type == WASI_FILETYPE_DIRECTORY ? R_DIR_BASE : R_FILE_BASE;
  int32_t nfd = w2n__wasi_fd_install(w, host, type, base, inheriting);
  if (nfd < 0) {
    close(host);
    return -nfd;
  }
  w2n__st32(result, (uint32_t)nfd);
  return 0;
}

/* Resolves a guest path beneath directory fd `fd` (with `rights`) to (parent, name). */
static int entry_of(w2n_instance *ctx, int32_t fd, uint64_t rights, int32_t path, int32_t path_len,
                    int follow_last, walk_result *out, int *dir_only) {
  wasi_fd *d;
  int e = dir_fd(ctx, fd, rights, &d);
  if (e) return e;
  char *p;
  int trailing;
  e = guest_path(ctx, path, path_len, &p, &trailing);
  if (e) return e;
  if (dir_only) *dir_only = trailing;
  e = resolve_parent(d->host, p, follow_last, out);
  free(p);
  return e;
}

static void entry_done(walk_result *r) {
  close(r->dirfd);
  free(r->buf);
}

int32_t w2n__wasi_path_create_directory(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len) {
  w2n__poll_interrupt(ctx);
  walk_result r;
  int e = entry_of(ctx, fd, R_PATH_CREATE_DIRECTORY, path, path_len, 0, &r, NULL);
  if (e) return e;
  e = mkdirat(r.dirfd, r.name, 0777) == 0 ? 0 : w2n__wasi_errno(errno);
  entry_done(&r);
  return e;
}

/* Stats the object `path` names (following a final symlink when `follow`). */
static int object_stat(w2n_instance *ctx, int32_t fd, uint64_t rights, int32_t path, int32_t path_len, int follow,
                       struct stat *st) {
  wasi_fd *d;
  int e = dir_fd(ctx, fd, rights, &d);
  if (e) return e;
  char *p;
  int dir_only;
  e = guest_path(ctx, path, path_len, &p, &dir_only);
  if (e) return e;
  e = stat_beneath(d->host, p, follow, dir_only, st);
  free(p);
  return e;
}

int32_t w2n__wasi_path_filestat_get(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t path, int32_t path_len,
                                    int32_t buf) {
  w2n__poll_interrupt(ctx);
  uint8_t *out = w2n__guest(ctx, (uint32_t)buf, WASI_FILESTAT_SIZE);
  if (!out) return WASI_EFAULT;
  struct stat st;
  int e = object_stat(ctx, fd, R_PATH_FILESTAT_GET, path, path_len, (uint32_t)flags & WASI_LOOKUP_SYMLINK_FOLLOW, &st);
  if (!e) w2n__wasi_put_filestat(out, &st);
  return e;
}

int32_t w2n__wasi_path_filestat_set_times(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t path,
                                          int32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags) {
  w2n__poll_interrupt(ctx);
  struct timespec ts[2];
  int e = w2n__wasi_times((uint64_t)atim, (uint64_t)mtim, (uint32_t)fst_flags, ts);
  if (e) return e;
  /* Following a final symlink: the walk expands it (beneath the directory), and what it leads to is
   * then named by (directory, last component), which is itself never followed. */
  walk_result r;
  e = entry_of(ctx, fd, R_PATH_FILESTAT_SET_TIMES, path, path_len, (uint32_t)flags & WASI_LOOKUP_SYMLINK_FOLLOW, &r,
               NULL);
  if (e) return e;
  e = utimensat(r.dirfd, r.name, ts, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : w2n__wasi_errno(errno);
  entry_done(&r);
  return e;
}

int32_t w2n__wasi_path_link(w2n_instance *ctx, int32_t old_fd, int32_t old_flags, int32_t old_path,
                            int32_t old_path_len, int32_t new_fd, int32_t new_path, int32_t new_path_len) {
  w2n__poll_interrupt(ctx);
  walk_result from, to;
  int from_dir, to_dir;
  int e = entry_of(ctx, old_fd, R_PATH_LINK_SOURCE, old_path, old_path_len,
                   (uint32_t)old_flags & WASI_LOOKUP_SYMLINK_FOLLOW, &from, &from_dir);
  if (e) return e;
  e = entry_of(ctx, new_fd, R_PATH_LINK_TARGET, new_path, new_path_len, 0, &to, &to_dir);
  if (e) {
    entry_done(&from);
    return e;
  }
  /* "x/" names a directory, which cannot be linked: as link(2), a source "file/" is ENOTDIR (a
   * directory EPERM); a new name "link/" is EEXIST when it exists, else ENOENT. */
  struct stat st;
  if (from_dir && fstatat(from.dirfd, from.name, &st, AT_SYMLINK_NOFOLLOW) != 0) e = w2n__wasi_errno(errno);
  else if (from_dir && !S_ISDIR(st.st_mode)) e = WASI_ENOTDIR;
  else if (to_dir) e = fstatat(to.dirfd, to.name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? WASI_EEXIST : WASI_ENOENT;
  if (!e) e = linkat(from.dirfd, from.name, to.dirfd, to.name, 0) == 0 ? 0 : w2n__wasi_errno(errno);
  entry_done(&from);
  entry_done(&to);
  return e;
}

int32_t w2n__wasi_path_readlink(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len, int32_t buf,
                                int32_t buf_len, int32_t bufused) {
  w2n__poll_interrupt(ctx);
  uint8_t *out = w2n__guest(ctx, (uint32_t)buf, (uint32_t)buf_len);
  uint8_t *used = w2n__guest(ctx, (uint32_t)bufused, 4);
  if (!out || !used) return WASI_EFAULT;
  walk_result r;
  int e = entry_of(ctx, fd, R_PATH_READLINK, path, path_len, 0, &r, NULL);
  if (e) return e;
  char target[PATH_MAX];
  ssize_t n = readlinkat(r.dirfd, r.name, target, sizeof target);
  e = n < 0 ? w2n__wasi_errno(errno) : 0;
  entry_done(&r);
  if (e) return e;
  size_t len = (size_t)n < (uint32_t)buf_len ? (size_t)n : (uint32_t)buf_len; /* truncated to the buffer */
  memcpy(out, target, len);
  w2n__st32(used, (uint32_t)len);
  return 0;
}

int32_t w2n__wasi_path_remove_directory(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len) {
  w2n__poll_interrupt(ctx);
  walk_result r;
  int e = entry_of(ctx, fd, R_PATH_REMOVE_DIRECTORY, path, path_len, 0, &r, NULL);
  if (e) return e;
  e = unlinkat(r.dirfd, r.name, AT_REMOVEDIR) == 0 ? 0 : w2n__wasi_errno(errno);
  entry_done(&r);
  return e;
}

int32_t w2n__wasi_path_rename(w2n_instance *ctx, int32_t fd, int32_t old_path, int32_t old_path_len, int32_t new_fd,
                              int32_t new_path, int32_t new_path_len) {
  w2n__poll_interrupt(ctx);
  walk_result from, to;
  int from_dir, to_dir;
  int e = entry_of(ctx, fd, R_PATH_RENAME_SOURCE, old_path, old_path_len, 0, &from, &from_dir);
  if (e) return e;
  e = entry_of(ctx, new_fd, R_PATH_RENAME_TARGET, new_path, new_path_len, 0, &to, &to_dir);
  if (e) {
    entry_done(&from);
    return e;
  }
  if (from_dir || to_dir) { /* "x/" must name a directory */
    struct stat st;
    if (fstatat(from.dirfd, from.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) e = WASI_ENOTDIR;
  }
  if (!e) e = renameat(from.dirfd, from.name, to.dirfd, to.name) == 0 ? 0 : w2n__wasi_errno(errno);
  entry_done(&from);
  entry_done(&to);
  return e;
}

int32_t w2n__wasi_path_symlink(w2n_instance *ctx, int32_t old_path, int32_t old_path_len, int32_t fd,
                               int32_t new_path, int32_t new_path_len) {
  w2n__poll_interrupt(ctx);
  char *target;
  int e = guest_path(ctx, old_path, old_path_len, &target, NULL); /* stored verbatim */
  if (e) return e;
  if (target[0] == '/') { /* could only ever lead outside */
    free(target);
    return WASI_ESCAPE;
  }
  walk_result r;
  int dir_only;
  e = entry_of(ctx, fd, R_PATH_SYMLINK, new_path, new_path_len, 0, &r, &dir_only);
  if (!e) {
    e = dir_only ? WASI_ENOENT : symlinkat(target, r.dirfd, r.name) == 0 ? 0 : w2n__wasi_errno(errno);
    if (dir_only) {
      struct stat st;
      if (fstatat(r.dirfd, r.name, &st, AT_SYMLINK_NOFOLLOW) == 0) e = WASI_EEXIST;
    }
    entry_done(&r);
  }
  free(target);
  return e;
}

int32_t w2n__wasi_path_unlink_file(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len) {
  w2n__poll_interrupt(ctx);
  walk_result r;
  int dir_only;
  int e = entry_of(ctx, fd, R_PATH_UNLINK_FILE, path, path_len, 0, &r, &dir_only);
  if (e) return e;
  if (dir_only) { /* "file/" */
    struct stat st;
    e = fstatat(r.dirfd, r.name, &st, AT_SYMLINK_NOFOLLOW) != 0 ? w2n__wasi_errno(errno)
        : S_ISDIR(st.st_mode)                                  ? WASI_EISDIR
                                                               : WASI_ENOTDIR;
  } else {
    e = unlinkat(r.dirfd, r.name, 0) == 0 ? 0 : w2n__wasi_errno(errno);
  }
  entry_done(&r);
  return e;
}

/* ---- fd_readdir ---- */

static uint8_t dirent_type(DIR *dir, const struct dirent *de) {
  switch (de->d_type) {
  case DT_BLK: return WASI_FILETYPE_BLOCK_DEVICE;
  case DT_CHR: return WASI_FILETYPE_CHARACTER_DEVICE;
  case DT_DIR: return WASI_FILETYPE_DIRECTORY;
  case DT_REG: return WASI_FILETYPE_REGULAR_FILE;
  case DT_SOCK: return WASI_FILETYPE_SOCKET_STREAM;
  case DT_LNK: return WASI_FILETYPE_SYMBOLIC_LINK;
  case DT_UNKNOWN: {
    struct stat st;
    if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) return w2n__wasi_filetype(st.st_mode);
    return WASI_FILETYPE_UNKNOWN;
  }
  default: return WASI_FILETYPE_UNKNOWN;
  }
}

int32_t w2n__wasi_fd_readdir(w2n_instance *ctx, int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie,
                             int32_t bufused) {
  w2n__poll_interrupt(ctx);
  wasi_fd *f;
  int e = dir_fd(ctx, fd, R_FD_READDIR, &f);
  if (e) return e;
  uint32_t cap = (uint32_t)buf_len;
  uint8_t *out = w2n__guest(ctx, (uint32_t)buf, cap);
  uint8_t *used = w2n__guest(ctx, (uint32_t)bufused, 4);
  if (!out || !used) return WASI_EFAULT;
  uint64_t want = (uint64_t)cookie;
  if (!f->dir) {
    int h = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (h < 0) return w2n__wasi_errno(errno);
    f->dir = fdopendir(h);
    if (!f->dir) {
      e = w2n__wasi_errno(errno);
      close(h);
      return e;
    }
    f->dir_index = 0;
    f->has_pending = 0;
  }
  if (want < f->dir_index) {
    rewinddir(f->dir);
    f->dir_index = 0;
    f->has_pending = 0;
  }
  uint32_t pos = 0;
  while (pos < cap) {
    if (!f->has_pending) {
      errno = 0;
      struct dirent *de = readdir(f->dir);
      if (!de) {
        if (errno) return w2n__wasi_errno(errno);
        break; /* end of directory */
      }
      size_t len = strlen(de->d_name);
      if (len >= sizeof f->pending_name) len = sizeof f->pending_name - 1;
      memcpy(f->pending_name, de->d_name, len);
      f->pending_name[len] = 0;
      f->pending_ino = (uint64_t)de->d_ino;
      f->pending_type = dirent_type(f->dir, de);
      f->has_pending = 1;
    }
    if (f->dir_index < want) { /* before the cookie: skip */
      f->has_pending = 0;
      f->dir_index++;
      continue;
    }
    uint8_t ent[WASI_DIRENT_SIZE];
    uint32_t namlen = (uint32_t)strlen(f->pending_name);
    memset(ent, 0, sizeof ent);
    w2n__st64(ent, f->dir_index + 1);
    w2n__st64(ent + 8, f->pending_ino);
    w2n__st32(ent + 16, namlen);
    ent[20] = f->pending_type;
    uint32_t n = cap - pos < WASI_DIRENT_SIZE ? cap - pos : WASI_DIRENT_SIZE;
    memcpy(out + pos, ent, n);
    pos += n;
    n = cap - pos < namlen ? cap - pos : namlen;
    memcpy(out + pos, f->pending_name, n);
    pos += n;
    if (n < namlen || pos == cap) {
      /* Truncated (or exactly full): the guest asks again from this entry's cookie; keep it. */
      if (n == namlen) {
        f->has_pending = 0;
        f->dir_index++;
      }
      break;
    }
    f->has_pending = 0;
    f->dir_index++;
  }
  w2n__st32(used, pos);
  return 0;
}
