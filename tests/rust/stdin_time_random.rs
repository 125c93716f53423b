// Standard input, clocks, sleeping, randomness and the exit code: reads numbers from stdin, sleeps
// with thread::sleep (poll_oneoff in Wasm), checks the monotonic and wall clocks, draws random
// bytes (getentropy, random_get in Wasm), and exits with a code computed from the input.
// stdin: 3\n4\n5\nnot a number\n30\n
// expect-exit: 42
use std::io::BufRead;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

extern "C" {
    fn getentropy(buf: *mut u8, len: usize) -> i32;
}

fn main() {
    let mut sum = 0i64;
    let mut lines = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin");
        lines += 1;
        match line.trim().parse::<i64>() {
            Ok(n) => sum += n,
            Err(e) => println!("line {lines}: {e}"),
        }
    }
    println!("{lines} lines, sum {sum}");

    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(25));
    let slept = start.elapsed();
    println!("slept at least 25 ms: {}", slept >= Duration::from_millis(25));
    println!("and less than 10 s: {}", slept < Duration::from_secs(10));
    let a = Instant::now();
    let b = Instant::now();
    println!("monotonic: {}", b >= a);
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
    println!("after 2020: {}", since_epoch.as_secs() > 1_577_836_800);

    // getentropy: the C library's call natively, random_get in Wasm (wasi-libc).
    let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
    let ok = unsafe { getentropy(x.as_mut_ptr(), 32) == 0 && getentropy(y.as_mut_ptr(), 32) == 0 };
    println!("getentropy: {ok}, two draws differ: {}, not all zero: {}", x != y, x.iter().any(|&b| b != 0));
    std::process::exit(sum as i32);
}
