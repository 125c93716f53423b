// path_create_directory, path_remove_directory, path_unlink_file, path_rename: creating, renaming and
// removing files and directories, and the errors: EBADF, ENOTDIR, EEXIST, ENOENT, ENOTEMPTY, EISDIR,
// EINVAL, EFAULT, ENOTCAPABLE (rights, read-only directory) and EPERM (escapes).
// functions: path_create_directory path_remove_directory path_unlink_file path_rename
#include "check.h"

static int exists(I dir, const char *path) {
  __wasi_filestat_t st;
  return w_path_filestat_get(dir, 0, S(path), P(&st)) == 0;
}

int main(void) {
  check_preopens();
  /* path_create_directory */
  EXPECT(w_path_create_directory(RW, S("a")), 0);
  EXPECT(w_path_create_directory(RW, S("a/b/")), 0);
  CHECK(exists(RW, "a/b"), "a/b exists");
  EXPECT(w_path_create_directory(RW, S("a")), __WASI_ERRNO_EXIST);
  EXPECT(w_path_create_directory(RW, S("missing/x")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_create_directory(RW, S("")), __WASI_ERRNO_NOENT);
  I f = make_file(RW, "file", "x");
  EXPECT(w_path_create_directory(RW, S("file")), __WASI_ERRNO_EXIST);
  EXPECT(w_path_create_directory(RW, S("file/x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_create_directory(f, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_create_directory(NOFD, S("x")), __WASI_ERRNO_BADF);
  EXPECT(w_path_create_directory(RW, OOB, 3), __WASI_ERRNO_FAULT);
  EXPECT(w_path_create_directory(RW, straddle(), 2), __WASI_ERRNO_FAULT);
  EXPECT(w_path_create_directory(RW, S("../escaped")), __WASI_ERRNO_PERM);
  EXPECT(w_path_create_directory(RW, S("/tmp/escaped")), __WASI_ERRNO_PERM);
  EXPECT(w_path_create_directory(RW, S("planted/up/escaped")), __WASI_ERRNO_PERM);
  EXPECT(w_path_create_directory(RW, S("planted/etc/escaped")), __WASI_ERRNO_PERM);
  EXPECT(w_path_create_directory(RO, S("d")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_create_directory(RO, S("sub/d")), __WASI_ERRNO_NOTCAPABLE);

  /* path_unlink_file */
  I g = make_file(RW, "a/b/g", "g");
  EXPECT(w_path_unlink_file(RW, S("a/b/g")), 0);
  CHECK(!exists(RW, "a/b/g"), "a/b/g is gone");
  EXPECT(w_fd_close(g), 0); /* an open file outlives its name */
  EXPECT(w_path_unlink_file(RW, S("a/b/g")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_unlink_file(RW, S("a")), __WASI_ERRNO_ISDIR);
  EXPECT(w_path_unlink_file(RW, S("file/")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_unlink_file(RW, S("a/")), __WASI_ERRNO_ISDIR);
  EXPECT(w_path_unlink_file(f, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_unlink_file(NOFD, S("file")), __WASI_ERRNO_BADF);
  EXPECT(w_path_unlink_file(RW, OOB, 4), __WASI_ERRNO_FAULT);
  EXPECT(w_path_unlink_file(RW, S("../outside.txt")), __WASI_ERRNO_PERM);
  EXPECT(w_path_unlink_file(RW, S("planted/up/outside.txt")), __WASI_ERRNO_PERM);
  EXPECT(w_path_unlink_file(RO, S("data.txt")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_symlink(S("file"), RW, S("to-file")), 0);
  EXPECT(w_path_unlink_file(RW, S("to-file")), 0);
  CHECK(exists(RW, "file"), "unlinking a symlink leaves its target");
  EXPECT(w_path_unlink_file(RW, S("planted/etc")), 0); /* the link itself, inside: fine */
  CHECK(!exists(RW, "planted/etc"), "planted/etc (a symlink to /etc) removed, /etc untouched");

  /* path_remove_directory */
  EXPECT(w_path_remove_directory(RW, S("a")), __WASI_ERRNO_NOTEMPTY);
  EXPECT(w_path_remove_directory(RW, S("a/b")), 0);
  CHECK(!exists(RW, "a/b"), "a/b removed");
  EXPECT(w_path_remove_directory(RW, S("a/b")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_remove_directory(RW, S("file")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_remove_directory(RW, S(".")), __WASI_ERRNO_INVAL);
  EXPECT(w_path_remove_directory(RW, S("a/.")), __WASI_ERRNO_INVAL);
  EXPECT(w_path_remove_directory(f, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_remove_directory(NOFD, S("a")), __WASI_ERRNO_BADF);
  EXPECT(w_path_remove_directory(RW, straddle(), 2), __WASI_ERRNO_FAULT);
  EXPECT(w_path_remove_directory(RW, S("..")), __WASI_ERRNO_PERM);
  EXPECT(w_path_remove_directory(RW, S("../out/x")), __WASI_ERRNO_PERM);
  EXPECT(w_path_remove_directory(RW, S("planted/up/out/x")), __WASI_ERRNO_PERM);
  EXPECT(w_path_remove_directory(RO, S("sub")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_create_directory(RW, S("empty")), 0);
  EXPECT(w_path_remove_directory(RW, S("empty/")), 0);

  /* path_rename */
  EXPECT(w_path_rename(RW, S("file"), RW, S("a/renamed")), 0);
  CHECK(!exists(RW, "file") && exists(RW, "a/renamed"), "file moved to a/renamed");
  EXPECT(w_path_create_directory(RW, S("d1")), 0);
  EXPECT(w_path_rename(RW, S("d1"), RW, S("a/d2")), 0);
  CHECK(exists(RW, "a/d2"), "a directory moved");
  EXPECT(w_path_rename(RW, S("a/d2/"), RW, S("d3/")), 0);
  EXPECT(w_path_rename(RW, S("missing"), RW, S("x")), __WASI_ERRNO_NOENT);
  EXPECT(w_path_rename(RW, S("a/renamed"), RW, S("d3")), __WASI_ERRNO_ISDIR);
  EXPECT(w_path_rename(RW, S("d3"), RW, S("a/renamed")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_rename(RW, S("a/renamed/"), RW, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_rename(RW, S("a"), RW, S("a/inside")), __WASI_ERRNO_INVAL);
  I keep = make_file(RW, "keep", "keep");
  EXPECT(w_path_rename(RW, S("a/renamed"), RW, S("keep")), 0); /* replaces */
  char buf[16];
  __wasi_filesize_t pos;
  EXPECT(w_fd_seek(keep, 0, __WASI_WHENCE_SET, P(&pos)), 0);
  EXPECT(read_text(keep, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "keep") == 0, "an open file whose name was replaced still reads");
  EXPECT(w_path_rename(NOFD, S("keep"), RW, S("x")), __WASI_ERRNO_BADF);
  EXPECT(w_path_rename(RW, S("keep"), NOFD, S("x")), __WASI_ERRNO_BADF);
  EXPECT(w_path_rename(f, S("keep"), RW, S("x")), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_rename(RW, OOB, 4, RW, S("x")), __WASI_ERRNO_FAULT);
  EXPECT(w_path_rename(RW, S("keep"), RW, straddle(), 2), __WASI_ERRNO_FAULT);
  EXPECT(w_path_rename(RW, S("keep"), RW, S("../moved")), __WASI_ERRNO_PERM);
  EXPECT(w_path_rename(RW, S("keep"), RW, S("/tmp/moved")), __WASI_ERRNO_PERM);
  EXPECT(w_path_rename(RW, S("keep"), RW, S("planted/up/moved")), __WASI_ERRNO_PERM);
  EXPECT(w_path_rename(RW, S("../outside.txt"), RW, S("stolen")), __WASI_ERRNO_PERM);
  EXPECT(w_path_rename(RW, S("planted/up/outside.txt"), RW, S("stolen")), __WASI_ERRNO_PERM);
  EXPECT(w_path_rename(RO, S("data.txt"), RW, S("stolen")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_rename(RW, S("keep"), RO, S("planted")), __WASI_ERRNO_NOTCAPABLE);
  /* between two directory fds of the same preopen */
  I a;
  EXPECT(open_at(RW, "a", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &a), 0);
  EXPECT(w_path_rename(RW, S("keep"), a, S("kept")), 0);
  CHECK(exists(RW, "a/kept"), "renamed across directory fds");
  __wasi_fdstat_t st;
  EXPECT(w_fd_fdstat_get(a, P(&st)), 0);
  EXPECT(w_fd_fdstat_set_rights(a, (L)(st.fs_rights_base & ~(__WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY |
                                                             __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY)),
                                (L)st.fs_rights_inheriting),
         0);
  EXPECT(w_path_rename(a, S("kept"), RW, S("back")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_rename(RW, S("d3"), a, S("d4")), 0); /* still a rename target */
  EXPECT(w_path_create_directory(a, S("new")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_unlink_file(a, S("kept")), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_remove_directory(a, S("d4")), __WASI_ERRNO_NOTCAPABLE);
  w_fd_close(a);
  w_fd_close(keep);
  w_fd_close(f);
  return done();
}
