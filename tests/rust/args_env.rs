// Arguments and environment: what the program sees is exactly what it was given (argv[0] aside,
// whose spelling depends on how it was started), and nothing else of the host's environment.
// args: first --flag "quoted" ünïcode -- last
// env: GREETING=hello NUMBER=42 EMPTY=
// expect-exit: 2
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("{} arguments: {args:?}", args.len());
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    println!("environment: {vars:?}");
    println!("GREETING: {:?}", std::env::var("GREETING"));
    println!("HOME: {:?}", std::env::var("HOME").ok());
    let n: i32 = std::env::var("NUMBER").unwrap().parse().unwrap();
    if args.iter().any(|a| a == "--flag") {
        std::process::exit(n - 40);
    }
}
