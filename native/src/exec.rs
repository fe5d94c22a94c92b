//! Execs the confined command the way glibc's execvp does, whichever libc the launcher is linked
//! with (it is built against musl where that target is installed: no glibc startup cost). The
//! semantics are spelled out here so they do not change with the libc: a name without `/` is
//! searched in $PATH (unset: `/bin:/usr/bin`; an empty entry is the current directory), a file the
//! kernel cannot run (ENOEXEC: a script without `#!`) is run by /bin/sh, EACCES on one candidate
//! does not stop the search but is what is reported if nothing runs.

use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;

/// Replaces the process with `argv[0]` run with `argv` (a NULL-terminated array) and the current
/// environment. Returns only on failure, with the error to report.
///
/// # Safety
/// `argv` must point to a NULL-terminated array of valid NUL-terminated strings, with argv[0]
/// non-null.
pub unsafe fn execvp(argv: *const *const libc::c_char) -> std::io::Error {
    // SAFETY: argv[0] is a valid C string (the caller's contract).
    let file = unsafe { CStr::from_ptr(*argv) };
    let name = file.to_bytes();
    if name.is_empty() {
        return std::io::Error::from_raw_os_error(libc::ENOENT);
    }
    if name.contains(&b'/') {
        // SAFETY: as above.
        return unsafe { try_exec(file, argv) }.unwrap_or_else(std::io::Error::last_os_error);
    }
    let path = std::env::var_os("PATH");
    let path = path.as_ref().map(|p| p.as_bytes()).unwrap_or(b"/bin:/usr/bin");
    let mut eacces = false;
    let mut last = std::io::Error::from_raw_os_error(libc::ENOENT);
    for dir in path.split(|b| *b == b':') {
        let mut candidate = Vec::with_capacity(dir.len() + name.len() + 1);
        if !dir.is_empty() {
            candidate.extend_from_slice(dir);
            candidate.push(b'/');
        }
        candidate.extend_from_slice(name);
        let Ok(candidate) = CString::new(candidate) else { continue };
        // SAFETY: argv per the caller's contract; candidate is a valid C string.
        let err = unsafe { try_exec(&candidate, argv) }.unwrap_or_else(std::io::Error::last_os_error);
        match err.raw_os_error() {
            Some(libc::EACCES) => eacces = true,
            Some(libc::ENOENT | libc::ESTALE | libc::ENOTDIR | libc::ENODEV | libc::ETIMEDOUT) => {}
            _ => return err,
        }
        last = err;
    }
    if eacces {
        std::io::Error::from_raw_os_error(libc::EACCES)
    } else {
        last
    }
}

/// execv(file, argv); on ENOEXEC, /bin/sh file argv[1..]. Returns only on failure: Some(error)
/// when the shell fallback failed, None when errno holds the error.
///
/// # Safety
/// As for execvp.
unsafe fn try_exec(file: &CStr, argv: *const *const libc::c_char) -> Option<std::io::Error> {
    // SAFETY: file is a valid C string, argv a valid NULL-terminated array.
    unsafe { libc::execv(file.as_ptr(), argv) };
    if std::io::Error::last_os_error().raw_os_error() != Some(libc::ENOEXEC) {
        return None;
    }
    let mut sh: Vec<*const libc::c_char> = vec![c"/bin/sh".as_ptr(), file.as_ptr()];
    let mut i = 1;
    // SAFETY: argv is NULL-terminated, so every read up to and including the NULL is in bounds.
    while let Some(arg) = unsafe { (*argv.add(i)).as_ref() } {
        sh.push(arg);
        i += 1;
    }
    sh.push(std::ptr::null());
    // SAFETY: sh is a NULL-terminated array of valid C strings that outlive the call.
    unsafe { libc::execv(c"/bin/sh".as_ptr(), sh.as_ptr()) };
    // The script could not be run: report why the kernel refused it, as glibc does.
    Some(std::io::Error::from_raw_os_error(libc::ENOEXEC))
}
