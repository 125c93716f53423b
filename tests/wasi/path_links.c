// path_symlink, path_readlink, path_link: creating and reading symlinks (relative targets, even ones
// that lead out, may be created; they can never be followed out), hard links, and the errors:
// EBADF, ENOTDIR, EEXIST, ENOENT, EINVAL, EFAULT, ENOTCAPABLE, EPERM.
// functions: path_symlink path_readlink path_link
#include "check.h"

static char text[256];
static __wasi_size_t used;

static I readlink_(I dir, const char *path, I cap) {
  memset(text, 0, sizeof text);
  return w_path_readlink(dir, S(path), P(text), cap, P(&used));
}

int main(void) {
  check_preopens();
  I f = make_file(RW, "target.txt", "target");
  EXPECT(w_path_create_directory(RW, S("d")), 0);

  /* path_symlink and path_readlink */
  EXPECT(w_path_symlink(S("target.txt"), RW, S("sym")), 0);
  EXPECT(readlink_(RW, "sym", sizeof text), 0);
  CHECK(used == 10 && strcmp(text, "target.txt") == 0, "readlink sym = target.txt");
  EXPECT(readlink_(RW, "sym", 6), 0);
  CHECK(used == 6 && strcmp(text, "target") == 0, "a short buffer gets the first bytes (bufused = its size)");
  EXPECT(w_path_symlink(S("../target.txt"), RW, S("d/up")), 0);
  I fd;
  EXPECT(open_at(RW, "d/up", 0, __WASI_RIGHTS_FD_READ, 0, &fd), 0);
  CHECK(fd > 0, "d/up -> ../target.txt stays inside: it opens");
  w_fd_close(fd);
  /* links whose text leads out can be made (as symlink(2) makes anything), never followed out */
  EXPECT(w_path_symlink(S("../../outside.txt"), RW, S("d/out")), 0);
  EXPECT(readlink_(RW, "d/out", sizeof text), 0);
  CHECK(strcmp(text, "../../outside.txt") == 0, "d/out reads back verbatim");
  EXPECT(open_at(RW, "d/out", 0, __WASI_RIGHTS_FD_READ, 0, &fd), __WASI_ERRNO_PERM);
  EXPECT(w_path_symlink(S("/etc/passwd"), RW, S("abs")), __WASI_ERRNO_PERM); /* could only ever lead out */
  EXPECT(w_path_symlink(S("x"), RW, S("sym")), __WASI_ERRNO_EXIST);
  EXPECT(w_path_symlink(S("x"), RW, S("d")), __WASI_ERRNO_EXIST);
  EXPECT(w_path_symlink(S("x"), RW, S("nodir/sym")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_symlink(S("x"), RW, S("../sym")), __WASI_ERRNO_PERM);
  EXPECT(w_path_symlink(S("x"), RW, S("planted/up/sym")), __WASI_ERRNO_PERM);
  EXPECT(w_path_symlink(S("x"), RO, S("sym")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_symlink(S("x"), NOFD, S("sym2")), __WASI_ERRNO_BADF);
  EXPECT(w_path_symlink(S("x"), f, S("sym2")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_symlink(OOB, 4, RW, S("sym2")), __WASI_ERRNO_FAULT);
  EXPECT(w_path_symlink(S("x"), RW, straddle(), 2), __WASI_ERRNO_FAULT);
  EXPECT(readlink_(RW, "target.txt", sizeof text), __WASI_ERRNO_INVAL);
  EXPECT(readlink_(RW, "missing", sizeof text), __WASI_ERRNO_NOENT);
  EXPECT(readlink_(RO, "link-to-data", sizeof text), 0);
  CHECK(strcmp(text, "data.txt") == 0, "readlink in the read-only directory");
  EXPECT(readlink_(RW, "planted/etc", sizeof text), 0);
  CHECK(strcmp(text, "/etc") == 0, "readlink of a planted symlink to /etc reads its text");
  EXPECT(readlink_(RW, "planted/etc/passwd", sizeof text), __WASI_ERRNO_PERM);
  EXPECT(readlink_(RW, "../rw/sym", sizeof text), __WASI_ERRNO_PERM);
  EXPECT(readlink_(NOFD, "sym", sizeof text), __WASI_ERRNO_BADF);
  EXPECT(readlink_(f, "sym", sizeof text), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_readlink(RW, S("sym"), OOB, 10, P(&used)), __WASI_ERRNO_FAULT);
  EXPECT(w_path_readlink(RW, S("sym"), straddle(), 10, P(&used)), __WASI_ERRNO_FAULT);
  EXPECT(w_path_readlink(RW, S("sym"), P(text), 10, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_path_readlink(RW, OOB, 3, P(text), 10, P(&used)), __WASI_ERRNO_FAULT);

  /* path_link */
  __wasi_filestat_t st;
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, S("d/hard")), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("target.txt"), P(&st)), 0);
  CHECK(st.nlink == 2, "two names after path_link");
  EXPECT(w_path_link(RW, 0, S("sym"), RW, S("hard-sym")), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("hard-sym"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "without SYMLINK_FOLLOW, the link itself is linked");
  EXPECT(w_path_link(RW, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S("sym"), RW, S("hard-followed")), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("hard-followed"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.nlink == 3, "with SYMLINK_FOLLOW, its target");
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, S("sym")), __WASI_ERRNO_EXIST);
  EXPECT(w_path_link(RW, 0, S("missing"), RW, S("x")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_link(RW, 0, S("d"), RW, S("x")), __WASI_ERRNO_PERM); /* no hard links to directories */
  /* "name/" names a directory (wasi-testsuite's rust/path_link): as link(2) */
  EXPECT(w_path_link(RW, 0, S("target.txt/"), RW, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_link(RW, 0, S("d/"), RW, S("x")), __WASI_ERRNO_PERM);
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, S("x/")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, S("d/hard/")), __WASI_ERRNO_EXIST);
  EXPECT(w_path_filestat_get(RW, 0, S("x"), P(&st)), __WASI_ERRNO_NOENT);
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, S("../hard")), __WASI_ERRNO_PERM);
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, S("planted/up/hard")), __WASI_ERRNO_PERM);
  EXPECT(w_path_link(RW, 0, S("../outside.txt"), RW, S("stolen")), __WASI_ERRNO_PERM);
  EXPECT(w_path_link(RW, 0, S("planted/up/outside.txt"), RW, S("stolen")), __WASI_ERRNO_PERM);
  EXPECT(w_path_link(RW, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, S("d/out"), RW, S("stolen")), __WASI_ERRNO_PERM);
  EXPECT(w_path_link(RO, 0, S("data.txt"), RW, S("stolen")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_link(RW, 0, S("target.txt"), RO, S("planted")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_link(NOFD, 0, S("target.txt"), RW, S("x")), __WASI_ERRNO_BADF);
  EXPECT(w_path_link(RW, 0, S("target.txt"), NOFD, S("x")), __WASI_ERRNO_BADF);
  EXPECT(w_path_link(f, 0, S("target.txt"), RW, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_link(RW, 0, OOB, 4, RW, S("x")), __WASI_ERRNO_FAULT);
  EXPECT(w_path_link(RW, 0, S("target.txt"), RW, straddle(), 2), __WASI_ERRNO_FAULT);
  w_fd_close(f);
  return done();
}
