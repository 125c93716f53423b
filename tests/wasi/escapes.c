// Escape attempts through wasi-libc, as a C program makes them: "..", absolute paths, a planted
// symlink to /etc, a planted symlink to "../..", an absolute symlink back into the sandbox, symlinks
// the program plants itself and then follows, chains of them. Every attempt fails with EPERM and
// creates nothing outside rw/ (the harness compares everything outside rw/ before and after), while
// the same paths that stay inside work.
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The errno of a libc call that must fail (0 if it succeeded). */
#define FAILS(call) ((call) < 0 ? errno : 0)
#define EXPECT_ERRNO(call, want) expect_(FAILS(call), (want), __LINE__, #call)

static int open_(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd >= 0) close(fd);
  return fd;
}

int main(void) {
  check_preopens();
  struct stat st;
  char buf[64];
  CHECK(mkdir("rw/d", 0755) == 0 && mkdir("rw/d/e", 0755) == 0, "mkdir rw/d/e");
  int fd = open("rw/d/inside.txt", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0 && write(fd, "inside\n", 7) == 7 && close(fd) == 0, "create rw/d/inside.txt");

  /* ".." above the grant */
  EXPECT_ERRNO(open_("rw/../outside.txt", O_RDONLY), EPERM);
  EXPECT_ERRNO(open_("rw/d/../../outside.txt", O_RDONLY), EPERM);
  EXPECT_ERRNO(open_("rw/d/e/../../../outside.txt", O_WRONLY | O_TRUNC), EPERM);
  EXPECT_ERRNO(open_("rw/../created.txt", O_CREAT | O_WRONLY), EPERM);
  EXPECT_ERRNO(open_("rw/../ro/data.txt", O_RDONLY), EPERM); /* even into another grant */
  EXPECT_ERRNO(mkdir("rw/../escaped", 0755), EPERM);
  EXPECT_ERRNO(stat("rw/..", &st), EPERM);
  EXPECT_ERRNO(rename("rw/d/inside.txt", "rw/../moved.txt"), EPERM);
  EXPECT_ERRNO(unlink("rw/../outside.txt"), EPERM);
  EXPECT_ERRNO(link("rw/d/inside.txt", "rw/../hard"), EPERM);
  EXPECT_ERRNO(symlink("x", "rw/../sym"), EPERM);
  DIR *dir = opendir("rw/..");
  CHECK(dir == NULL && errno == EPERM, "opendir(rw/..) -> EPERM");
  /* inside, the same shapes work */
  CHECK(open_("rw/d/e/../inside.txt", O_RDONLY) >= 0, "rw/d/e/../inside.txt opens");
  CHECK(open_("rw/d/../d/./inside.txt", O_RDONLY) >= 0, "rw/d/../d/./inside.txt opens");

  /* absolute paths: wasi-libc resolves them through its table of preopens, and "/etc/passwd" is
   * beneath none (ENOTCAPABLE before WASI is even called); path_open with an absolute path is EPERM */
  EXPECT_ERRNO(open_("/etc/passwd", O_RDONLY), ENOTCAPABLE);
  I raw;
  EXPECT(open_at(RW, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, &raw), __WASI_ERRNO_PERM);
  EXPECT(open_at(RW, "//etc/passwd", 0, __WASI_RIGHTS_FD_READ, 0, &raw), __WASI_ERRNO_PERM);

  /* planted symlinks (made by the host before the program started) */
  EXPECT_ERRNO(open_("rw/planted/etc/passwd", O_RDONLY), EPERM);
  EXPECT_ERRNO(stat("rw/planted/etc", &st), EPERM);
  CHECK(lstat("rw/planted/etc", &st) == 0 && S_ISLNK(st.st_mode), "lstat(rw/planted/etc): the link itself");
  EXPECT_ERRNO(open_("rw/planted/etc/created", O_CREAT | O_WRONLY), EPERM);
  EXPECT_ERRNO(open_("rw/planted/up/outside.txt", O_RDONLY), EPERM);
  EXPECT_ERRNO(open_("rw/planted/up/created.txt", O_CREAT | O_WRONLY), EPERM);
  EXPECT_ERRNO(mkdir("rw/planted/up/escaped", 0755), EPERM);
  EXPECT_ERRNO(open_("rw/planted/abs/d/inside.txt", O_RDONLY), EPERM); /* absolute targets: never followed */
  ssize_t n = readlink("rw/planted/etc", buf, sizeof buf);
  CHECK(n == 4 && memcmp(buf, "/etc", 4) == 0, "readlink(rw/planted/etc) = /etc (the text is not secret)");

  /* symlinks the program plants, then follows */
  EXPECT_ERRNO(symlink("/etc", "rw/d/etc"), EPERM); /* absolute targets cannot be made */
  CHECK(symlink("../../..", "rw/d/e/up3") == 0, "symlink rw/d/e/up3 -> ../../.. (made; leads out)");
  EXPECT_ERRNO(open_("rw/d/e/up3/outside.txt", O_RDONLY), EPERM);
  EXPECT_ERRNO(open_("rw/d/e/up3/created.txt", O_CREAT | O_WRONLY), EPERM);
  EXPECT_ERRNO(open_("rw/d/e/up3", O_RDONLY | O_DIRECTORY), EPERM);
  CHECK(symlink("up3/..", "rw/d/e/up4") == 0, "rw/d/e/up4 -> up3/.. (a chain)");
  EXPECT_ERRNO(open_("rw/d/e/up4/outside.txt", O_RDONLY), EPERM);
  CHECK(symlink("../inside.txt", "rw/d/e/ok") == 0, "rw/d/e/ok -> ../inside.txt (stays inside)");
  fd = open("rw/d/e/ok", O_RDONLY);
  CHECK(fd >= 0 && read(fd, buf, 7) == 7 && memcmp(buf, "inside\n", 7) == 0, "following rw/d/e/ok reads inside.txt");
  if (fd >= 0) close(fd);
  CHECK(symlink("../../../out/secret.txt", "rw/d/secret") == 0, "rw/d/secret -> ../../../out/secret.txt");
  EXPECT_ERRNO(open_("rw/d/secret", O_RDONLY), EPERM);
  EXPECT_ERRNO(open_("rw/d/secret", O_WRONLY | O_TRUNC), EPERM);
  /* a dangling link whose target is outside: O_CREAT through it must not create the target */
  CHECK(symlink("../../created-through-link", "rw/d/dangling") == 0, "rw/d/dangling -> ../../created-through-link");
  EXPECT_ERRNO(open_("rw/d/dangling", O_CREAT | O_WRONLY), EPERM);
  EXPECT_ERRNO(open_("rw/d/dangling", O_CREAT | O_EXCL | O_WRONLY), EEXIST); /* never follows */
  /* a file renamed over a directory that links point through */
  CHECK(rename("rw/d/e", "rw/d/f") == 0 && symlink("f/up3", "rw/d/g") == 0, "rename d/e to d/f, link d/g -> f/up3");
  EXPECT_ERRNO(open_("rw/d/g/outside.txt", O_RDONLY), EPERM);
  /* the read-only grant: reading fine, writing refused with ENOTCAPABLE */
  CHECK(open_("ro/data.txt", O_RDONLY) >= 0, "ro/data.txt opens for reading");
  EXPECT_ERRNO(open_("ro/new.txt", O_CREAT | O_WRONLY), ENOTCAPABLE);
  EXPECT_ERRNO(open_("ro/data.txt", O_WRONLY | O_TRUNC), ENOTCAPABLE);
  EXPECT_ERRNO(open_("ro/data.txt", O_WRONLY | O_APPEND), ENOTCAPABLE);
  EXPECT_ERRNO(unlink("ro/data.txt"), ENOTCAPABLE);
  EXPECT_ERRNO(mkdir("ro/d", 0755), ENOTCAPABLE);
  EXPECT_ERRNO(rename("ro/data.txt", "rw/stolen.txt"), ENOTCAPABLE);
  EXPECT_ERRNO(symlink("data.txt", "ro/link"), ENOTCAPABLE);
  return done();
}
