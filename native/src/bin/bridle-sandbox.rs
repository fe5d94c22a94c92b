//! bridle-sandbox: applies the sandbox to itself, then execs the target command, so restrictions
//! are in force before the target's first instruction and inherited by every descendant.
//!
//! Usage: bridle-sandbox [--probe] -- CMD ARGS...

#[path = "../probe.rs"]
mod probe;

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().map(|a| a == "--probe").unwrap_or(false) {
        println!("{}", serde_json::to_string(&probe::probe()).expect("probe serializes"));
        return ExitCode::SUCCESS;
    }
    if args.first().map(|a| a == "--").unwrap_or(false) {
        args.remove(0);
    }
    if args.is_empty() {
        eprintln!("bridle-sandbox: missing command. Usage: bridle-sandbox -- CMD ARGS...");
        return ExitCode::from(2);
    }
    let program = args.remove(0);
    // exec only returns on failure.
    let err = Command::new(&program).args(&args).exec();
    eprintln!("bridle-sandbox: cannot exec {}: {}", program.to_string_lossy(), err);
    ExitCode::from(if err.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 })
}
