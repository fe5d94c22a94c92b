//! bridle-sandbox: applies the sandbox to itself, then execs the target command, so restrictions
//! are in force before the target's first instruction and inherited by every descendant.
//!
//! Usage:
//!   bridle-sandbox --probe
//!   bridle-sandbox (--profile FILE | --profile-json JSON | --profile-fd N) [--status-fd N] -- CMD ARGS...
//!   bridle-sandbox (--profile ...) --explain       print the composed Landlock rules and exit
//!   bridle-sandbox (--profile ...) --seatbelt      print the macOS Seatbelt text and exit
//!
//! Exit status: the command's own once exec'd; 125 when the sandbox cannot be applied (bad
//! profile, kernel lacks a required feature), 126 when the command cannot run, 127 when not found.
//!
//! The launcher must stay single-threaded until exec: Landlock and seccomp apply to the calling
//! thread only, and the exec'd image inherits exactly that thread's restrictions.

// Shared with the addon by path: this binary must not link napi symbols.
#[path = "../compose.rs"]
mod compose;
#[path = "../probe.rs"]
mod probe;
#[path = "../profile.rs"]
mod profile;
#[path = "../seatbelt.rs"]
mod seatbelt;

#[cfg(target_os = "linux")]
#[path = "../enforce.rs"]
mod enforce;
#[cfg(target_os = "linux")]
#[path = "../harden.rs"]
mod harden;
#[cfg(target_os = "linux")]
#[path = "../landlock.rs"]
mod landlock;
#[cfg(target_os = "linux")]
#[path = "../mounts.rs"]
mod mounts;
#[cfg(target_os = "linux")]
#[path = "../seccomp.rs"]
mod seccomp;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

const EXIT_SANDBOX: u8 = 125;

enum Source {
    File(OsString),
    Json(String),
    Fd(i32),
}

struct Args {
    source: Option<Source>,
    status_fd: Option<i32>,
    explain: bool,
    seatbelt: bool,
    command: Vec<OsString>,
}

fn parse(mut argv: Vec<OsString>) -> Result<Args, String> {
    let mut a = Args { source: None, status_fd: None, explain: false, seatbelt: false, command: Vec::new() };
    argv.reverse();
    let fd = |v: Option<OsString>, flag: &str| -> Result<i32, String> {
        v.and_then(|s| s.to_str().and_then(|s| s.parse::<i32>().ok()))
            .filter(|n| *n >= 0)
            .ok_or_else(|| format!("{flag} needs a file descriptor number"))
    };
    while let Some(arg) = argv.pop() {
        match arg.to_str() {
            Some("--") => {
                argv.reverse();
                a.command = argv;
                return Ok(a);
            }
            Some("--profile") => a.source = Some(Source::File(argv.pop().ok_or("--profile needs a file")?)),
            Some("--profile-json") => {
                let v = argv.pop().ok_or("--profile-json needs a JSON argument")?;
                a.source = Some(Source::Json(v.into_string().map_err(|_| "--profile-json is not UTF-8")?));
            }
            Some("--profile-fd") => a.source = Some(Source::Fd(fd(argv.pop(), "--profile-fd")?)),
            Some("--status-fd") => a.status_fd = Some(fd(argv.pop(), "--status-fd")?),
            Some("--explain") => a.explain = true,
            Some("--seatbelt") => a.seatbelt = true,
            _ => return Err(format!("unexpected argument `{}` (the command goes after `--`)", arg.to_string_lossy())),
        }
    }
    Ok(a)
}

fn read_profile(src: &Source) -> Result<String, String> {
    match src {
        Source::Json(s) => Ok(s.clone()),
        Source::File(f) => std::fs::read_to_string(f).map_err(|e| format!("cannot read profile {}: {e}", f.to_string_lossy())),
        Source::Fd(n) => {
            use std::os::fd::FromRawFd;
            // SAFETY: the caller handed us this descriptor for the profile; we take ownership and
            // close it after reading so it does not leak into the target.
            let mut f = unsafe { std::fs::File::from_raw_fd(*n) };
            let mut s = String::new();
            f.read_to_string(&mut s).map_err(|e| format!("cannot read profile from fd {n}: {e}"))?;
            Ok(s)
        }
    }
}

/// Writes one JSON line to the status fd (and closes it), so the session can record what holds.
fn report(status_fd: Option<i32>, line: &str) {
    if let Some(n) = status_fd {
        use std::os::fd::{FromRawFd, IntoRawFd};
        // SAFETY: the caller passed this descriptor for our status line; we own it for the write.
        let mut f = unsafe { std::fs::File::from_raw_fd(n) };
        let _ = writeln!(f, "{line}");
        if n <= 2 {
            // A standard stream doubling as the status channel stays open for the command.
            let _ = f.into_raw_fd();
        }
        // Any other status descriptor is closed here so it does not leak into the command.
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("bridle-sandbox: {msg}");
    ExitCode::from(EXIT_SANDBOX)
}

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().skip(1).collect();
    if argv.first().map(|a| a == "--probe").unwrap_or(false) {
        println!("{}", serde_json::to_string(&probe::probe()).expect("probe serializes"));
        return ExitCode::SUCCESS;
    }
    let args = match parse(argv) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let Some(source) = &args.source else {
        return fail("no profile: pass --profile FILE, --profile-json JSON or --profile-fd N (a profile with \"mode\": \"none\" runs unconfined)");
    };
    let text = match read_profile(source) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let prof = match profile::Profile::from_json(&text) {
        Ok(p) => p,
        Err(errs) => return fail(&format!("invalid profile:\n  {}", errs.join("\n  "))),
    };
    if args.seatbelt {
        print!("{}", seatbelt::render(&prof));
        return ExitCode::SUCCESS;
    }
    if args.explain {
        return match compose::compose(&prof) {
            Ok(plan) => {
                let rules: Vec<serde_json::Value> = plan
                    .rules
                    .iter()
                    .map(|r| serde_json::json!({"path": r.path, "dir": r.dir, "access": compose::access_names(r.access)}))
                    .collect();
                println!("{}", serde_json::json!({"rules": rules, "notes": plan.notes}));
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        };
    }
    if args.command.is_empty() {
        return fail("missing command: bridle-sandbox --profile FILE -- CMD ARGS...");
    }
    confine_and_exec(&prof, args.status_fd, args.command)
}

#[cfg(target_os = "linux")]
fn confine_and_exec(prof: &profile::Profile, status_fd: Option<i32>, mut command: Vec<OsString>) -> ExitCode {
    let mut status = enforce::Status::new(prof);
    let applied = enforce::apply(prof, &mut status);
    let line = serde_json::to_string(&status).expect("status serializes");
    report(status_fd, &line);
    if applied.is_err() {
        return fail(status.error.as_deref().unwrap_or("cannot apply the sandbox"));
    }
    if prof.best_effort && !status.missing.is_empty() && status_fd.is_none() {
        // Nobody is listening on a status fd: stderr is the only record of what is not enforced.
        eprintln!("bridle-sandbox: best effort: {line}");
    }
    let program = command.remove(0);
    let err = Command::new(&program).args(&command).exec();
    eprintln!("bridle-sandbox: cannot exec {}: {}", program.to_string_lossy(), err);
    ExitCode::from(if err.kind() == std::io::ErrorKind::NotFound { 127 } else { 126 })
}

#[cfg(target_os = "macos")]
fn confine_and_exec(prof: &profile::Profile, status_fd: Option<i32>, command: Vec<OsString>) -> ExitCode {
    // sandbox-exec applies the profile to itself and execs the command: the same
    // restrict-then-exec shape as on Linux, with the kernel's Seatbelt doing the enforcing.
    let text = seatbelt::render(prof);
    let enforced = if prof.mode == profile::Mode::None { "[]" } else { "[\"seatbelt\"]" };
    report(status_fd, &format!("{{\"event\":\"sandbox.status\",\"enforced\":{enforced},\"missing\":[]}}"));
    let err = Command::new("/usr/bin/sandbox-exec").arg("-p").arg(text).arg("--").args(&command).exec();
    fail(&format!("cannot exec /usr/bin/sandbox-exec: {err}"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn confine_and_exec(_: &profile::Profile, _: Option<i32>, _: Vec<OsString>) -> ExitCode {
    fail("no sandbox implementation for this OS")
}
