// path_open: every oflag (creat, directory, excl, trunc), every fdflag, following or not a final
// symlink, the rights of the new fd, and the errors: EBADF, ENOTDIR, EFAULT, EINVAL, ENOENT, EEXIST,
// ELOOP, EISDIR, ENAMETOOLONG, ENOTCAPABLE (missing rights, read-only directory), EPERM (escapes).
// functions: path_open
#include "check.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
static I fd;

/* path_open with explicit lookup flags. */
static I po(I dir, I lookup, const char *path, I oflags, __wasi_rights_t rights, I fdflags) {
  fd = -1;
  return w_path_open(dir, lookup, S(path), oflags, (L)rights, (L)rights, fdflags, P(&fd));
}

static __wasi_fdstat_t stat_of(I f) {
  __wasi_fdstat_t st;
  memset(&st, 0, sizeof st);
  w_fd_fdstat_get(f, P(&st));
  return st;
}

int main(void) {
  check_preopens();
  char buf[64];
  /* O_CREAT, O_EXCL, O_TRUNC */
  EXPECT(po(RW, 0, "new.txt", 0, R_RW, 0), __WASI_ERRNO_NOENT);
  EXPECT(po(RW, 0, "new.txt", __WASI_OFLAGS_CREAT, R_RW, 0), 0);
  __wasi_ciovec_t iov = {(const uint8_t *)"hello", 5};
  __wasi_size_t n;
  EXPECT(w_fd_write(fd, P(&iov), 1, P(&n)), 0);
  w_fd_close(fd);
  EXPECT(po(RW, 0, "new.txt", __WASI_OFLAGS_CREAT, R_RW, 0), 0);
  EXPECT(read_text(fd, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "hello") == 0, "O_CREAT on an existing file opens it as it is");
  w_fd_close(fd);
  EXPECT(po(RW, 0, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0), __WASI_ERRNO_EXIST);
  EXPECT(po(RW, 0, "new.txt", __WASI_OFLAGS_TRUNC, R_RW, 0), 0);
  EXPECT(read_text(fd, buf, sizeof buf), 0);
  CHECK(buf[0] == 0, "O_TRUNC empties the file");
  w_fd_close(fd);
  EXPECT(w_path_symlink(S("dangling-target"), RW, S("dangling")), 0);
  EXPECT(po(RW, FOLLOW, "dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_RW, 0), __WASI_ERRNO_EXIST);
  EXPECT(po(RW, FOLLOW, "dangling", __WASI_OFLAGS_CREAT, R_RW, 0), 0);
  w_fd_close(fd);
  __wasi_filestat_t fs;
  EXPECT(w_path_filestat_get(RW, 0, S("dangling-target"), P(&fs)), 0);
  CHECK(fs.filetype == __WASI_FILETYPE_REGULAR_FILE, "O_CREAT through a dangling symlink creates its target (as open(2))");

  /* O_DIRECTORY, trailing slashes, directories */
  EXPECT(w_path_create_directory(RW, S("sub")), 0);
  EXPECT(po(RW, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0), 0);
  CHECK(stat_of(fd).fs_filetype == __WASI_FILETYPE_DIRECTORY, "O_DIRECTORY opens a directory");
  w_fd_close(fd);
  EXPECT(po(RW, 0, "sub/", 0, __WASI_RIGHTS_FD_READDIR, 0), 0);
  w_fd_close(fd);
  EXPECT(po(RW, 0, "new.txt", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTDIR);
  EXPECT(po(RW, 0, "new.txt/", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTDIR);
  EXPECT(po(RW, 0, "new.txt/x", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTDIR);
  EXPECT(po(RW, 0, "sub", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_ISDIR);
  EXPECT(po(RW, 0, "sub", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  CHECK(stat_of(fd).fs_filetype == __WASI_FILETYPE_DIRECTORY &&
            !(stat_of(fd).fs_rights_base & __WASI_RIGHTS_FD_READ),
        "a directory opened without O_DIRECTORY is a directory, with directory rights only");
  w_fd_close(fd);
  EXPECT(po(RW, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0),
         __WASI_ERRNO_ISDIR); /* O_DIRECTORY does not make the write right go away */
  EXPECT(po(RW, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_ISDIR);
  EXPECT(po(RW, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0), 0);
  w_fd_close(fd);
  EXPECT(po(RW, 0, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, 0), 0);
  CHECK(stat_of(fd).fs_filetype == __WASI_FILETYPE_DIRECTORY, "\".\" is the preopen itself");
  w_fd_close(fd);
  EXPECT(po(RW, 0, "sub/../new.txt", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  w_fd_close(fd);
  EXPECT(po(RW, 0, "./sub//.//../new.txt", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  w_fd_close(fd);

  /* symlinks: a final one is followed only with SYMLINK_FOLLOW; inner ones always (inside) */
  EXPECT(w_path_symlink(S("new.txt"), RW, S("link")), 0);
  EXPECT(w_path_symlink(S("sub"), RW, S("link-sub")), 0);
  EXPECT(po(RW, 0, "link", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_LOOP);
  EXPECT(po(RW, FOLLOW, "link", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  CHECK(stat_of(fd).fs_filetype == __WASI_FILETYPE_REGULAR_FILE, "following link opens new.txt");
  w_fd_close(fd);
  EXPECT(po(RW, 0, "link-sub/../new.txt", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  w_fd_close(fd);
  EXPECT(w_path_symlink(S("loop2"), RW, S("loop1")), 0);
  EXPECT(w_path_symlink(S("loop1"), RW, S("loop2")), 0);
  EXPECT(po(RW, FOLLOW, "loop1", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_LOOP);

  /* fdflags */
  EXPECT(po(RW, 0, "new.txt", 0, R_RW, __WASI_FDFLAGS_APPEND), 0);
  CHECK(stat_of(fd).fs_flags == __WASI_FDFLAGS_APPEND, "APPEND shows in fdstat");
  EXPECT(w_fd_write(fd, P(&iov), 1, P(&n)), 0);
  EXPECT(w_fd_write(fd, P(&iov), 1, P(&n)), 0);
  __wasi_filesize_t pos;
  EXPECT(w_fd_seek(fd, 0, __WASI_WHENCE_SET, P(&pos)), 0);
  EXPECT(read_text(fd, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "hellohello") == 0, "appending writes");
  w_fd_close(fd);
  static const I flags[] = {__WASI_FDFLAGS_DSYNC, __WASI_FDFLAGS_NONBLOCK, __WASI_FDFLAGS_SYNC, __WASI_FDFLAGS_RSYNC};
  static const I shown[] = {__WASI_FDFLAGS_DSYNC, __WASI_FDFLAGS_NONBLOCK, __WASI_FDFLAGS_SYNC, __WASI_FDFLAGS_SYNC};
  for (int i = 0; i < 4; i++) {
    EXPECT(po(RW, 0, "new.txt", 0, R_RW | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC, flags[i]), 0);
    char what[64];
    snprintf(what, sizeof what, "fdflag %d shows as %d", (int)flags[i], (int)shown[i]);
    CHECK(stat_of(fd).fs_flags == shown[i], what);
    w_fd_close(fd);
  }

  /* rights of the new fd: asked for, and what the directory passes on, and what a file can have */
  EXPECT(po(RW, 0, "new.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_PATH_OPEN, 0), 0);
  CHECK(stat_of(fd).fs_rights_base == __WASI_RIGHTS_FD_READ, "a file gets only the file rights it asked for");
  w_fd_close(fd);

  /* argument errors */
  EXPECT(po(NOFD, 0, "new.txt", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_BADF);
  I file;
  EXPECT(po(RW, 0, "new.txt", 0, R_ALL, 0), 0);
  file = fd;
  EXPECT(po(file, 0, "x", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTDIR);
  EXPECT(w_path_open(RW, 0, OOB, 4, 0, (L)R_ALL, (L)R_ALL, 0, P(&fd)), __WASI_ERRNO_FAULT);
  EXPECT(w_path_open(RW, 0, straddle(), 2, 0, (L)R_ALL, (L)R_ALL, 0, P(&fd)), __WASI_ERRNO_FAULT);
  EXPECT(w_path_open(RW, 0, S("new.txt"), 0, (L)R_ALL, (L)R_ALL, 0, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_path_open(RW, 0, S("new.txt"), 0, (L)R_ALL, (L)R_ALL, 0, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(po(RW, 0, "new.txt", 0x10, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_INVAL);
  EXPECT(po(RW, 0, "new.txt", 0, __WASI_RIGHTS_FD_READ, 0x20), __WASI_ERRNO_INVAL);
  EXPECT(w_path_open(RW, 0, P("new.txt\0x"), 9, 0, (L)R_ALL, (L)R_ALL, 0, P(&fd)), __WASI_ERRNO_INVAL);
  EXPECT(po(RW, 0, "", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOENT);
  EXPECT(po(RW, 0, "nodir/x", __WASI_OFLAGS_CREAT, R_RW, 0), __WASI_ERRNO_NOENT);
  static char longpath[5000];
  memset(longpath, 'a', sizeof longpath - 1);
  EXPECT(po(RW, 0, longpath, 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NAMETOOLONG);
  EXPECT(po(RW, 0, longpath + sizeof longpath - 300, 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NAMETOOLONG);

  /* missing rights */
  I sub;
  EXPECT(po(RW, 0, "sub", __WASI_OFLAGS_DIRECTORY, R_DIR, 0), 0);
  sub = fd;
  __wasi_fdstat_t st = stat_of(sub);
  EXPECT(w_fd_fdstat_set_rights(sub, (L)(st.fs_rights_base & ~__WASI_RIGHTS_PATH_CREATE_FILE), (L)st.fs_rights_inheriting), 0);
  EXPECT(po(sub, 0, "f", __WASI_OFLAGS_CREAT, R_RW, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(RW, 0, "sub/f", __WASI_OFLAGS_CREAT, R_RW, 0), 0); /* the preopen still can */
  w_fd_close(fd);
  EXPECT(w_fd_fdstat_set_rights(sub, (L)(st.fs_rights_base & ~__WASI_RIGHTS_PATH_CREATE_FILE),
                                (L)(st.fs_rights_inheriting & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))),
         0);
  EXPECT(po(sub, 0, "f", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(sub, 0, "f", 0, __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(sub, 0, "f", 0, __WASI_RIGHTS_FD_READ, __WASI_FDFLAGS_APPEND), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(sub, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  w_fd_close(fd);
  st = stat_of(sub);
  EXPECT(w_fd_fdstat_set_rights(sub, (L)(st.fs_rights_base & ~__WASI_RIGHTS_PATH_OPEN), 0), 0);
  EXPECT(po(sub, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTCAPABLE);
  /* the read-only preopen */
  EXPECT(po(RO, 0, "data.txt", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  EXPECT(read_text(fd, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "read-only data\n") == 0, "reading ro/data.txt");
  w_fd_close(fd);
  EXPECT(po(RO, 0, "data.txt", 0, __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(RO, 0, "data.txt", 0, __WASI_RIGHTS_FD_READ, __WASI_FDFLAGS_APPEND), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(RO, 0, "data.txt", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(RO, 0, "created.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(po(RO, FOLLOW, "link-to-data", 0, __WASI_RIGHTS_FD_READ, 0), 0);
  w_fd_close(fd);

  /* escapes: EPERM, whatever the flags */
  EXPECT(po(RW, 0, "../outside.txt", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "..", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "sub/../../outside.txt", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "/", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "planted/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, FOLLOW, "planted/etc", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "planted/up/outside.txt", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "planted/up/created.txt", __WASI_OFLAGS_CREAT, R_RW, 0), __WASI_ERRNO_PERM);
  EXPECT(po(RW, 0, "planted/abs/new.txt", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM); /* absolute, even inside */
  EXPECT(po(RO, 0, "../rw/new.txt", 0, __WASI_RIGHTS_FD_READ, 0), __WASI_ERRNO_PERM);
  return done();
}
