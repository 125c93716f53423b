// fd_readdir: entries with their types and inodes, cookies that resume a listing where it stopped
// (also when the buffer cuts an entry in two), rewinding with cookie 0, cookies past the end, and
// the errors: EBADF, ENOTDIR (a file), ENOTCAPABLE (no readdir right), EFAULT.
// functions: fd_readdir
#include "check.h"

/* Parses the dirents in buf[0..used): names joined by ',' into out (sorted is the caller's business);
 * *last gets the d_next of the last complete entry. Returns the number of complete entries. */
static int parse(const uint8_t *buf, size_t used, char *out, size_t cap, __wasi_dircookie_t *last) {
  int count = 0;
  size_t pos = 0;
  while (pos + sizeof(__wasi_dirent_t) <= used) {
    __wasi_dirent_t d;
    memcpy(&d, buf + pos, sizeof d);
    if (pos + sizeof d + d.d_namlen > used) break; /* cut: ask again from *last */
    size_t len = strlen(out);
    if (len + d.d_namlen + 2 < cap) {
      memcpy(out + len, buf + pos + sizeof d, d.d_namlen);
      strcpy(out + len + d.d_namlen, ",");
    }
    *last = d.d_next;
    pos += sizeof d + d.d_namlen;
    count++;
  }
  return count;
}

/* Lists `fd` with buffers of `chunk` bytes; returns the names in readdir order. */
static const char *list(I fd, size_t chunk) {
  static char names[4096];
  static uint8_t buf[4096];
  names[0] = 0;
  __wasi_dircookie_t cookie = __WASI_DIRCOOKIE_START;
  for (int round = 0; round < 1000; round++) {
    __wasi_size_t used = 0;
    if (w_fd_readdir(fd, P(buf), (I)chunk, (L)cookie, P(&used)) != 0) return "error";
    parse(buf, used, names, sizeof names, &cookie);
    if (used < chunk) return names;
  }
  return "no end";
}

static int has(const char *list, const char *name) {
  char pat[64];
  snprintf(pat, sizeof pat, ",%s,", name);
  char all[4200];
  snprintf(all, sizeof all, ",%s", list);
  return strstr(all, pat) != NULL;
}

int main(void) {
  check_preopens();
  I d;
  EXPECT(w_path_create_directory(RW, S("dir")), 0);
  char name[64];
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "dir/file-with-a-longish-name-%02d", i);
    I f = make_file(RW, name, "x");
    w_fd_close(f);
  }
  EXPECT(w_path_create_directory(RW, S("dir/subdir")), 0);
  EXPECT(w_path_symlink(S("file-with-a-longish-name-00"), RW, S("dir/link")), 0);
  EXPECT(open_at(RW, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &d), 0);

  static char whole[4096];
  strcpy(whole, list(d, 4096));
  int all = 1;
  for (int i = 0; i < 20; i++) {
    snprintf(name, sizeof name, "file-with-a-longish-name-%02d", i);
    all &= has(whole, name);
  }
  CHECK(all && has(whole, ".") && has(whole, "..") && has(whole, "subdir") && has(whole, "link"),
        "one big buffer: all 20 files, subdir, link, . and ..");
  /* 24-byte headers + 27-byte names: buffers that fit an entry exactly, or cut one anywhere (the guest
   * asks again from the last complete entry's cookie) give the same list */
  static const size_t chunks[] = {51, 52, 60, 75, 76, 100, 140};
  for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
    size_t chunk = chunks[c];
    char msg[80];
    snprintf(msg, sizeof msg, "%zu-byte buffers and cookies: the same list", chunk);
    CHECK(strcmp(list(d, chunk), whole) == 0, msg);
  }

  /* types and inodes */
  static uint8_t buf[4096];
  __wasi_size_t used;
  EXPECT(w_fd_readdir(d, P(buf), sizeof buf, 0, P(&used)), 0);
  int types_ok = 1, inodes_ok = 1;
  for (size_t pos = 0; pos + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t e;
    memcpy(&e, buf + pos, sizeof e);
    char n[64] = {0};
    memcpy(n, buf + pos + sizeof e, e.d_namlen < 63 ? e.d_namlen : 63);
    uint8_t want = strcmp(n, "subdir") == 0 || n[0] == '.' ? __WASI_FILETYPE_DIRECTORY
                   : strcmp(n, "link") == 0                ? __WASI_FILETYPE_SYMBOLIC_LINK
                                                           : __WASI_FILETYPE_REGULAR_FILE;
    types_ok &= e.d_type == want;
    if (strncmp(n, "file", 4) == 0) {
      __wasi_filestat_t st;
      char path[80];
      snprintf(path, sizeof path, "dir/%s", n);
      inodes_ok &= w_path_filestat_get(RW, 0, S(path), P(&st)) == 0 && st.ino == e.d_ino;
    }
    pos += sizeof e + e.d_namlen;
  }
  CHECK(types_ok, "d_type: directories, the symlink, regular files");
  CHECK(inodes_ok, "d_ino is the inode path_filestat_get reports");

  /* resuming from a cookie in the middle, and rewinding */
  EXPECT(w_fd_readdir(d, P(buf), sizeof buf, 0, P(&used)), 0);
  __wasi_dirent_t first[6];
  size_t pos = 0;
  for (int i = 0; i < 6; i++) {
    memcpy(&first[i], buf + pos, sizeof first[i]);
    pos += sizeof first[i] + first[i].d_namlen;
  }
  uint8_t rest[4096];
  __wasi_size_t rest_used;
  EXPECT(w_fd_readdir(d, P(rest), sizeof rest, (L)first[2].d_next, P(&rest_used)), 0);
  size_t skip = 0;
  for (int i = 0; i < 3; i++) skip += sizeof first[i] + first[i].d_namlen;
  CHECK(rest_used == used - skip && memcmp(rest, buf + skip, rest_used) == 0,
        "fd_readdir from entry 3's cookie returns the listing from entry 4 on");
  EXPECT(w_fd_readdir(d, P(rest), sizeof rest, 0, P(&rest_used)), 0);
  CHECK(rest_used == used && memcmp(rest, buf, used) == 0, "cookie 0 starts over");
  EXPECT(w_fd_readdir(d, P(rest), sizeof rest, 1000000, P(&rest_used)), 0);
  CHECK(rest_used == 0, "a cookie past the end: nothing");
  EXPECT(w_fd_readdir(d, P(rest), 0, 0, P(&rest_used)), 0);
  CHECK(rest_used == 0, "a zero-byte buffer: nothing");

  /* a listing that deletes as it goes (rm -r) sees every entry once */
  I e;
  EXPECT(open_at(RW, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR, 0, &e), 0);
  int removed = 0;
  __wasi_dircookie_t cookie = 0;
  for (int round = 0; round < 100; round++) {
    EXPECT(w_fd_readdir(e, P(buf), 100, (L)cookie, P(&used)), 0);
    pos = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t ent;
      memcpy(&ent, buf + pos, sizeof ent);
      if (pos + sizeof ent + ent.d_namlen > used) break;
      char n[64] = {0};
      memcpy(n, buf + pos + sizeof ent, ent.d_namlen < 63 ? ent.d_namlen : 63);
      if (strncmp(n, "file", 4) == 0) {
        char path[80];
        snprintf(path, sizeof path, "dir/%s", n);
        removed += w_path_unlink_file(RW, S(path)) == 0;
      }
      cookie = ent.d_next;
      pos += sizeof ent + ent.d_namlen;
    }
    if (used < 100) break;
  }
  CHECK(removed == 20, "unlinking while listing: all 20 files seen and removed");

  /* errors */
  EXPECT(w_fd_readdir(NOFD, P(buf), sizeof buf, 0, P(&used)), __WASI_ERRNO_BADF);
  I f = make_file(RW, "plain.txt", "x");
  EXPECT(w_fd_readdir(f, P(buf), sizeof buf, 0, P(&used)), __WASI_ERRNO_NOTDIR);
  EXPECT(w_fd_readdir(1, P(buf), sizeof buf, 0, P(&used)), __WASI_ERRNO_NOTDIR);
  EXPECT(w_fd_readdir(d, OOB, 100, 0, P(&used)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_readdir(d, straddle(), 100, 0, P(&used)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_readdir(d, P(buf), -1, 0, P(&used)), __WASI_ERRNO_FAULT);
  EXPECT(w_fd_readdir(d, P(buf), 100, 0, OOB), __WASI_ERRNO_FAULT);
  __wasi_fdstat_t st;
  EXPECT(w_fd_fdstat_get(d, P(&st)), 0);
  EXPECT(w_fd_fdstat_set_rights(d, (L)(st.fs_rights_base & ~__WASI_RIGHTS_FD_READDIR), (L)st.fs_rights_inheriting), 0);
  EXPECT(w_fd_readdir(d, P(buf), sizeof buf, 0, P(&used)), __WASI_ERRNO_NOTCAPABLE);
  /* the read-only preopen lists fine */
  const char *ro = list(RO, 4096);
  CHECK(has(ro, "data.txt") && has(ro, "sub") && has(ro, "link-to-data"), "listing ro");
  return done();
}
