// fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell: data through iovecs, positions, and
// every error path: bad fds (EBADF), fds not open for reading/writing (EBADF, as POSIX), directories
// (EISDIR/EBADF), pipes (ESPIPE), missing seek/tell rights (ENOTCAPABLE), bad whence or offsets
// (EINVAL), and iovec arrays, buffers or result pointers outside linear memory (EFAULT).
// functions: fd_read fd_write fd_pread fd_pwrite fd_seek fd_tell
// stdin: piped input\n
#include "check.h"

static __wasi_size_t n;
static __wasi_filesize_t pos;

int main(void) {
  check_preopens();
  char buf[64];
  I f = make_file(RW, "io.txt", "0123456789");
  CHECK(f > 4, "created rw/io.txt with 10 bytes");
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, P(&pos)), 0);

  /* fd_write */
  __wasi_ciovec_t two[2] = {{(const uint8_t *)"ab", 2}, {(const uint8_t *)"cde", 3}};
  EXPECT(w_fd_write(f, P(two), 2, P(&n)), 0);
  CHECK(n == 5, "fd_write with two iovecs writes 5 bytes");
  EXPECT(w_fd_write(f, P(two), 0, P(&n)), 0);
  CHECK(n == 0, "fd_write with no iovecs writes nothing");
  EXPECT(w_fd_write(NOFD, P(two), 1, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_write(-1, P(two), 1, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_write(f, OOB, 1, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_write(f, straddle(), 1, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_write(f, P(two), 0x20000000, P(&n)), __WASI_ERRNO_FAULT); /* the iovec array leaves memory */
  EXPECT(w_fd_write(f, P(two), 1, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_write(f, P(two), 1, straddle()), __WASI_ERRNO_FAULT);
  __wasi_ciovec_t bad[2] = {{(const uint8_t *)"ok", 2}, {(const uint8_t *)(uintptr_t)OOB, 4}};
  EXPECT(w_fd_write(f, P(bad), 2, P(&n)), __WASI_ERRNO_FAULT);
  bad[1].buf = (const uint8_t *)(uintptr_t)straddle();
  EXPECT(w_fd_write(f, P(bad), 2, P(&n)), __WASI_ERRNO_FAULT);
  bad[1].buf = (const uint8_t *)"x";
  bad[1].buf_len = 0xffffffff;
  EXPECT(w_fd_write(f, P(bad), 2, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_write(RW, P(two), 1, P(&n)), __WASI_ERRNO_BADF); /* a directory is never open for writing */

  /* fd_seek, fd_tell */
  EXPECT(w_fd_tell(f, P(&pos)), 0);
  CHECK(pos == 5, "fd_tell after writing 5 bytes: 5");
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_END, P(&pos)), 0);
  CHECK(pos == 10, "fd_seek(0, END) = 10");
  EXPECT(w_fd_seek(f, -4, __WASI_WHENCE_CUR, P(&pos)), 0);
  CHECK(pos == 6, "fd_seek(-4, CUR) = 6");
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, P(&pos)), 0);
  EXPECT(w_fd_seek(f, 0, 3, P(&pos)), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_seek(f, 0, -1, P(&pos)), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_seek(f, -1, __WASI_WHENCE_SET, P(&pos)), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_seek(NOFD, 0, __WASI_WHENCE_SET, P(&pos)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_seek(NOFD, 0, 7, P(&pos)), __WASI_ERRNO_BADF); /* the fd is checked first */
  EXPECT(w_fd_seek(0, 0, __WASI_WHENCE_SET, P(&pos)), __WASI_ERRNO_SPIPE); /* stdin is a pipe */
  EXPECT(w_fd_seek(RW, 0, __WASI_WHENCE_SET, P(&pos)), __WASI_ERRNO_NOTCAPABLE); /* directories have no seek right */
  EXPECT(w_fd_tell(NOFD, P(&pos)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_tell(f, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_tell(0, P(&pos)), __WASI_ERRNO_SPIPE);
  EXPECT(w_fd_tell(RW, P(&pos)), __WASI_ERRNO_NOTCAPABLE);

  /* fd_read */
  EXPECT(read_text(f, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "abcde56789") == 0, "fd_read reads back what was written over the file");
  EXPECT(read_text(f, buf, sizeof buf), 0);
  CHECK(buf[0] == 0, "fd_read at the end of the file: 0 bytes");
  __wasi_iovec_t in[2] = {{(uint8_t *)buf, 3}, {(uint8_t *)buf + 10, 3}};
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, P(&pos)), 0);
  EXPECT(w_fd_read(f, P(in), 2, P(&n)), 0);
  CHECK(n == 6 && memcmp(buf, "abc", 3) == 0 && memcmp(buf + 10, "de5", 3) == 0, "fd_read scatters into two iovecs");
  EXPECT(w_fd_read(NOFD, P(in), 1, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_read(f, OOB, 1, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_read(f, P(in), 1, OOB), __WASI_ERRNO_FAULT);
  __wasi_iovec_t wild[1] = {{(uint8_t *)(uintptr_t)OOB, 8}};
  EXPECT(w_fd_read(f, P(wild), 1, P(&n)), __WASI_ERRNO_FAULT); /* the host never writes outside memory */
  wild[0].buf = (uint8_t *)(uintptr_t)straddle();
  EXPECT(w_fd_read(f, P(wild), 1, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_read(RW, P(in), 1, P(&n)), __WASI_ERRNO_ISDIR);
  EXPECT(read_text(0, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "piped input\n") == 0, "fd_read(0) reads standard input");

  /* files open for only reading or only writing */
  I ro, wo;
  EXPECT(open_at(RO, "data.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, &ro), 0);
  EXPECT(w_fd_write(ro, P(two), 1, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_pwrite(ro, P(two), 1, 0, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(open_at(RW, "io.txt", 0, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0, &wo), 0);
  EXPECT(w_fd_read(wo, P(in), 1, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_pread(wo, P(in), 1, 0, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_tell(wo, P(&pos)), __WASI_ERRNO_NOTCAPABLE); /* asked for seek but not tell */

  /* fd_pread, fd_pwrite: at an offset, the position unchanged */
  EXPECT(w_fd_seek(f, 2, __WASI_WHENCE_SET, P(&pos)), 0);
  __wasi_iovec_t one[1] = {{(uint8_t *)buf, 4}};
  EXPECT(w_fd_pread(f, P(one), 1, 6, P(&n)), 0);
  CHECK(n == 4 && memcmp(buf, "6789", 4) == 0, "fd_pread at offset 6");
  EXPECT(w_fd_pread(f, P(one), 1, 100, P(&n)), 0);
  CHECK(n == 0, "fd_pread past the end: 0 bytes");
  __wasi_ciovec_t up[1] = {{(const uint8_t *)"XY", 2}};
  EXPECT(w_fd_pwrite(f, P(up), 1, 8, P(&n)), 0);
  CHECK(n == 2, "fd_pwrite at offset 8");
  EXPECT(w_fd_tell(f, P(&pos)), 0);
  CHECK(pos == 2, "fd_pread and fd_pwrite leave the position alone");
  EXPECT(w_fd_seek(f, 0, __WASI_WHENCE_SET, P(&pos)), 0);
  EXPECT(read_text(f, buf, sizeof buf), 0);
  CHECK(strcmp(buf, "abcde567XY") == 0, "the file after fd_pwrite");
  EXPECT(w_fd_pread(NOFD, P(one), 1, 0, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_pwrite(NOFD, P(up), 1, 0, P(&n)), __WASI_ERRNO_BADF);
  EXPECT(w_fd_pread(f, P(one), 1, -1, P(&n)), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_pwrite(f, P(up), 1, -1, P(&n)), __WASI_ERRNO_INVAL);
  EXPECT(w_fd_pread(f, OOB, 1, 0, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_pread(f, P(wild), 1, 0, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_pread(f, P(one), 1, 0, OOB), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_pwrite(f, OOB, 1, 0, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_pwrite(f, P(bad), 2, 0, P(&n)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_pwrite(f, P(up), 1, 0, straddle()), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_pread(0, P(one), 1, 0, P(&n)), __WASI_ERRNO_SPIPE);
  EXPECT(w_fd_pwrite(1, P(up), 0, 0, P(&n)), __WASI_ERRNO_SPIPE); /* stdout is a pipe too */
  EXPECT(w_fd_pread(RW, P(one), 1, 0, P(&n)), __WASI_ERRNO_ISDIR);
  EXPECT(w_fd_pwrite(RW, P(up), 1, 0, P(&n)), __WASI_ERRNO_BADF);
  /* without the seek right, positional I/O is not allowed */
  I noseek;
  EXPECT(open_at(RW, "io.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, &noseek), 0);
  EXPECT(w_fd_pread(noseek, P(one), 1, 0, P(&n)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_pwrite(noseek, P(up), 1, 0, P(&n)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_seek(noseek, 1, __WASI_WHENCE_SET, P(&pos)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_tell(noseek, P(&pos)), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(w_fd_read(noseek, P(one), 1, P(&n)), 0);
  CHECK(n == 4 && memcmp(buf, "abcd", 4) == 0, "reading without the seek right is fine");
  w_fd_close(noseek);
  w_fd_close(wo);
  w_fd_close(ro);
  w_fd_close(f);
  return done();
}
