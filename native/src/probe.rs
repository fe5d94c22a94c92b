//! What this kernel / OS can enforce. Shared by the addon (`probe()`) and the launcher, so the
//! answer `bridle sandbox probe` prints is exactly what `bridle-sandbox` will act on.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    /// `linux`, `macos`, ...
    pub os: String,
    pub arch: String,
    /// Kernel release (`uname -r`) on Unix.
    pub kernel: String,
    /// Landlock ABI version, or None when Landlock is absent or disabled.
    pub landlock_abi: Option<u32>,
    /// Whether seccomp-bpf filters can be installed.
    pub seccomp_filter: bool,
    /// Whether an unprivileged process can create a user namespace (bubblewrap-style sandboxes need it; Bridle does not).
    pub user_namespaces: bool,
    /// macOS: whether /usr/bin/sandbox-exec exists.
    pub sandbox_exec: bool,
}

pub fn probe() -> Probe {
    Probe {
        os: std::env::consts::OS.to_string(),
        arch: std::env::consts::ARCH.to_string(),
        kernel: kernel_release(),
        landlock_abi: landlock_abi(),
        seccomp_filter: seccomp_filter(),
        user_namespaces: user_namespaces(),
        sandbox_exec: std::path::Path::new("/usr/bin/sandbox-exec").exists(),
    }
}

#[cfg(unix)]
fn kernel_release() -> String {
    // SAFETY: uname fills a caller-owned struct; the release field is NUL-terminated.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return String::new();
        }
        std::ffi::CStr::from_ptr(u.release.as_ptr()).to_string_lossy().into_owned()
    }
}

#[cfg(not(unix))]
fn kernel_release() -> String {
    String::new()
}

#[cfg(target_os = "linux")]
fn landlock_abi() -> Option<u32> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_long = 1;
    // SAFETY: with a null attr, size 0 and the VERSION flag the syscall only returns the ABI.
    let v = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    if v > 0 { Some(v as u32) } else { None }
}

#[cfg(not(target_os = "linux"))]
fn landlock_abi() -> Option<u32> {
    None
}

#[cfg(target_os = "linux")]
fn seccomp_filter() -> bool {
    const SECCOMP_GET_ACTION_AVAIL: libc::c_uint = 2;
    const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
    let action: u32 = SECCOMP_RET_ERRNO;
    // SAFETY: asks the kernel whether an action is available; touches no process state.
    let r = unsafe {
        libc::syscall(libc::SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0u32, &action as *const u32)
    };
    r == 0
}

#[cfg(not(target_os = "linux"))]
fn seccomp_filter() -> bool {
    false
}

#[cfg(target_os = "linux")]
fn user_namespaces() -> bool {
    // Sysctls can say "yes" while an LSM (Ubuntu's AppArmor restriction) says no, so try it in a
    // throwaway child: fork, unshare(CLONE_NEWUSER), report through the exit status.
    // SAFETY: the child only calls async-signal-safe functions before _exit.
    unsafe {
        let pid = libc::fork();
        if pid < 0 {
            return false;
        }
        if pid == 0 {
            let ok = libc::unshare(libc::CLONE_NEWUSER) == 0;
            libc::_exit(if ok { 0 } else { 1 });
        }
        let mut status: libc::c_int = 0;
        if libc::waitpid(pid, &mut status, 0) != pid {
            return false;
        }
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
    }
}

#[cfg(not(target_os = "linux"))]
fn user_namespaces() -> bool {
    false
}
