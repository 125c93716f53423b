// fd_advise, fd_allocate, fd_close, fd_datasync, fd_sync, fd_fdstat_get, fd_fdstat_set_flags,
// fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_renumber:
// what they do, and their errors: bad fds (EBADF), missing rights (ENOTCAPABLE), bad flags or
// arguments (EINVAL, ENOTSUP), results outside linear memory (EFAULT).
// functions: fd_advise fd_allocate fd_close fd_datasync fd_sync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_renumber
#include "check.h"

static __wasi_fdstat_t st;
static __wasi_filestat_t fs;

/* A second descriptor of rw/meta.txt whose rights are `rights` (dropped with fd_fdstat_set_rights). */
static I with_rights(__wasi_rights_t rights) {
  I fd;
  __wasi_fdstat_t now;
  if (open_at(RW, "meta.txt", 0, R_ALL, 0, &fd) != 0 || w_fd_fdstat_get(fd, P(&now)) != 0) return -1;
  EXPECT(w_fd_fdstat_set_rights(fd, (L)(rights & now.fs_rights_base), 0), 0);
  return fd;
}

int main(void) {
  check_preopens();
  I f = make_file(RW, "meta.txt", "0123456789");
  CHECK(f > 4, "created rw/meta.txt");

  /* fd_fdstat_get */
  EXPECT(w_fd_fdstat_get(f, P(&st)), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_REGULAR_FILE && st.fs_flags == 0, "fdstat of a file: regular, no flags");
  CHECK((st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) && !(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN),
        "a file has file rights only (write, but no path_open)");
  EXPECT(w_fd_fdstat_get(RW, P(&st)), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY && (st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) &&
            !(st.fs_rights_base & __WASI_RIGHTS_FD_READ) && (st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE),
        "fdstat of rw: a directory with path rights, inheriting the write right");
  /* wasmtime's: a directory's own rights (no read, write, seek, sync or socket right), and what a
   * directory or file beneath it can get (wasi-testsuite's rust/path_open_preopen prints them) */
  CHECK(st.fs_rights_base == 129498624 && st.fs_rights_inheriting == 267911167,
        "rw's rights are wasmtime's: base 129498624, inheriting 267911167");
  EXPECT(w_fd_fdstat_get(RO, P(&st)), 0);
  CHECK(!(st.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE) && !(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) &&
            (st.fs_rights_inheriting & __WASI_RIGHTS_FD_READ),
        "fdstat of ro: no creating, no writing beneath, reading");
  EXPECT(w_fd_fdstat_get(NOFD, P(&st)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_fdstat_get(f, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_fdstat_get(f, straddle()), __WASI_ERRNO_FAULT);

  /* fd_fdstat_set_flags */
  EXPECT(w_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND), 0);
  EXPECT(w_fd_fdstat_get(f, P(&st)), 0);
  CHECK(st.fs_flags == __WASI_FDFLAGS_APPEND, "append flag set");
  __wasi_ciovec_t x = {(const uint8_t *)"X", 1};
  __wasi_size_t n;
  __wasi_filesize_t pos;
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, P(&pos)), 0);
  EXPECT(w_fd_write(f, P(&x), 1, P(&n)), 0);
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.size == 11, "with append, a write after seeking to 0 goes to the end");
  EXPECT(w_fd_fdstat_set_flags(f, __WASI_FDFLAGS_NONBLOCK), 0);
  EXPECT(w_fd_fdstat_get(f, P(&st)), 0);
  CHECK(st.fs_flags == __WASI_FDFLAGS_NONBLOCK, "append cleared, nonblock set");
  EXPECT(w_fd_fdstat_set_flags(f, 0), 0);
  EXPECT(w_fd_fdstat_set_flags(f, 0x20), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP); /* fixed when opened */
  EXPECT(w_fd_fdstat_set_flags(NOFD, 0), __WASI_ERRNO_BADF);
  I g = with_rights(R_ALL & ~__WASI_RIGHTS_FD_FDSTAT_SET_FLAGS);
  EXPECT(w_fd_fdstat_set_flags(g, __WASI_FDFLAGS_APPEND), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_close(g), 0);
  I s;
  EXPECT(open_at(RW, "meta.txt", 0, R_ALL, __WASI_FDFLAGS_SYNC, &s), 0);
  EXPECT(w_fd_fdstat_get(s, P(&st)), 0);
  CHECK(st.fs_flags == __WASI_FDFLAGS_SYNC, "opened with the sync flag: fdstat says so");
  EXPECT(w_fd_fdstat_set_flags(s, st.fs_flags | __WASI_FDFLAGS_NONBLOCK), 0); /* keeping it is fine */
  EXPECT(w_fd_fdstat_set_flags(s, __WASI_FDFLAGS_NONBLOCK), __WASI_ERRNO_NOTSUP);
  EXPECT(w_fd_close(s), 0);

  /* fd_fdstat_set_rights: rights only shrink */
  g = with_rights(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET);
  EXPECT(w_fd_fdstat_get(g, P(&st)), 0);
  CHECK(st.fs_rights_base == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET) && st.fs_rights_inheriting == 0,
        "fdstat shows the reduced rights");
  EXPECT(w_fd_fdstat_set_rights(g, (L)(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE), 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_fdstat_set_rights(g, (L)__WASI_RIGHTS_FD_READ, (L)__WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_fdstat_set_rights(g, (L)__WASI_RIGHTS_FD_READ, 0), 0);
  EXPECT(w_fd_filestat_get(g, P(&fs)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_fdstat_set_rights(NOFD, 0, 0), __WASI_ERRNO_BADF);
  EXPECT(w_fd_close(g), 0);

  /* fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times */
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.filetype == __WASI_FILETYPE_REGULAR_FILE && fs.size == 11 && fs.nlink == 1 && fs.ino != 0,
        "fd_filestat_get: a regular file, 11 bytes, one link");
  EXPECT(w_fd_filestat_get(RW, P(&fs)), 0);
  CHECK(fs.filetype == __WASI_FILETYPE_DIRECTORY, "fd_filestat_get of rw: a directory");
  EXPECT(w_fd_filestat_get(NOFD, P(&fs)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_filestat_get(f, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_filestat_get(f, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_filestat_set_size(f, 4), 0);
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.size == 4, "fd_filestat_set_size(4)");
  EXPECT(w_fd_filestat_set_size(f, 100), 0);
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.size == 100, "fd_filestat_set_size(100) extends");
  EXPECT(w_fd_filestat_set_size(f, -1), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_filestat_set_size(NOFD, 1), __WASI_ERRNO_BADF);
  EXPECT(w_fd_filestat_set_size(RW, 1), __WASI_ERRNO_NOTCAPABLE);
  I r;
  EXPECT(open_at(RO, "data.txt", 0, R_ALL, 0, &r), __WASI_ERRNO_NOTCAPABLE); /* asks for the write right */
  /* Rights other than reading and writing that the directory cannot pass on are silently dropped. */
  EXPECT(open_at(RO, "data.txt", 0,
                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |
                     __WASI_RIGHTS_FD_ALLOCATE,
                 0, &r),
         0);
  EXPECT(w_fd_filestat_set_size(r, 1), __WASI_ERRNO_NOTCAPABLE); /* beneath a read-only directory */
  EXPECT(w_fd_filestat_set_times(r, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_allocate(r, 0, 10), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_filestat_set_times(f, 1000000000ll * 1000000000, 1234567890ll * 1000000000 + 5,
                                 __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM),
         0);
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.mtim == 1234567890ull * 1000000000 + 5 && fs.atim == 1000000000ull * 1000000000,
        "fd_filestat_set_times sets atim and mtim to the nanosecond");
  EXPECT(w_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), 0);
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.mtim > 1600000000ull * 1000000000 && fs.atim == 1000000000ull * 1000000000, "MTIM_NOW: now, atim kept");
  EXPECT(w_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_filestat_set_times(f, 0, 0, 0x10), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_filestat_set_times(NOFD, 0, 0, 0), __WASI_ERRNO_BADF);

  /* fd_advise, fd_allocate */
  for (I advice = 0; advice <= 5; advice++) EXPECT(w_fd_advise(f, 0, 10, advice), 0);
  EXPECT(w_fd_advise(f, 0, 10, 6), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_advise(f, -1, 10, 0), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_advise(NOFD, 0, 10, 0), __WASI_ERRNO_BADF);
  EXPECT(w_fd_advise(RW, 0, 10, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_allocate(f, 0, 4096), 0);
  EXPECT(w_fd_filestat_get(f, P(&fs)), 0);
  CHECK(fs.size == 4096, "fd_allocate(0, 4096) extends the file");
  EXPECT(w_fd_allocate(f, 0, 0), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_allocate(f, -1, 10), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_allocate(NOFD, 0, 10), __WASI_ERRNO_BADF);
  EXPECT(w_fd_allocate(RW, 0, 10), __WASI_ERRNO_NOTCAPABLE);

  /* fd_sync, fd_datasync */
  EXPECT(w_fd_sync(f), 0);
  EXPECT(w_fd_datasync(f), 0);
  EXPECT(w_fd_sync(RW), 0); /* a directory needs no right to be synced (it has none: wasmtime's rights) */
  EXPECT(w_fd_datasync(RW), 0);
  EXPECT(w_fd_sync(NOFD), __WASI_ERRNO_BADF);
  EXPECT(w_fd_datasync(NOFD), __WASI_ERRNO_BADF);
  g = with_rights(__WASI_RIGHTS_FD_READ);
  EXPECT(w_fd_sync(g), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_datasync(g), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_advise(g, 0, 1, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_allocate(g, 0, 1), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_filestat_set_size(g, 1), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_filestat_set_times(g, 0, 0, 0), __WASI_ERRNO_NOTCAPABLE);

  /* fd_renumber: `to` must be open; it is closed and replaced; `from` is gone */
  I h = make_file(RW, "other.txt", "other");
  EXPECT(w_fd_renumber(f, h), 0);
  EXPECT(w_fd_filestat_get(h, P(&fs)), 0);
  CHECK(fs.size == 4096, "after fd_renumber(f, h), h is meta.txt");
  EXPECT(w_fd_filestat_get(f, P(&fs)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_renumber(h, h), 0);
  EXPECT(w_fd_renumber(h, NOFD), __WASI_ERRNO_BADF);
  EXPECT(w_fd_renumber(NOFD, h), __WASI_ERRNO_BADF);
  EXPECT(w_fd_renumber(-5, h), __WASI_ERRNO_BADF);
  EXPECT(w_fd_filestat_get(h, P(&fs)), 0);
  CHECK(fs.size == 4096, "a failed fd_renumber leaves both fds alone");

  /* fd_close */
  EXPECT(w_fd_close(h), 0);
  EXPECT(w_fd_close(h), __WASI_ERRNO_BADF);
  EXPECT(w_fd_close(NOFD), __WASI_ERRNO_BADF);
  EXPECT(w_fd_close(-1), __WASI_ERRNO_BADF);
  EXPECT(w_fd_close(g), 0);
  EXPECT(w_fd_close(r), 0);
  return done();
}
