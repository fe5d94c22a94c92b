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
//!
//! It starts before every confined process, so its own startup is on the hot path: it has a C
//! `main` (no std runtime setup: that read /proc/self/maps and set up a signal stack on every
//! launch, for a process that lives a millisecond) and execs with the very argv it was given.

// The test harness brings its own main.
#![cfg_attr(not(test), no_main)]

// Shared with the addon by path: this binary must not link napi symbols.
#[path = "../compose.rs"]
mod compose;
#[path = "../probe.rs"]
mod probe;
#[path = "../profile.rs"]
mod profile;
#[path = "../seatbelt.rs"]
mod seatbelt;
#[cfg(test)]
#[path = "../testutil.rs"]
mod testutil;

// The test harness keeps the system allocator.
#[cfg(not(test))]
#[path = "../arena.rs"]
mod arena;
#[cfg(not(test))]
#[global_allocator]
static ALLOC: arena::Arena = arena::Arena;

#[cfg(target_os = "linux")]
#[path = "../enforce.rs"]
mod enforce;
#[cfg(target_os = "linux")]
#[path = "../exec.rs"]
mod exec;
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
use std::os::unix::ffi::OsStrExt;
#[cfg(target_os = "macos")]
use std::os::unix::process::CommandExt;
#[cfg(target_os = "macos")]
use std::process::Command;

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

/// The process's arguments as main received them: the command after `--` is exec'd from this very
/// array (it is NULL-terminated, as execvp wants), so nothing is copied for the exec.
struct RawArgs {
    argc: usize,
    argv: *const *const libc::c_char,
}

impl RawArgs {
    fn get(&self, i: usize) -> OsString {
        // SAFETY: i < argc, and argv[0..argc] are valid NUL-terminated strings for the process's life.
        let c = unsafe { std::ffi::CStr::from_ptr(*self.argv.add(i)) };
        std::ffi::OsStr::from_bytes(c.to_bytes()).to_os_string()
    }
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
        // One write: the reader may take the first chunk for the whole line.
        let _ = f.write_all(format!("{line}\n").as_bytes());
        if n <= 2 {
            // A standard stream doubling as the status channel stays open for the command.
            let _ = f.into_raw_fd();
        }
        // Any other status descriptor is closed here so it does not leak into the command.
    }
}

type ExitCode = u8;
const SUCCESS: ExitCode = 0;

fn fail(msg: &str) -> ExitCode {
    eprintln!("bridle-sandbox: {msg}");
    EXIT_SANDBOX
}

/// Prints to stdout and flushes: without std's runtime nothing flushes stdout at exit.
fn print_out(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => SUCCESS,
        Err(e) => fail(&format!("cannot write to stdout: {e}")),
    }
}

/// The C entry point (see the module comment). Under the test harness it is an ordinary function.
#[cfg_attr(not(test), no_mangle)]
pub extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    // As std's runtime would: a closed stdout or status pipe is an error to report, not a signal
    // that kills the launcher. Reset to the default before exec (confine_and_exec).
    // SAFETY: setting a signal disposition; no handler code involved.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    let raw = RawArgs { argc: usize::try_from(argc).unwrap_or(0), argv };
    libc::c_int::from(run(&raw))
}

fn run(raw: &RawArgs) -> ExitCode {
    let argv: Vec<OsString> = (1..raw.argc).map(|i| raw.get(i)).collect();
    if argv.first().map(|a| a == "--probe").unwrap_or(false) {
        return print_out(&format!("{}\n", serde_json::to_string(&probe::probe()).expect("probe serializes")));
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
        return print_out(&seatbelt::render(&prof));
    }
    if args.explain {
        return match compose::compose(&prof) {
            Ok(plan) => print_out(&format!("{}\n", compose::explain(&plan))),
            Err(e) => fail(&e),
        };
    }
    if args.command.is_empty() {
        return fail("missing command: bridle-sandbox --profile FILE -- CMD ARGS...");
    }
    // The command is the tail of argv (parse stopped at `--`).
    let first = raw.argc - args.command.len();
    confine_and_exec(&prof, args.status_fd, raw, first)
}

#[cfg(target_os = "linux")]
fn confine_and_exec(prof: &profile::Profile, status_fd: Option<i32>, raw: &RawArgs, first: usize) -> ExitCode {
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
    // Straight from our own argv and environ: nothing to copy on the way out.
    // SAFETY: first < argc, so argv[first..] is the command's NULL-terminated argv; the signal
    // call sets a disposition only (the command starts with SIGPIPE at its default).
    let err = unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        exec::execvp(raw.argv.add(first))
    };
    eprintln!("bridle-sandbox: cannot exec {}: {}", raw.get(first).to_string_lossy(), err);
    if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    }
}

#[cfg(target_os = "macos")]
fn confine_and_exec(prof: &profile::Profile, status_fd: Option<i32>, raw: &RawArgs, first: usize) -> ExitCode {
    let command: Vec<OsString> = (first..raw.argc).map(|i| raw.get(i)).collect();
    // sandbox-exec applies the profile to itself and execs the command: the same
    // restrict-then-exec shape as on Linux, with the kernel's Seatbelt doing the enforcing.
    let text = seatbelt::render(prof);
    let enforced = if prof.mode == profile::Mode::None { "[]" } else { "[\"seatbelt\"]" };
    report(status_fd, &format!("{{\"event\":\"sandbox.status\",\"enforced\":{enforced},\"missing\":[]}}"));
    let err = Command::new("/usr/bin/sandbox-exec").arg("-p").arg(text).arg("--").args(&command).exec();
    fail(&format!("cannot exec /usr/bin/sandbox-exec: {err}"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn confine_and_exec(_: &profile::Profile, _: Option<i32>, _: &RawArgs, _: usize) -> ExitCode {
    fail("no sandbox implementation for this OS")
}
