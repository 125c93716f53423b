// Files and directories through std::fs: create, write, list (sorted, with types), rename, seek,
// positional reads and writes, metadata, symlinks, set_len, copy, removal, and the error kinds of the
// usual mistakes. Run natively in a fresh directory and as Wasm with that directory granted as ".":
// the output and the resulting directory must be the same.
// dir: yes
use std::ffi::{c_char, c_int, c_void, CString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;

// The same C library calls natively (glibc) and in Wasm (wasi-libc, which Rust's std links).
extern "C" {
    fn symlink(target: *const c_char, path: *const c_char) -> c_int;
    fn pread(fd: c_int, buf: *mut c_void, n: usize, offset: i64) -> isize;
    fn pwrite(fd: c_int, buf: *const c_void, n: usize, offset: i64) -> isize;
}

fn make_symlink(target: &str, path: &str) -> io::Result<()> {
    let (t, p) = (CString::new(target).unwrap(), CString::new(path).unwrap());
    if unsafe { symlink(t.as_ptr(), p.as_ptr()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn list(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            let kind = if t.is_symlink() { "link" } else if t.is_dir() { "dir" } else { "file" };
            format!("{}:{kind}", e.file_name().to_string_lossy())
        })
        .collect();
    names.sort();
    names
}

fn kind<T>(r: io::Result<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => format!("{:?}", e.kind()),
    }
}

fn main() -> io::Result<()> {
    fs::create_dir_all("tree/a/b")?;
    fs::create_dir("tree/c")?;
    for (i, name) in ["tree/one.txt", "tree/a/two.txt", "tree/a/b/three.txt"].iter().enumerate() {
        fs::write(name, format!("file {i}\n").repeat(i + 1))?;
    }
    println!("tree: {:?}", list("tree"));
    println!("tree/a: {:?}", list("tree/a"));

    // seek, read, write in the middle
    let mut f = OpenOptions::new().read(true).write(true).open("tree/a/two.txt")?;
    f.seek(SeekFrom::Start(5))?;
    f.write_all(b"X")?;
    f.seek(SeekFrom::End(-3))?;
    let mut tail = String::new();
    f.read_to_string(&mut tail)?;
    println!("tail after seek(-3 from end): {tail:?}");
    println!("position: {}", f.stream_position()?);
    // pread/pwrite leave the position alone
    let fd = f.as_raw_fd();
    let mut buf = [0u8; 4];
    let n = unsafe { pread(fd, buf.as_mut_ptr() as *mut c_void, 4, 2) };
    println!("pread(4 @ 2) = {n}: {:?}", String::from_utf8_lossy(&buf));
    let n = unsafe { pwrite(fd, b"YY".as_ptr() as *const c_void, 2, 0) };
    println!("pwrite(2 @ 0) = {n}, position still {}", f.stream_position()?);
    drop(f);
    println!("two.txt: {:?}", fs::read_to_string("tree/a/two.txt")?);

    // metadata
    let m = fs::metadata("tree/a/b/three.txt")?;
    println!("three.txt: len {} file {} dir {}", m.len(), m.is_file(), m.is_dir());
    println!("tree/a: dir {}", fs::metadata("tree/a")?.is_dir());

    // symlinks
    make_symlink("a/two.txt", "tree/link")?;
    println!("read_link: {:?}", fs::read_link("tree/link")?);
    println!("through the link: {:?}", fs::read_to_string("tree/link")?.len());
    println!("symlink_metadata: is_symlink {}", fs::symlink_metadata("tree/link")?.file_type().is_symlink());
    println!("metadata follows: is_file {}", fs::metadata("tree/link")?.is_file());
    make_symlink("missing", "tree/dangling")?;
    println!("dangling: {}", kind(fs::read("tree/dangling")));

    // rename files and directories, set_len, copy
    fs::rename("tree/one.txt", "tree/c/uno.txt")?;
    fs::rename("tree/a/b", "tree/c/b")?;
    let f = OpenOptions::new().write(true).open("tree/c/uno.txt")?;
    f.set_len(3)?;
    drop(f);
    println!("copied {} bytes", fs::copy("tree/c/uno.txt", "tree/copy.txt")?);
    println!("after renames: tree {:?}, tree/c {:?}", list("tree"), list("tree/c"));

    // append, create_new
    let mut log = OpenOptions::new().append(true).create(true).open("tree/log.txt")?;
    writeln!(log, "first")?;
    let mut log2 = OpenOptions::new().append(true).open("tree/log.txt")?;
    writeln!(log2, "second")?;
    drop((log, log2));
    println!("log: {:?}", fs::read_to_string("tree/log.txt")?);
    println!("create_new on an existing file: {}", kind(OpenOptions::new().write(true).create_new(true).open("tree/log.txt")));

    // the usual mistakes
    println!("open a missing file: {}", kind(File::open("tree/nope")));
    // (Rust's std for WASI maps ENOTEMPTY to ErrorKind::Uncategorized: print only that it failed)
    println!("remove_dir of a non-empty dir fails: {}, still there: {}", fs::remove_dir("tree/c").is_err(), fs::metadata("tree/c").is_ok());
    println!("create_dir of an existing dir: {}", kind(fs::create_dir("tree/c")));
    println!("remove_file of a directory: {}", kind(fs::remove_file("tree/c")));
    println!("read_dir of a file: {}", kind(fs::read_dir("tree/log.txt")));
    println!("read_link of a file: {}", kind(fs::read_link("tree/log.txt")));
    println!("rename a missing file: {}", kind(fs::rename("tree/nope", "tree/nope2")));

    // removal
    fs::remove_file("tree/link")?;
    fs::remove_file("tree/dangling")?;
    fs::remove_dir_all("tree/c")?;
    println!("at the end: {:?}", list("tree"));
    Ok(())
}
