// path_filestat_get, path_filestat_set_times: stat with and without following a final symlink,
// setting times of a file or (following) of a symlink's target, and the errors: EBADF, ENOTDIR,
// ENOENT, EINVAL, EFAULT, ENOTCAPABLE (read-only directory, missing rights), EPERM (escapes).
// functions: path_filestat_get path_filestat_set_times
#include "check.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define SEC 1000000000ll
static __wasi_filestat_t st;

int main(void) {
  check_preopens();
  I f = make_file(RW, "file.txt", "12345");
  EXPECT(w_path_create_directory(RW, S("dir")), 0);
  EXPECT(w_path_symlink(S("file.txt"), RW, S("link")), 0);

  EXPECT(w_path_filestat_get(RW, 0, S("file.txt"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 5 && st.nlink == 1, "file.txt: a 5-byte file");
  __wasi_filestat_t by_fd;
  EXPECT(w_fd_filestat_get(f, P(&by_fd)), 0);
  CHECK(by_fd.ino == st.ino && by_fd.dev == st.dev, "the same inode as fd_filestat_get of its fd");
  EXPECT(w_path_filestat_get(RW, 0, S("dir"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY, "dir: a directory");
  EXPECT(w_path_filestat_get(RW, 0, S("link"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK && st.size == 8, "link, not followed: a symlink of 8 bytes");
  EXPECT(w_path_filestat_get(RW, FOLLOW, S("link"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.size == 5, "link, followed: file.txt");
  EXPECT(w_path_filestat_get(RW, 0, S("."), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_DIRECTORY, "\".\": the preopen");
  EXPECT(w_path_filestat_get(RW, 0, S("dir/.."), P(&st)), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("dir/"), P(&st)), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("file.txt/"), P(&st)), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_filestat_get(RW, 0, S("missing"), P(&st)), __WASI_ERRNO_NOENT);
  EXPECT(w_path_filestat_get(RW, 0, S(""), P(&st)), __WASI_ERRNO_NOENT);
  EXPECT(w_path_filestat_get(RO, 0, S("sub/inner.txt"), P(&st)), 0);
  CHECK(st.size == 6, "ro/sub/inner.txt: 6 bytes");
  /* planted symlinks: the link itself can be examined, never what is outside */
  EXPECT(w_path_filestat_get(RW, 0, S("planted/etc"), P(&st)), 0);
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "planted/etc is a symlink");
  EXPECT(w_path_filestat_get(RW, FOLLOW, S("planted/etc"), P(&st)), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_get(RW, 0, S("planted/etc/passwd"), P(&st)), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_get(RW, FOLLOW, S("planted/up"), P(&st)), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_get(RW, 0, S(".."), P(&st)), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_get(RW, 0, S("../outside.txt"), P(&st)), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_get(RW, 0, S("/etc"), P(&st)), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_get(NOFD, 0, S("file.txt"), P(&st)), __WASI_ERRNO_BADF);
  EXPECT(w_path_filestat_get(f, 0, S("file.txt"), P(&st)), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_filestat_get(RW, 0, OOB, 4, P(&st)), __WASI_ERRNO_FAULT);
  EXPECT(w_path_filestat_get(RW, 0, S("file.txt"), OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_path_filestat_get(RW, 0, S("file.txt"), straddle()), __WASI_ERRNO_FAULT);

  /* path_filestat_set_times */
  EXPECT(w_path_filestat_set_times(RW, 0, S("file.txt"), 100 * SEC, 200 * SEC + 7,
                                   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
         0);
  EXPECT(w_path_filestat_get(RW, 0, S("file.txt"), P(&st)), 0);
  CHECK(st.atim == 100 * SEC && st.mtim == 200 * SEC + 7, "times set to the nanosecond");
  EXPECT(w_path_filestat_set_times(RW, FOLLOW, S("link"), 0, 300 * SEC, __WASI_FSTFLAGS_MTIM), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("file.txt"), P(&st)), 0);
  CHECK(st.mtim == 300 * SEC && st.atim == 100 * SEC, "following link sets file.txt's mtim, keeps atim");
  EXPECT(w_path_filestat_set_times(RW, 0, S("link"), 0, 400 * SEC, __WASI_FSTFLAGS_MTIM), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("link"), P(&st)), 0);
  __wasi_filestat_t target;
  EXPECT(w_path_filestat_get(RW, 0, S("file.txt"), P(&target)), 0);
  CHECK(st.mtim == 400 * SEC && target.mtim == 300 * SEC, "not following: the symlink's own time");
  EXPECT(w_path_filestat_set_times(RW, 0, S("dir"), 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW), 0);
  EXPECT(w_path_filestat_get(RW, 0, S("dir"), P(&st)), 0);
  CHECK(st.mtim > 1600000000ll * SEC, "MTIM_NOW on a directory");
  EXPECT(w_path_filestat_set_times(RW, 0, S("file.txt"), 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
         __WASI_ERRNO_INVAL);
  EXPECT(w_path_filestat_set_times(RW, 0, S("file.txt"), 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
         __WASI_ERRNO_INVAL);
  EXPECT(w_path_filestat_set_times(RW, 0, S("file.txt"), 0, 0, 0x40), __WASI_ERRNO_INVAL);
  EXPECT(w_path_filestat_set_times(RW, 0, S("missing"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOENT);
  EXPECT(w_path_filestat_set_times(RW, FOLLOW, S("planted/etc"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_set_times(RW, 0, S("../outside.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_set_times(RW, 0, S("planted/up/outside.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_PERM);
  EXPECT(w_path_filestat_set_times(RO, 0, S("data.txt"), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_filestat_set_times(NOFD, 0, S("file.txt"), 0, 0, 0), __WASI_ERRNO_BADF);
  EXPECT(w_path_filestat_set_times(f, 0, S("file.txt"), 0, 0, 0), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_filestat_set_times(RW, 0, OOB, 4, 0, 0, 0), __WASI_ERRNO_FAULT);
  /* without the rights */
  I d;
  EXPECT(open_at(RW, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &d), 0);
  __wasi_fdstat_t fst;
  EXPECT(w_fd_fdstat_get(d, P(&fst)), 0);
  EXPECT(w_fd_fdstat_set_rights(d, (L)(fst.fs_rights_base & ~(__WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES)),
                                (L)fst.fs_rights_inheriting),
         0);
  EXPECT(w_path_filestat_get(d, 0, S("."), P(&st)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_path_filestat_set_times(d, 0, S("."), 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  w_fd_close(d);
  w_fd_close(f);
  return done();
}
