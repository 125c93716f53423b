/* WASI preview1: signatures, args/env, fds, files, directories, capability checks (escapes through "..",
 * absolute paths and symlinks; read-only directories), guest pointer checks, poll, proc_exit. The path
 * checks run twice: with openat2 (when the kernel has it) and with the fallback walk. */
#include "harness.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { EBADF_ = 8, EEXIST_ = 20, EFAULT_ = 21, EINVAL_ = 28, EISDIR_ = 31, ELOOP_ = 32, ENOENT_ = 44,
       ENOTDIR_ = 54, ENOTEMPTY_ = 55, ENOTSUP_ = 58, EPERM_ = 63, ENOTCAPABLE_ = 76 };
#define R_READ (1ull << 1)
#define R_SEEK (1ull << 2)
#define R_TELL (1ull << 5)
#define R_WRITE (1ull << 6)
#define R_READDIR (1ull << 14)
#define R_FILESTAT_GET (1ull << 21)
#define R_FILESTAT_SET_SIZE (1ull << 22)
#define R_RW (R_READ | R_WRITE | R_SEEK | R_TELL | R_FILESTAT_GET | R_FILESTAT_SET_SIZE)
#define O_CREAT_ 1
#define O_DIRECTORY_ 2
#define O_EXCL_ 4
#define O_TRUNC_ 8
#define FOLLOW 1

static w2n_store *s;
static w2n_instance *inst;
static uint8_t *M; /* guest memory */

/* Guest memory map of the tests. */
enum { RES = 512, RES2 = 520, PATH = 1024, PATH2 = 1536, IOV = 2048, BUF = 4096, BIG = 8192 };

static void *wasi(const char *name, const char *sig) {
  w2n_import_desc d;
  memset(&d, 0, sizeof d);
  d.module = "wasi_snapshot_preview1";
  d.name = name;
  d.kind = W2N_EXTERN_FUNC;
  w2n_extern e;
  if (w2n_wasi_resolve(NULL, inst, &d, &e) != 0) {
    printf("Bail out! no WASI function %s\n", name);
    exit(2);
  }
  if (e.of.func->type_id != w2n_intern_signature(sig) || e.of.func->ctx != inst) {
    printf("Bail out! WASI function %s does not have signature %s\n", name, sig);
    exit(2);
  }
  return e.of.func->code;
}

typedef int32_t (*fn_i)(w2n_instance *, int32_t);
typedef int32_t (*fn_ii)(w2n_instance *, int32_t, int32_t);
typedef int32_t (*fn_iii)(w2n_instance *, int32_t, int32_t, int32_t);
typedef int32_t (*fn_iiii)(w2n_instance *, int32_t, int32_t, int32_t, int32_t);
typedef int32_t (*fn_iiiii)(w2n_instance *, int32_t, int32_t, int32_t, int32_t, int32_t);
typedef int32_t (*fn_iiiiii)(w2n_instance *, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
typedef int32_t (*fn_iiiiiii)(w2n_instance *, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
typedef int32_t (*fn_iIi)(w2n_instance *, int32_t, int64_t, int32_t);
typedef int32_t (*fn_iI)(w2n_instance *, int32_t, int64_t);
typedef int32_t (*fn_iIii)(w2n_instance *, int32_t, int64_t, int32_t, int32_t);
typedef int32_t (*fn_iiiIi)(w2n_instance *, int32_t, int32_t, int32_t, int64_t, int32_t);
typedef int32_t (*fn_open)(w2n_instance *, int32_t, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t,
                           int32_t);
typedef int32_t (*fn_v)(w2n_instance *);
typedef int32_t (*fn_iII)(w2n_instance *, int32_t, int64_t, int64_t);
typedef int32_t (*fn_iiiiIIi)(w2n_instance *, int32_t, int32_t, int32_t, int32_t, int64_t, int64_t, int32_t);

static uint32_t put(uint32_t off, const char *str) {
  size_t n = strlen(str);
  memcpy(M + off, str, n);
  return (uint32_t)n;
}
static uint32_t ld32(uint32_t off) {
  uint32_t v;
  memcpy(&v, M + off, 4);
  return v;
}
static uint64_t ld64(uint32_t off) {
  uint64_t v;
  memcpy(&v, M + off, 8);
  return v;
}
static void st32(uint32_t off, uint32_t v) { memcpy(M + off, &v, 4); }

/* ---- wrappers ---- */

static int32_t p_open(int32_t dir, int32_t lookup, const char *path, int32_t oflags, uint64_t rights, int32_t *fd) {
  static fn_open f;
  if (!f) f = (fn_open)wasi("path_open", "iiiiiIIii:i");
  uint32_t n = put(PATH, path);
  st32(RES, 0xdeadbeef);
  int32_t e = f(inst, dir, lookup, PATH, (int32_t)n, oflags, (int64_t)rights, (int64_t)rights, 0, RES);
  if (fd) *fd = e == 0 ? (int32_t)ld32(RES) : -1;
  return e;
}
static int32_t p_close(int32_t fd) {
  static fn_i f;
  if (!f) f = (fn_i)wasi("fd_close", "i:i");
  return f(inst, fd);
}
static int32_t p_write(int32_t fd, const char *a, const char *b, uint32_t *nw) {
  static fn_iiii f;
  if (!f) f = (fn_iiii)wasi("fd_write", "iiii:i");
  uint32_t na = put(BUF, a), nb = put(BUF + 256, b);
  st32(IOV, BUF), st32(IOV + 4, na), st32(IOV + 8, BUF + 256), st32(IOV + 12, nb);
  int32_t e = f(inst, fd, IOV, 2, RES);
  if (nw) *nw = ld32(RES);
  return e;
}
static int32_t p_read(int32_t fd, char *out, uint32_t cap) {
  static fn_iiii f;
  if (!f) f = (fn_iiii)wasi("fd_read", "iiii:i");
  st32(IOV, BUF), st32(IOV + 4, cap);
  int32_t e = f(inst, fd, IOV, 1, RES);
  if (e == 0) {
    memcpy(out, M + BUF, ld32(RES));
    out[ld32(RES)] = 0;
  }
  return e;
}
static int32_t p_path1(const char *fn, int32_t dir, const char *path) { /* fd, path, len */
  uint32_t n = put(PATH, path);
  return ((fn_iii)wasi(fn, "iii:i"))(inst, dir, PATH, (int32_t)n);
}
static int32_t p_filestat(int32_t dir, int32_t flags, const char *path, uint8_t *type) {
  uint32_t n = put(PATH, path);
  int32_t e = ((fn_iiiii)wasi("path_filestat_get", "iiiii:i"))(inst, dir, flags, PATH, (int32_t)n, BIG);
  if (e == 0 && type) *type = M[BIG + 16];
  return e;
}
static int32_t p_rename(int32_t d1, const char *a, int32_t d2, const char *b) {
  uint32_t na = put(PATH, a), nb = put(PATH2, b);
  return ((fn_iiiiii)wasi("path_rename", "iiiiii:i"))(inst, d1, PATH, (int32_t)na, d2, PATH2, (int32_t)nb);
}
static int32_t p_symlink(const char *target, int32_t dir, const char *name) {
  uint32_t na = put(PATH, target), nb = put(PATH2, name);
  return ((fn_iiiii)wasi("path_symlink", "iiiii:i"))(inst, PATH, (int32_t)na, dir, PATH2, (int32_t)nb);
}
static int32_t p_link(int32_t d1, int32_t flags, const char *a, int32_t d2, const char *b) {
  uint32_t na = put(PATH, a), nb = put(PATH2, b);
  return ((fn_iiiiiii)wasi("path_link", "iiiiiii:i"))(inst, d1, flags, PATH, (int32_t)na, d2, PATH2, (int32_t)nb);
}
static int32_t p_readlink(int32_t dir, const char *path, char *out) {
  uint32_t n = put(PATH, path);
  int32_t e = ((fn_iiiiii)wasi("path_readlink", "iiiiii:i"))(inst, dir, PATH, (int32_t)n, BUF, 256, RES);
  if (e == 0) {
    memcpy(out, M + BUF, ld32(RES));
    out[ld32(RES)] = 0;
  }
  return e;
}

/* Lists a directory with fd_readdir using buffers of `chunk` bytes; names joined by '|' in sorted-free
 * order of the directory. Returns 0 or the errno. */
static int32_t list_dir(int32_t fd, uint32_t chunk, char *out, size_t cap) {
  fn_iiiIi f = (fn_iiiIi)wasi("fd_readdir", "iiiIi:i");
  uint64_t cookie = 0;
  out[0] = 0;
  for (int rounds = 0; rounds < 10000; rounds++) {
    int32_t e = f(inst, fd, BIG, (int32_t)chunk, (int64_t)cookie, RES);
    if (e) return e;
    uint32_t used = ld32(RES), pos = 0;
    while (pos + 24 <= used) {
      uint64_t next = ld64(BIG + pos);
      uint32_t namlen = ld32(BIG + pos + 16);
      if (pos + 24 + namlen > used) break; /* truncated: ask again from `cookie` */
      strncat(out, (const char *)M + BIG + pos + 24, namlen < cap - strlen(out) - 2 ? namlen : 0);
      strcat(out, "|");
      cookie = next;
      pos += 24 + namlen;
    }
    if (used < chunk) return 0;
  }
  return -1;
}

static int has_name(const char *list, const char *name) {
  char pat[300];
  snprintf(pat, sizeof pat, "|%s|", name);
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "|%s", list);
  return strstr(tmp, pat) != NULL;
}

/* ---- the checks that depend on path resolution ---- */

static char root[256];

static void path_checks(const char *mode) {
  int32_t fd = -1, fd2 = -1;
  uint8_t type = 0;
  char text[512];
  /* create, write, read back */
  CHECK(p_open(3, 0, "file.txt", O_CREAT_ | O_TRUNC_, R_RW, &fd) == 0 && fd > 4, "[%s] path_open creates file.txt", mode);
  uint32_t nw = 0;
  CHECK(p_write(fd, "hello ", "world", &nw) == 0 && nw == 11, "[%s] fd_write with two iovecs", mode);
  CHECK(((fn_iIii)wasi("fd_seek", "iIii:i"))(inst, fd, 0, 0, RES) == 0 && ld64(RES) == 0, "[%s] fd_seek to 0", mode);
  CHECK(p_read(fd, text, 100) == 0 && strcmp(text, "hello world") == 0, "[%s] fd_read reads it back", mode);
  CHECK(((fn_ii)wasi("fd_tell", "ii:i"))(inst, fd, RES) == 0 && ld64(RES) == 11, "[%s] fd_tell", mode);
  CHECK(((fn_ii)wasi("fd_filestat_get", "ii:i"))(inst, fd, BIG) == 0 && ld64(BIG + 32) == 11 && M[BIG + 16] == 4,
        "[%s] fd_filestat_get: regular file of 11 bytes", mode);
  CHECK(p_close(fd) == 0 && p_close(fd) == EBADF_, "[%s] fd_close, then EBADF", mode);

  /* resolution that stays inside */
  CHECK(p_open(3, 0, "sub/../file.txt", 0, R_READ, &fd) == 0 && p_close(fd) == 0, "[%s] sub/../file.txt opens", mode);
  CHECK(p_open(3, 0, "./sub//inner.txt", 0, R_READ, &fd) == 0 && p_read(fd, text, 100) == 0 &&
            strcmp(text, "inner") == 0 && p_close(fd) == 0,
        "[%s] ./sub//inner.txt opens", mode);
  CHECK(p_open(3, 0, "link_sub/inner.txt", 0, R_READ, &fd) == 0 && p_close(fd) == 0,
        "[%s] through a symlink to a subdirectory", mode);
  CHECK(p_open(3, FOLLOW, "sub/link_back", 0, R_READ, &fd) == 0 && p_read(fd, text, 100) == 0 &&
            strcmp(text, "hello world") == 0 && p_close(fd) == 0,
        "[%s] following sub/link_back -> ../file.txt (stays inside)", mode);
  CHECK(p_open(3, 0, "sub/link_back", 0, R_READ, &fd) == ELOOP_, "[%s] not following a final symlink: ELOOP", mode);
  CHECK(p_open(3, 0, "sub/", O_DIRECTORY_, R_READDIR, &fd) == 0 && p_close(fd) == 0, "[%s] sub/ opens as a directory",
        mode);
  CHECK(p_open(3, 0, "file.txt/", 0, R_READ, &fd) == ENOTDIR_, "[%s] file.txt/ -> ENOTDIR", mode);
  CHECK(p_open(3, 0, "missing", 0, R_READ, &fd) == ENOENT_, "[%s] missing -> ENOENT", mode);
  CHECK(p_open(3, 0, "", 0, R_READ, &fd) == ENOENT_, "[%s] empty path -> ENOENT", mode);
  CHECK(p_open(3, 0, "file.txt", O_DIRECTORY_, R_READ, &fd) == ENOTDIR_, "[%s] O_DIRECTORY on a file -> ENOTDIR", mode);
  CHECK(p_open(3, 0, "file.txt", O_CREAT_ | O_EXCL_, R_RW, &fd) == EEXIST_, "[%s] O_CREAT|O_EXCL on a file -> EEXIST", mode);

  /* escapes */
  CHECK(p_open(3, 0, "../outside.txt", 0, R_READ, &fd) == EPERM_, "[%s] ../outside.txt -> EPERM", mode);
  CHECK(p_open(3, 0, "/etc/passwd", 0, R_READ, &fd) == EPERM_, "[%s] absolute /etc/passwd -> EPERM", mode);
  CHECK(p_open(3, 0, "sub/../../outside.txt", 0, R_READ, &fd) == EPERM_, "[%s] sub/../../outside.txt -> EPERM", mode);
  CHECK(p_open(3, 0, "link_etc/passwd", 0, R_READ, &fd) == EPERM_, "[%s] link_etc/passwd (-> /etc) -> EPERM", mode);
  CHECK(p_open(3, FOLLOW, "link_etc", O_DIRECTORY_, R_READDIR, &fd) == EPERM_, "[%s] following link_etc -> EPERM", mode);
  CHECK(p_open(3, 0, "link_up/outside.txt", 0, R_READ, &fd) == EPERM_, "[%s] link_up (-> ..) -> EPERM", mode);
  CHECK(p_open(3, FOLLOW, "link_chain", 0, R_READ, &fd) == EPERM_, "[%s] link_chain (-> sub/../../outside.txt) -> EPERM",
        mode);
  CHECK(p_open(3, FOLLOW | 0, "sub/link_out", O_CREAT_, R_RW, &fd) == EPERM_,
        "[%s] O_CREAT through a dangling symlink pointing outside -> EPERM", mode);
  CHECK(p_filestat(3, FOLLOW, "link_etc", &type) == EPERM_, "[%s] path_filestat_get following link_etc -> EPERM", mode);
  CHECK(p_filestat(3, 0, "link_etc", &type) == 0 && type == 7, "[%s] path_filestat_get of the link itself", mode);
  CHECK(p_filestat(3, 0, "..", &type) == EPERM_, "[%s] path_filestat_get .. -> EPERM", mode);
  CHECK(p_filestat(3, 0, "sub/..", &type) == 0 && type == 3, "[%s] path_filestat_get sub/.. is the preopen", mode);
  CHECK(p_path1("path_create_directory", 3, "../evil") == EPERM_, "[%s] mkdir ../evil -> EPERM", mode);
  CHECK(p_path1("path_create_directory", 3, "link_etc/evil") == EPERM_, "[%s] mkdir link_etc/evil -> EPERM", mode);
  CHECK(p_path1("path_unlink_file", 3, "link_up/outside.txt") == EPERM_, "[%s] unlink through link_up -> EPERM", mode);
  CHECK(p_path1("path_remove_directory", 3, "..") == EPERM_, "[%s] rmdir .. -> EPERM", mode);
  CHECK(p_rename(3, "file.txt", 3, "../moved") == EPERM_, "[%s] rename to ../moved -> EPERM", mode);
  CHECK(p_link(3, 0, "file.txt", 3, "link_up/hard") == EPERM_, "[%s] link into link_up -> EPERM", mode);
  CHECK(p_link(3, FOLLOW, "link_chain", 3, "hard") == EPERM_, "[%s] link following link_chain -> EPERM", mode);
  CHECK(p_symlink("/etc", 3, "newlink") == EPERM_, "[%s] symlink with an absolute target -> EPERM", mode);
  CHECK(p_readlink(3, "link_etc", text) == 0 && strcmp(text, "/etc") == 0, "[%s] readlink of link_etc reads its text",
        mode);
  char outside[300];
  snprintf(outside, sizeof outside, "%s/outside.txt", root);
  CHECK(access(outside, F_OK) == 0, "[%s] outside.txt untouched", mode);

  /* directories, links, renames */
  CHECK(p_path1("path_create_directory", 3, "newdir") == 0, "[%s] mkdir newdir", mode);
  CHECK(p_path1("path_create_directory", 3, "newdir") == EEXIST_, "[%s] mkdir newdir again -> EEXIST", mode);
  CHECK(p_filestat(3, 0, "newdir/", &type) == 0 && type == 3, "[%s] newdir/ is a directory", mode);
  CHECK(p_open(3, 0, "newdir/f", O_CREAT_, R_RW, &fd) == 0 && p_close(fd) == 0, "[%s] create newdir/f", mode);
  CHECK(p_path1("path_remove_directory", 3, "newdir") == ENOTEMPTY_, "[%s] rmdir non-empty -> ENOTEMPTY", mode);
  CHECK(p_rename(3, "newdir/f", 3, "newdir/g") == 0 && p_filestat(3, 0, "newdir/g", &type) == 0,
        "[%s] rename newdir/f -> newdir/g", mode);
  CHECK(p_link(3, 0, "newdir/g", 3, "newdir/h") == 0 && p_filestat(3, 0, "newdir/h", &type) == 0 &&
            ld64(BIG + 24) == 2,
        "[%s] path_link makes a second name (nlink 2)", mode);
  CHECK(p_symlink("g", 3, "newdir/sym") == 0 && p_readlink(3, "newdir/sym", text) == 0 && strcmp(text, "g") == 0,
        "[%s] symlink and readlink", mode);
  CHECK(p_path1("path_unlink_file", 3, "newdir") == EISDIR_ || p_path1("path_unlink_file", 3, "newdir") == EPERM_,
        "[%s] unlink of a directory fails", mode);
  CHECK(p_path1("path_unlink_file", 3, "newdir/g/") == ENOTDIR_, "[%s] unlink newdir/g/ -> ENOTDIR", mode);
  CHECK(p_path1("path_unlink_file", 3, "newdir/g") == 0 && p_path1("path_unlink_file", 3, "newdir/h") == 0 &&
            p_path1("path_unlink_file", 3, "newdir/sym") == 0,
        "[%s] unlink files and the symlink", mode);
  CHECK(p_path1("path_remove_directory", 3, "newdir") == 0 && p_filestat(3, 0, "newdir", &type) == ENOENT_,
        "[%s] rmdir newdir", mode);
  {
    uint32_t n = put(PATH, "file.txt");
    fn_iiiiIIi st = (fn_iiiiIIi)wasi("path_filestat_set_times", "iiiiIIi:i");
    CHECK(st(inst, 3, 0, PATH, (int32_t)n, 1000000000ll * 1000000, 2000000000ll * 1000000, 1 | 4) == 0 &&
              p_filestat(3, 0, "file.txt", &type) == 0 && ld64(BIG + 48) == 2000000000ull * 1000000,
          "[%s] path_filestat_set_times sets mtim", mode);
    n = put(PATH, "sub/link_back");
    CHECK(st(inst, 3, FOLLOW, PATH, (int32_t)n, 0, 3000000000ll * 1000000, 4) == 0 && p_filestat(3, 0, "file.txt", &type) == 0 &&
              ld64(BIG + 48) == 3000000000ull * 1000000,
          "[%s] path_filestat_set_times following a symlink", mode);
  }

  /* read-only preopen (fd 4) */
  CHECK(p_open(4, 0, "data.txt", 0, R_READ | R_SEEK, &fd2) == 0 && p_read(fd2, text, 100) == 0 &&
            strcmp(text, "data") == 0 && p_close(fd2) == 0,
        "[%s] read-only dir: reading is fine", mode);
  CHECK(p_open(4, 0, "data.txt", 0, R_READ | R_WRITE, &fd2) == ENOTCAPABLE_, "[%s] read-only dir: opening for write -> ENOTCAPABLE",
        mode);
  CHECK(p_open(4, 0, "new.txt", O_CREAT_, R_READ, &fd2) == ENOTCAPABLE_, "[%s] read-only dir: create -> ENOTCAPABLE", mode);
  CHECK(p_open(4, 0, "data.txt", O_TRUNC_, R_READ, &fd2) == ENOTCAPABLE_, "[%s] read-only dir: truncate -> ENOTCAPABLE", mode);
  CHECK(p_path1("path_create_directory", 4, "d") == ENOTCAPABLE_, "[%s] read-only dir: mkdir -> ENOTCAPABLE", mode);
  CHECK(p_path1("path_unlink_file", 4, "data.txt") == ENOTCAPABLE_, "[%s] read-only dir: unlink -> ENOTCAPABLE", mode);
  CHECK(p_rename(4, "data.txt", 3, "stolen") == ENOTCAPABLE_, "[%s] read-only dir: rename out -> ENOTCAPABLE", mode);
  CHECK(p_open(4, 0, ".", O_DIRECTORY_, R_READDIR | R_WRITE, &fd2) == ENOTCAPABLE_,
        "[%s] read-only dir: reopening itself for writing -> ENOTCAPABLE", mode);
  CHECK(p_open(4, 0, ".", O_DIRECTORY_, R_READDIR, &fd2) == 0 &&
            p_open(fd2, 0, "data.txt", 0, R_WRITE, &fd) == ENOTCAPABLE_ && p_close(fd2) == 0,
        "[%s] read-only dir: rights are inherited by directories opened beneath", mode);
}

/* proc_exit through a real import */
GEN static void g_exit(w2n_instance *ctx) {
  w2n_func *f = T_FUNC(ctx, 0);
  ((void (*)(w2n_instance *, int32_t))f->code)(f->ctx, 7);
}

static const char *const x_sigs[] = {"i:", ":", "iiii:i"};
static const w2n_array_call_fn x_acs[] = {t_ac_i_v, t_ac_v_v, NULL};
static w2n_import_desc x_imports[] = {{"wasi_snapshot_preview1", "proc_exit", W2N_EXTERN_FUNC, 0, 0, 0, 0, 0},
                                      {"wasi_snapshot_preview1", "fd_write", W2N_EXTERN_FUNC, 1, 2, 0, 0, 0}};
static const uint32_t x_func_types[] = {0, 2, 1};
static void *const x_func_code[] = {NULL, NULL, (void *)g_exit};
static const uint8_t x_referenced[] = {0, 0, 0};
static const w2n_export_desc x_exports[] = {{"exit", W2N_EXTERN_FUNC, 2, sizeof "exit" - 1}, {"write", W2N_EXTERN_FUNC, 1, sizeof "write" - 1}};
static const w2n_limits_desc one_page[] = {{0, 0, 1, UINT64_MAX}};

static w2n_module exit_module(void) {
  w2n_module m;
  memset(&m, 0, sizeof m);
  m.abi_version = W2N_ABI_VERSION;
  m.num_types = 3;
  m.type_sigs = x_sigs;
  m.type_array_calls = x_acs;
  m.num_imports = 2;
  m.imports = x_imports;
  m.num_exports = 2;
  m.exports = x_exports;
  m.num_funcs = 3;
  m.num_imported_funcs = 2;
  m.func_types = x_func_types;
  m.func_code = x_func_code;
  m.func_referenced = x_referenced;
  m.num_memories = 1;
  m.memories = one_page;
  m.code_start = __start_w2n_gen;
  m.code_end = __stop_w2n_gen;
  t_layout(&m, 0);
  return m;
}

static void write_file(const char *dir, const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  if (!f) exit(2);
  fputs(text, f);
  fclose(f);
}

int main(void) {
  char tmpl[] = "/tmp/w2n-wasi-XXXXXX";
  if (!mkdtemp(tmpl)) return 2;
  snprintf(root, sizeof root, "%s", tmpl);
  char sandbox[300], ro[300], p[600];
  snprintf(sandbox, sizeof sandbox, "%s/sandbox", root);
  snprintf(ro, sizeof ro, "%s/ro", root);
  mkdir(sandbox, 0755);
  mkdir(ro, 0755);
  snprintf(p, sizeof p, "%s/sub", sandbox);
  mkdir(p, 0755);
  write_file(root, "outside.txt", "secret");
  write_file(sandbox, "sub/inner.txt", "inner");
  write_file(ro, "data.txt", "data");
#define LINK(target, name)                                                                                          \
  snprintf(p, sizeof p, "%s/%s", sandbox, name);                                                                   \
  if (symlink(target, p) != 0) return 2
  LINK("/etc", "link_etc");
  LINK("..", "link_up");
  LINK("sub", "link_sub");
  LINK("sub/../../outside.txt", "link_chain");
  LINK("../file.txt", "sub/link_back");
  LINK("../../created-outside", "sub/link_out");

  s = w2n_store_new();
  static const char *const argv[] = {"prog", "a b"};
  static const char *const env[] = {"X=1", "EMPTY="};
  w2n_wasi_dir dirs[] = {{sandbox, "/sandbox", 0}, {ro, "ro", 1}};
  w2n_wasi_config cfg = {2, argv, 2, env, 2, dirs, 1};
  w2n_error err;
  CHECK(w2n_wasi_configure(s, &cfg, &err) == 0, "configure");
  w2n_wasi_dir bad[] = {{"/nonexistent/dir", "x", 0}};
  w2n_wasi_config badcfg = {0, NULL, 0, NULL, 1, bad, 1};
  CHECK(w2n_wasi_configure(s, &badcfg, &err) == -1 && strstr(err.message, "/nonexistent/dir"),
        "configure with a missing directory fails (%s)", err.message);

  w2n_module em = exit_module();
  inst = w2n_instantiate(s, &em, w2n_wasi_resolve, NULL, &err);
  CHECK(inst != NULL, "instantiate a module importing proc_exit and fd_write (%s)", inst ? "ok" : err.message);
  if (!inst) return t_done();
  {
    w2n_extern mem;
    M = T_MEM(inst, 0)->base;
    (void)mem;
  }

  /* signatures checked at instantiation */
  x_imports[1].type = 0;
  w2n_module bad_type = exit_module();
  CHECK(w2n_instantiate(s, &bad_type, w2n_wasi_resolve, NULL, &err) == NULL &&
            strcmp(err.message, "incompatible import type: wasi_snapshot_preview1.fd_write") == 0,
        "fd_write imported with the wrong type -> incompatible import type");
  x_imports[1].type = 2;
  x_imports[1].name = "no_such_function";
  w2n_module bad_name = exit_module();
  CHECK(w2n_instantiate(s, &bad_name, w2n_wasi_resolve, NULL, &err) == NULL &&
            strcmp(err.message, "unknown import: wasi_snapshot_preview1.no_such_function") == 0,
        "unknown WASI function -> unknown import");
  x_imports[1].name = "fd_write";

  /* all signatures */
  static const char *const all[][2] = {
      {"args_get", "ii:i"}, {"args_sizes_get", "ii:i"}, {"environ_get", "ii:i"}, {"environ_sizes_get", "ii:i"},
      {"clock_res_get", "ii:i"}, {"clock_time_get", "iIi:i"}, {"fd_advise", "iIIi:i"}, {"fd_allocate", "iII:i"},
      {"fd_close", "i:i"}, {"fd_datasync", "i:i"}, {"fd_fdstat_get", "ii:i"}, {"fd_fdstat_set_flags", "ii:i"},
      {"fd_fdstat_set_rights", "iII:i"}, {"fd_filestat_get", "ii:i"}, {"fd_filestat_set_size", "iI:i"},
      {"fd_filestat_set_times", "iIIi:i"}, {"fd_pread", "iiiIi:i"}, {"fd_prestat_get", "ii:i"},
      {"fd_prestat_dir_name", "iii:i"}, {"fd_pwrite", "iiiIi:i"}, {"fd_read", "iiii:i"}, {"fd_readdir", "iiiIi:i"},
      {"fd_renumber", "ii:i"}, {"fd_seek", "iIii:i"}, {"fd_sync", "i:i"}, {"fd_tell", "ii:i"}, {"fd_write", "iiii:i"},
      {"path_create_directory", "iii:i"}, {"path_filestat_get", "iiiii:i"}, {"path_filestat_set_times", "iiiiIIi:i"},
      {"path_link", "iiiiiii:i"}, {"path_open", "iiiiiIIii:i"}, {"path_readlink", "iiiiii:i"},
      {"path_remove_directory", "iii:i"}, {"path_rename", "iiiiii:i"}, {"path_symlink", "iiiii:i"},
      {"path_unlink_file", "iii:i"}, {"poll_oneoff", "iiii:i"}, {"proc_exit", "i:"}, {"proc_raise", "i:i"},
      {"sched_yield", ":i"}, {"random_get", "ii:i"}, {"sock_accept", "iii:i"}, {"sock_recv", "iiiiii:i"},
      {"sock_send", "iiiii:i"}, {"sock_shutdown", "ii:i"}};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) (void)wasi(all[i][0], all[i][1]);
  CHECK(1, "all %zu preview1 functions resolve with their canonical signatures", sizeof all / sizeof all[0]);

  /* args and environment */
  fn_ii args_sizes = (fn_ii)wasi("args_sizes_get", "ii:i");
  CHECK(args_sizes(inst, RES, RES2) == 0 && ld32(RES) == 2 && ld32(RES2) == 9, "args_sizes_get: 2 args, 9 bytes");
  CHECK(((fn_ii)wasi("args_get", "ii:i"))(inst, IOV, BUF) == 0 && ld32(IOV) == BUF &&
            strcmp((char *)M + ld32(IOV), "prog") == 0 && strcmp((char *)M + ld32(IOV + 4), "a b") == 0,
        "args_get");
  CHECK(((fn_ii)wasi("environ_sizes_get", "ii:i"))(inst, RES, RES2) == 0 && ld32(RES) == 2 && ld32(RES2) == 11,
        "environ_sizes_get");
  CHECK(((fn_ii)wasi("environ_get", "ii:i"))(inst, IOV, BUF) == 0 && strcmp((char *)M + ld32(IOV + 4), "EMPTY=") == 0,
        "environ_get");
  CHECK(args_sizes(inst, 65534, RES2) == EFAULT_ && ((fn_ii)wasi("args_get", "ii:i"))(inst, IOV, 65530) == EFAULT_,
        "guest pointers out of bounds -> EFAULT");

  /* preopens */
  fn_ii prestat = (fn_ii)wasi("fd_prestat_get", "ii:i");
  CHECK(prestat(inst, 3, RES) == 0 && M[RES] == 0 && ld32(RES + 4) == 8, "fd_prestat_get(3): dir, name length 8");
  CHECK(((fn_iii)wasi("fd_prestat_dir_name", "iii:i"))(inst, 3, BUF, 8) == 0 && memcmp(M + BUF, "/sandbox", 8) == 0,
        "fd_prestat_dir_name(3) = /sandbox");
  CHECK(prestat(inst, 4, RES) == 0 && ld32(RES + 4) == 2, "fd_prestat_get(4): ro");
  CHECK(prestat(inst, 5, RES) == EBADF_ && prestat(inst, 1, RES) == EBADF_, "fd_prestat_get of non-preopens -> EBADF");

  /* stdio */
  fflush(stdout);
  uint32_t nw = 0;
  CHECK(p_write(1, "# fd_write to ", "stdout\n", &nw) == 0 && nw == 21, "fd_write to stdout (unbuffered)");
  fn_ii fdstat = (fn_ii)wasi("fd_fdstat_get", "ii:i");
  CHECK(fdstat(inst, 1, BIG) == 0 && (ld64(BIG + 8) & R_WRITE), "fd_fdstat_get(1) has the write right");
  CHECK(fdstat(inst, 3, BIG) == 0 && M[BIG] == 3, "fd_fdstat_get(3): a directory");
  {
    st32(IOV, 70000), st32(IOV + 4, 4);
    CHECK(((fn_iiii)wasi("fd_write", "iiii:i"))(inst, 1, IOV, 1, RES) == EFAULT_, "fd_write with a bad buffer -> EFAULT");
    CHECK(((fn_iiii)wasi("fd_write", "iiii:i"))(inst, 1, 65532, 1, RES) == EFAULT_, "fd_write with bad iovecs -> EFAULT");
    CHECK(((fn_iiii)wasi("fd_write", "iiii:i"))(inst, 42, IOV, 1, RES) == EBADF_, "fd_write to a closed fd -> EBADF");
  }

  /* clocks, random, misc */
  fn_iIi now = (fn_iIi)wasi("clock_time_get", "iIi:i");
  CHECK(now(inst, 0, 1, RES) == 0 && ld64(RES) > 1600000000ull * 1000000000ull, "clock_time_get(realtime)");
  CHECK(now(inst, 1, 1, RES) == 0 && ld64(RES) > 0 && now(inst, 2, 1, RES) == 0 && now(inst, 3, 1, RES) == 0,
        "clock_time_get(monotonic, process, thread)");
  CHECK(now(inst, 9, 1, RES) == EINVAL_, "clock_time_get(unknown clock) -> EINVAL");
  CHECK(((fn_ii)wasi("clock_res_get", "ii:i"))(inst, 1, RES) == 0 && ld64(RES) > 0, "clock_res_get");
  memset(M + BUF, 0, 64);
  CHECK(((fn_ii)wasi("random_get", "ii:i"))(inst, BUF, 64) == 0 && (ld64(BUF) | ld64(BUF + 8)) != 0, "random_get");
  CHECK(((fn_ii)wasi("random_get", "ii:i"))(inst, 65535, 2) == EFAULT_, "random_get out of bounds -> EFAULT");
  CHECK(((fn_v)wasi("sched_yield", ":i"))(inst) == 0, "sched_yield");
  CHECK(((fn_i)wasi("proc_raise", "i:i"))(inst, 6) == ENOTSUP_, "proc_raise -> ENOTSUP");

  /* poll_oneoff: a 20 ms relative clock */
  {
    memset(M + BIG, 0, 48);
    uint64_t ud = 0x1234, timeout = 20000000;
    memcpy(M + BIG, &ud, 8);
    M[BIG + 8] = 0;                     /* clock */
    st32(BIG + 16, 1);                  /* monotonic */
    memcpy(M + BIG + 24, &timeout, 8);  /* timeout */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int32_t e = ((fn_iiii)wasi("poll_oneoff", "iiii:i"))(inst, BIG, BIG + 512, 1, RES);
    clock_gettime(CLOCK_MONOTONIC, &b);
    int64_t ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    CHECK(e == 0 && ld32(RES) == 1 && ld64(BIG + 512) == 0x1234 && M[BIG + 512 + 10] == 0 && ms >= 19,
          "poll_oneoff with a 20 ms clock sleeps and reports it (%lld ms)", (long long)ms);
    CHECK(((fn_iiii)wasi("poll_oneoff", "iiii:i"))(inst, BIG, BIG + 512, 0, RES) == EINVAL_,
          "poll_oneoff with no subscriptions -> EINVAL");
  }

  /* readdir of the preopen, whole and in small chunks */
  {
    static char full[4096], chunked[4096];
    int32_t e1 = list_dir(3, 4096, full, sizeof full);
    CHECK(e1 == 0 && has_name(full, ".") && has_name(full, "..") && has_name(full, "sub") &&
              has_name(full, "link_etc"),
          "fd_readdir lists the directory (%s)", full);
    int32_t e2 = list_dir(3, 40, chunked, sizeof chunked); /* entries are at most 34 bytes here */
    CHECK(e2 == 0 && strcmp(full, chunked) == 0, "fd_readdir with a 40-byte buffer and cookies gives the same list");
    CHECK(((fn_iiiIi)wasi("fd_readdir", "iiiIi:i"))(inst, 1, BIG, 100, 0, RES) == ENOTDIR_ ||
              ((fn_iiiIi)wasi("fd_readdir", "iiiIi:i"))(inst, 1, BIG, 100, 0, RES) == ENOTCAPABLE_,
          "fd_readdir on stdout fails");
  }

  /* paths, with openat2 and with the fallback */
  long probe = syscall(437, -1, "", NULL, 0);
  int have_openat2 = !(probe < 0 && errno == ENOSYS);
  printf("# openat2 %s\n", have_openat2 ? "available" : "not available (fallback walk only)");
  path_checks(have_openat2 ? "openat2" : "fallback");
  w2n__wasi_no_openat2 = 1;
  {
    int32_t e = p_path1("path_unlink_file", 3, "file.txt");
    (void)e;
  }
  path_checks("walk");
  w2n__wasi_no_openat2 = 0;
  snprintf(p, sizeof p, "%s/created-outside", root);
  CHECK(access(p, F_OK) != 0, "nothing was created outside the sandbox");

  /* fds: renumber, sizes, rights */
  {
    int32_t a = -1, b = -1;
    p_open(3, 0, "file.txt", 0, R_RW, &a);
    p_open(3, 0, "sub/inner.txt", 0, R_READ, &b);
    char text[64];
    CHECK(((fn_ii)wasi("fd_renumber", "ii:i"))(inst, a, b) == 0 && p_read(b, text, 5) == 0 && strcmp(text, "hello") == 0 &&
              p_close(a) == EBADF_,
          "fd_renumber moves the file and closes the target");
    CHECK(((fn_iI)wasi("fd_filestat_set_size", "iI:i"))(inst, b, 3) == 0 &&
              ((fn_ii)wasi("fd_filestat_get", "ii:i"))(inst, b, BIG) == 0 && ld64(BIG + 32) == 3,
          "fd_filestat_set_size");
    fn_iII set_rights = (fn_iII)wasi("fd_fdstat_set_rights", "iII:i");
    CHECK(set_rights(inst, b, R_READ | R_SEEK | R_TELL, 0) == 0 && p_write(b, "x", "", &nw) == EBADF_,
          "dropping the write right makes fd_write fail");
    CHECK(set_rights(inst, b, R_READ | R_WRITE, 0) == ENOTCAPABLE_, "rights cannot grow back");
    p_close(b);
  }

  /* proc_exit unwinds like a trap */
  {
    int code = -1;
    CHECK(w2n_wasi_exit_code(s, &code) == 0, "no exit code before proc_exit");
    w2n_value v[1];
    v[0].i64 = 0;
    int rc = w2n_call(s, t_export_func(inst, "exit"), v, &err);
    CHECK(rc == -1 && err.trap == W2N_TRAP_NONE && strcmp(err.message, "exit") == 0, "proc_exit: w2n_call returns -1, \"exit\"");
    CHECK(w2n_wasi_exit_code(s, &code) == 1 && code == 7, "w2n_wasi_exit_code reports 7");
    CHECK(s->activation == NULL && s->stack_limit == 0, "store state restored after proc_exit");
  }

  w2n_instance_free(inst);
  w2n_store_free(s);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) printf("# could not remove %s\n", root);
  return t_done();
}
