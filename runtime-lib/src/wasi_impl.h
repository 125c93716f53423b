/*
 * wasi_impl.h — private to the WASI files (wasi*.c): the WASI preview1 constants and layouts this runtime
 * uses (checked against wasi-libc's <wasi/api.h>), the per-store WASI state, guest-memory access and
 * the host function ABI.
 *
 * Host functions have the generated-code ABI: `int32_t f(w2n_instance *ctx, i32/i64 args...)`, ctx being
 * the importing instance; they reach guest memory through the importer's memory 0 and check every
 * guest pointer and length against its current size (EFAULT instead of a crash).
 */
#ifndef W2N_WASI_IMPL_H
#define W2N_WASI_IMPL_H

#include "internal.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the WASI layer assumes a little-endian host (as Wasm memory is)"
#endif

/* errno values (wasi_snapshot_preview1 `errno`) */
enum {
  WASI_ESUCCESS = 0, WASI_E2BIG = 1, WASI_EACCES = 2, WASI_EADDRINUSE = 3, WASI_EADDRNOTAVAIL = 4,
  WASI_EAFNOSUPPORT = 5, WASI_EAGAIN = 6, WASI_EALREADY = 7, WASI_EBADF = 8, WASI_EBADMSG = 9, WASI_EBUSY = 10,
  WASI_ECANCELED = 11, WASI_ECHILD = 12, WASI_ECONNABORTED = 13, WASI_ECONNREFUSED = 14, WASI_ECONNRESET = 15,
  WASI_EDEADLK = 16, WASI_EDESTADDRREQ = 17, WASI_EDOM = 18, WASI_EDQUOT = 19, WASI_EEXIST = 20, WASI_EFAULT = 21,
  WASI_EFBIG = 22, WASI_EHOSTUNREACH = 23, WASI_EIDRM = 24, WASI_EILSEQ = 25, WASI_EINPROGRESS = 26,
  WASI_EINTR = 27, WASI_EINVAL = 28, WASI_EIO = 29, WASI_EISCONN = 30, WASI_EISDIR = 31, WASI_ELOOP = 32,
  WASI_EMFILE = 33, WASI_EMLINK = 34, WASI_EMSGSIZE = 35, WASI_EMULTIHOP = 36, WASI_ENAMETOOLONG = 37,
  WASI_ENETDOWN = 38, WASI_ENETRESET = 39, WASI_ENETUNREACH = 40, WASI_ENFILE = 41, WASI_ENOBUFS = 42,
  WASI_ENODEV = 43, WASI_ENOENT = 44, WASI_ENOEXEC = 45, WASI_ENOLCK = 46, WASI_ENOLINK = 47, WASI_ENOMEM = 48,
  WASI_ENOMSG = 49, WASI_ENOPROTOOPT = 50, WASI_ENOSPC = 51, WASI_ENOSYS = 52, WASI_ENOTCONN = 53,
  WASI_ENOTDIR = 54, WASI_ENOTEMPTY = 55, WASI_ENOTRECOVERABLE = 56, WASI_ENOTSOCK = 57, WASI_ENOTSUP = 58,
  WASI_ENOTTY = 59, WASI_ENXIO = 60, WASI_EOVERFLOW = 61, WASI_EOWNERDEAD = 62, WASI_EPERM = 63, WASI_EPIPE = 64,
  WASI_EPROTO = 65, WASI_EPROTONOSUPPORT = 66, WASI_EPROTOTYPE = 67, WASI_ERANGE = 68, WASI_EROFS = 69,
  WASI_ESPIPE = 70, WASI_ESRCH = 71, WASI_ESTALE = 72, WASI_ETIMEDOUT = 73, WASI_ETXTBSY = 74, WASI_EXDEV = 75,
  WASI_ENOTCAPABLE = 76,
};

/* A path that would leave its preopened directory (absolute, "..", symlink): EPERM, as wasmtime. */
#define WASI_ESCAPE WASI_EPERM

/* rights */
#define R_FD_DATASYNC (1ull << 0)
#define R_FD_READ (1ull << 1)
#define R_FD_SEEK (1ull << 2)
#define R_FD_FDSTAT_SET_FLAGS (1ull << 3)
#define R_FD_SYNC (1ull << 4)
#define R_FD_TELL (1ull << 5)
#define R_FD_WRITE (1ull << 6)
#define R_FD_ADVISE (1ull << 7)
#define R_FD_ALLOCATE (1ull << 8)
#define R_PATH_CREATE_DIRECTORY (1ull << 9)
#define R_PATH_CREATE_FILE (1ull << 10)
#define R_PATH_LINK_SOURCE (1ull << 11)
#define R_PATH_LINK_TARGET (1ull << 12)
#define R_PATH_OPEN (1ull << 13)
#define R_FD_READDIR (1ull << 14)
#define R_PATH_READLINK (1ull << 15)
#define R_PATH_RENAME_SOURCE (1ull << 16)
#define R_PATH_RENAME_TARGET (1ull << 17)
#define R_PATH_FILESTAT_GET (1ull << 18)
#define R_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define R_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define R_FD_FILESTAT_GET (1ull << 21)
#define R_FD_FILESTAT_SET_SIZE (1ull << 22)
#define R_FD_FILESTAT_SET_TIMES (1ull << 23)
#define R_PATH_SYMLINK (1ull << 24)
#define R_PATH_REMOVE_DIRECTORY (1ull << 25)
#define R_PATH_UNLINK_FILE (1ull << 26)
#define R_POLL_FD_READWRITE (1ull << 27)
#define R_SOCK_SHUTDOWN (1ull << 28)
#define R_SOCK_ACCEPT (1ull << 29)
#define R_ALL ((1ull << 30) - 1)
/* What each kind of descriptor can do at most, as wasmtime reports them: the rights of an opened fd
 * are the ones asked for, intersected with its directory's inheriting rights and with these.
 * A directory's own rights are its path operations, listing it and its timestamps (no
 * fd_fdstat_set_flags: appending and nonblocking mean nothing to a directory); fd_sync and
 * fd_datasync of a directory need no right (wasmtime reports none, yet syncs directories), and
 * path_filestat_set_size is no function (`path_open` with `O_TRUNC` needs fd_filestat_set_size among
 * the directory's inheriting rights instead). What a directory passes on is what a directory or a
 * file beneath it can do: never the socket rights, as nothing opened by path is a socket. */
#define R_FILE_BASE                                                                                                \
  (R_FD_DATASYNC | R_FD_READ | R_FD_SEEK | R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_TELL | R_FD_WRITE |            \
   R_FD_ADVISE | R_FD_ALLOCATE | R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES |            \
   R_POLL_FD_READWRITE)
#define R_DIR_BASE                                                                                                 \
  (R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_OPEN |          \
   R_FD_READDIR | R_PATH_READLINK | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | R_PATH_FILESTAT_GET |            \
   R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK |                      \
   R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)
#define R_DIR_INHERITING (R_DIR_BASE | R_FILE_BASE)
/* Removed from read-only preopens (and so from everything opened beneath them). */
#define R_MODIFYING                                                                                                \
  (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | R_PATH_CREATE_DIRECTORY |        \
   R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET |     \
   R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES | R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY |              \
   R_PATH_UNLINK_FILE)

/* filetype */
enum {
  WASI_FILETYPE_UNKNOWN = 0, WASI_FILETYPE_BLOCK_DEVICE = 1, WASI_FILETYPE_CHARACTER_DEVICE = 2,
  WASI_FILETYPE_DIRECTORY = 3, WASI_FILETYPE_REGULAR_FILE = 4, WASI_FILETYPE_SOCKET_DGRAM = 5,
  WASI_FILETYPE_SOCKET_STREAM = 6, WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

/* fdflags, oflags, lookupflags, fstflags */
#define WASI_FDFLAG_APPEND 1u
#define WASI_FDFLAG_DSYNC 2u
#define WASI_FDFLAG_NONBLOCK 4u
#define WASI_FDFLAG_RSYNC 8u
#define WASI_FDFLAG_SYNC 16u
#define WASI_O_CREAT 1u
#define WASI_O_DIRECTORY 2u
#define WASI_O_EXCL 4u
#define WASI_O_TRUNC 8u
#define WASI_LOOKUP_SYMLINK_FOLLOW 1u
#define WASI_FST_ATIM 1u
#define WASI_FST_ATIM_NOW 2u
#define WASI_FST_MTIM 4u
#define WASI_FST_MTIM_NOW 8u

/* Sizes of guest structures (wasm32 layout). */
#define WASI_IOVEC_SIZE 8u
#define WASI_FDSTAT_SIZE 24u
#define WASI_FILESTAT_SIZE 64u
#define WASI_DIRENT_SIZE 24u
#define WASI_SUBSCRIPTION_SIZE 48u
#define WASI_EVENT_SIZE 32u

/* ---- State ---- */

typedef struct wasi_fd {
  int used;
  int host;     /* host descriptor */
  int owned;    /* close `host` when the guest closes it (not for inherited stdio) */
  uint8_t type; /* WASI filetype */
  uint64_t base, inheriting; /* rights */
  char *preopen;             /* guest name of a preopened directory, else NULL */
  /* fd_readdir state: cookies are entry indices (0 = start, entry i has d_next = i + 1). */
  DIR *dir;
  uint64_t dir_index; /* index of the next entry readdir() returns */
  int has_pending;    /* an entry read from `dir` (at index dir_index) that did not fit the guest buffer */
  uint64_t pending_ino;
  uint8_t pending_type;
  char pending_name[256];
} wasi_fd;

struct w2n_wasi {
  int argc;
  char **argv;
  uint64_t argv_bytes; /* sum of strlen + 1 */
  int envc;
  char **env;
  uint64_t env_bytes;
  wasi_fd *fds;
  uint32_t nfds;
};

/* The WASI state of ctx's store, created (default configuration) on first use. NULL when out of memory. */
struct w2n_wasi *w2n__wasi_state(w2n_instance *ctx);

/* Common prologue: the state, or ENOMEM. */
#define WASI_STATE(w)                                                                                              \
  struct w2n_wasi *w = w2n__wasi_state(ctx);                                                                       \
  if (!w) return WASI_ENOMEM

/* Looks up guest fd `fd` and checks that it has `rights`. Returns 0 or a WASI errno. */
int w2n__wasi_get_fd(struct w2n_wasi *w, int32_t fd, uint64_t rights, wasi_fd **out);
/* Rights and type of a host descriptor that is not a preopen (stdio, accepted sockets). */
void w2n__wasi_classify(int host, uint8_t *type, uint64_t *rights);
/* Installs a host descriptor at the lowest free guest fd; returns it, or minus a WASI errno:
 * -WASI_EMFILE when the guest holds MAX_FDS descriptors already, -WASI_ENOMEM. */
int32_t w2n__wasi_fd_install(struct w2n_wasi *w, int host, uint8_t type, uint64_t base, uint64_t inheriting);
/* Releases the guest fd's resources (closing the host descriptor when owned). */
void w2n__wasi_fd_release(wasi_fd *f);

int w2n__wasi_errno(int host_errno);
uint8_t w2n__wasi_filetype(mode_t mode);
/* Writes a `filestat` for st at dst (WASI_FILESTAT_SIZE bytes). */
void w2n__wasi_put_filestat(uint8_t *dst, const struct stat *st);
/* Converts WASI (atim, mtim, fstflags) to utimensat's times. Returns 0 or a WASI errno. */
int w2n__wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags, struct timespec ts[2]);

/* ---- Guest memory ---- */

/* Host address of guest [ptr, ptr+len) in ctx's memory 0, or NULL when it is not all in bounds. */
static inline uint8_t *w2n__guest(w2n_instance *ctx, uint32_t ptr, uint64_t len) {
  const w2n_module *m = w2n__mod(ctx);
  if (m->num_memories == 0) return NULL;
  w2n_memory *mem = w2n__memories(ctx)[0];
  if (!mem || (uint64_t)ptr > mem->size || len > mem->size - ptr) return NULL;
  return mem->base + ptr;
}

static inline void w2n__st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void w2n__st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void w2n__st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t w2n__ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t w2n__ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t w2n__ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* ---- Host functions implemented in wasi_fs.c (generated-code ABI) ---- */

int32_t w2n__wasi_fd_readdir(w2n_instance *ctx, int32_t fd, int32_t buf, int32_t buf_len, int64_t cookie,
                             int32_t bufused);
int32_t w2n__wasi_path_open(w2n_instance *ctx, int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                            int32_t oflags, int64_t rights_base, int64_t rights_inheriting, int32_t fdflags,
                            int32_t opened_fd);
int32_t w2n__wasi_path_create_directory(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len);
int32_t w2n__wasi_path_filestat_get(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t path, int32_t path_len,
                                    int32_t buf);
int32_t w2n__wasi_path_filestat_set_times(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t path,
                                          int32_t path_len, int64_t atim, int64_t mtim, int32_t fst_flags);
int32_t w2n__wasi_path_link(w2n_instance *ctx, int32_t old_fd, int32_t old_flags, int32_t old_path,
                            int32_t old_path_len, int32_t new_fd, int32_t new_path, int32_t new_path_len);
int32_t w2n__wasi_path_readlink(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len, int32_t buf,
                                int32_t buf_len, int32_t bufused);
int32_t w2n__wasi_path_remove_directory(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len);
int32_t w2n__wasi_path_rename(w2n_instance *ctx, int32_t fd, int32_t old_path, int32_t old_path_len, int32_t new_fd,
                              int32_t new_path, int32_t new_path_len);
int32_t w2n__wasi_path_symlink(w2n_instance *ctx, int32_t old_path, int32_t old_path_len, int32_t fd,
                               int32_t new_path, int32_t new_path_len);
int32_t w2n__wasi_path_unlink_file(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len);

/* ---- Host functions of wasi_proc.c, wasi_fd.c, wasi_poll.c, wasi_sock.c (generated-code ABI) ---- */

int32_t w2n__wasi_args_sizes_get(w2n_instance *ctx, int32_t argc, int32_t size);
int32_t w2n__wasi_args_get(w2n_instance *ctx, int32_t argv, int32_t buf);
int32_t w2n__wasi_environ_sizes_get(w2n_instance *ctx, int32_t count, int32_t size);
int32_t w2n__wasi_environ_get(w2n_instance *ctx, int32_t env, int32_t buf);
int w2n__wasi_clock_of(int32_t id, clockid_t *out);
int32_t w2n__wasi_clock_res_get(w2n_instance *ctx, int32_t id, int32_t res);
int32_t w2n__wasi_clock_time_get(w2n_instance *ctx, int32_t id, int64_t precision, int32_t time);
int32_t w2n__wasi_random_get(w2n_instance *ctx, int32_t buf, int32_t len);
int32_t w2n__wasi_sched_yield(w2n_instance *ctx);
void w2n__wasi_proc_exit(w2n_instance *ctx, int32_t code);
int32_t w2n__wasi_proc_raise(w2n_instance *ctx, int32_t sig);
int w2n__wasi_gather(w2n_instance *ctx, int32_t iovs, int32_t n, struct iovec *out);
int32_t w2n__wasi_fd_read(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t nread);
int32_t w2n__wasi_fd_write(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t nwritten);
int32_t w2n__wasi_fd_pread(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int64_t off, int32_t nread);
int32_t w2n__wasi_fd_pwrite(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int64_t off,
                              int32_t nwritten);
int32_t w2n__wasi_fd_seek(w2n_instance *ctx, int32_t fd, int64_t offset, int32_t whence, int32_t newoffset);
int32_t w2n__wasi_fd_tell(w2n_instance *ctx, int32_t fd, int32_t offset);
int32_t w2n__wasi_fd_close(w2n_instance *ctx, int32_t fd);
int32_t w2n__wasi_fd_sync(w2n_instance *ctx, int32_t fd);
int32_t w2n__wasi_fd_datasync(w2n_instance *ctx, int32_t fd);
int32_t w2n__wasi_fd_fdstat_get(w2n_instance *ctx, int32_t fd, int32_t buf);
int32_t w2n__wasi_fd_fdstat_set_flags(w2n_instance *ctx, int32_t fd, int32_t flags);
int32_t w2n__wasi_fd_fdstat_set_rights(w2n_instance *ctx, int32_t fd, int64_t base, int64_t inheriting);
int32_t w2n__wasi_fd_filestat_get(w2n_instance *ctx, int32_t fd, int32_t buf);
int32_t w2n__wasi_fd_filestat_set_size(w2n_instance *ctx, int32_t fd, int64_t size);
int32_t w2n__wasi_fd_filestat_set_times(w2n_instance *ctx, int32_t fd, int64_t atim, int64_t mtim,
                                          int32_t flags);
int32_t w2n__wasi_fd_advise(w2n_instance *ctx, int32_t fd, int64_t offset, int64_t len, int32_t advice);
int32_t w2n__wasi_fd_allocate(w2n_instance *ctx, int32_t fd, int64_t offset, int64_t len);
int32_t w2n__wasi_fd_prestat_get(w2n_instance *ctx, int32_t fd, int32_t buf);
int32_t w2n__wasi_fd_prestat_dir_name(w2n_instance *ctx, int32_t fd, int32_t path, int32_t path_len);
int32_t w2n__wasi_fd_renumber(w2n_instance *ctx, int32_t from, int32_t to);
int32_t w2n__wasi_poll_oneoff(w2n_instance *ctx, int32_t in, int32_t out, int32_t nsubs, int32_t nevents);
int32_t w2n__wasi_sock_accept(w2n_instance *ctx, int32_t fd, int32_t flags, int32_t result);
int32_t w2n__wasi_sock_recv(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t ri_flags,
                              int32_t ro_len, int32_t ro_flags);
int32_t w2n__wasi_sock_send(w2n_instance *ctx, int32_t fd, int32_t iovs, int32_t n, int32_t si_flags,
                              int32_t so_len);
int32_t w2n__wasi_sock_shutdown(w2n_instance *ctx, int32_t fd, int32_t how);

/* ---- Caps: what a guest can make the host allocate or hold. Every count and length a guest passes
 * is bounded here or by its own memory (w2n__guest checks every buffer against memory 0), so no call
 * makes the host allocate without bound:
 *   MAX_IOVS                iovecs per fd_read/fd_write/fd_pread/fd_pwrite/sock_recv/sock_send: the
 *                           rest is left out (a short read or write, as POSIX readv with IOV_MAX)
 *   PATH_MAX (guest_path)   bytes of a path argument (path_*): ENAMETOOLONG; the walk follows at most
 *                           MAX_SYMLINK_EXPANSIONS symlinks (ELOOP), so its buffers stay within
 *                           (MAX_SYMLINK_EXPANSIONS + 1) * PATH_MAX
 *   MAX_POLL_SUBSCRIPTIONS  subscriptions per poll_oneoff: EINVAL beyond (as poll(2) past RLIMIT_NOFILE),
 *                           after EFAULT for buffers outside memory
 *   MAX_FDS                 guest descriptors at once (path_open, sock_accept): EMFILE beyond
 * fd_readdir streams entries straight into the guest's buffer (one pending name of NAME_MAX bytes per
 * descriptor), random_get and the read/write calls work in the guest's memory in place. ---- */
#define MAX_IOVS 1024 /* IOV_MAX on Linux (and macOS); longer vectors are a short read/write */
#define MAX_POLL_SUBSCRIPTIONS 4096u
#define MAX_FDS 16384u

/* Shared by the files above. */
/* Reads `n` guest iovecs at `iovs` into host iovecs (at most MAX_IOVS). Returns the count or -EFAULT. */
int w2n__wasi_gather(w2n_instance *ctx, int32_t iovs, int32_t n, struct iovec *out);
/* The host clock of a WASI clock id into *out: 0, or nonzero for an unknown id. */
int w2n__wasi_clock_of(int32_t id, clockid_t *out);
static inline uint64_t ts_ns(struct timespec ts) { return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec; }

#endif /* W2N_WASI_IMPL_H */
