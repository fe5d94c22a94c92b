//! Landlock, through the raw syscalls: one ruleset built from the composed plan, the TCP port rules
//! and the scopes, then restrict_self. Landlock restricts only the calling thread (and what it
//! later execs or forks), which is why the launcher applies it in its own single-threaded process
//! right before exec.

use crate::compose::{Plan, FILE_RIGHTS, IOCTL_DEV, REFER, TRUNCATE};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

const CREATE_RULESET_VERSION: u32 = 1;
const RULE_PATH_BENEATH: libc::c_int = 1;
const RULE_NET_PORT: libc::c_int = 2;
pub const NET_BIND_TCP: u64 = 1;
pub const NET_CONNECT_TCP: u64 = 2;
pub const SCOPE_ABSTRACT_UNIX_SOCKET: u64 = 1;
pub const SCOPE_SIGNAL: u64 = 2;

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
    scoped: u64,
}

// The kernel declares this one packed: a u64 followed by an s32, 12 bytes.
#[repr(C, packed)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

#[repr(C)]
struct NetPortAttr {
    allowed_access: u64,
    port: u64,
}

/// Landlock ABI of the running kernel, None when absent or disabled at boot.
pub fn abi() -> Option<u32> {
    // SAFETY: with a null attr, size 0 and the VERSION flag the syscall only returns the ABI.
    let v = unsafe {
        libc::syscall(libc::SYS_landlock_create_ruleset, std::ptr::null::<RulesetAttr>(), 0usize, CREATE_RULESET_VERSION)
    };
    if v > 0 {
        Some(v as u32)
    } else {
        None
    }
}

/// Filesystem rights this ABI knows. Rights a kernel does not know are not handled, i.e. allowed:
/// the caller reports them (truncate before ABI 3, device ioctls before ABI 5).
pub fn fs_rights_for(abi: u32) -> u64 {
    let mut r = (1u64 << 13) - 1;
    if abi >= 2 {
        r |= REFER;
    }
    if abi >= 3 {
        r |= TRUNCATE;
    }
    if abi >= 5 {
        r |= IOCTL_DEV;
    }
    r
}

/// Rule anchors left for exec to close (one syscall saved per rule on the launch path).
const KEEP_OPEN: usize = 256;

pub struct Request<'a> {
    pub plan: &'a Plan,
    pub handle_fs: bool,
    /// Some(ports): TCP connect only to these ports and no TCP bind. None: TCP not handled.
    pub tcp_connect_ports: Option<&'a [u16]>,
    pub scopes: u64,
}

/// Owned fd closed on drop, so an early error return leaks nothing into the exec'd target.
struct Fd(libc::c_int);
impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: we own this descriptor and close it once.
        unsafe { libc::close(self.0) };
    }
}

fn last_error(what: &str) -> String {
    format!("{what}: {}", std::io::Error::last_os_error())
}

/// Builds the ruleset and restricts the calling thread. Requires no_new_privs (or CAP_SYS_ADMIN).
pub fn restrict(abi: u32, req: &Request) -> Result<usize, String> {
    let fs_known = fs_rights_for(abi);
    let attr = RulesetAttr {
        handled_access_fs: if req.handle_fs { fs_known } else { 0 },
        handled_access_net: if req.tcp_connect_ports.is_some() && abi >= 4 { NET_BIND_TCP | NET_CONNECT_TCP } else { 0 },
        scoped: if abi >= 6 { req.scopes } else { 0 },
    };
    // Older kernels reject a struct larger than they know unless the extra bytes are zero, and
    // they are zero whenever the ABI lacks the feature, so the full struct is always safe to pass.
    // SAFETY: attr is a valid, initialized struct of the size we pass.
    let fd = unsafe {
        libc::syscall(libc::SYS_landlock_create_ruleset, &attr as *const RulesetAttr, std::mem::size_of::<RulesetAttr>(), 0u32)
    };
    if fd < 0 {
        return Err(last_error("landlock_create_ruleset"));
    }
    let ruleset = Fd(fd as libc::c_int);
    let mut count = 0;
    if req.handle_fs {
        for rule in &req.plan.rules {
            let mut access = rule.access & fs_known;
            if !rule.dir {
                access &= FILE_RIGHTS;
            }
            if access == 0 {
                continue;
            }
            let c = CString::new(rule.path.as_os_str().as_bytes()).map_err(|_| "path with NUL".to_string())?;
            // O_PATH: we need an anchor for the rule, not the right to read; it works on files we
            // could not open for reading and on directories we could not list. The raw syscall,
            // because musl's open() follows every O_CLOEXEC open with a redundant
            // fcntl(FD_CLOEXEC) (for kernels before 2.6.23): one more syscall per rule.
            // SAFETY: c is a valid NUL-terminated string; openat takes no other pointers.
            let raw = unsafe {
                libc::syscall(libc::SYS_openat, libc::AT_FDCWD, c.as_ptr(), libc::O_PATH | libc::O_CLOEXEC | libc::O_NOFOLLOW)
            } as libc::c_int;
            if raw < 0 {
                // The entry vanished between composing and now: fewer grants, never more.
                continue;
            }
            let pb = PathBeneathAttr { allowed_access: access, parent_fd: raw };
            // SAFETY: ruleset and raw are open descriptors; pb lives across the call.
            let r = unsafe {
                libc::syscall(libc::SYS_landlock_add_rule, ruleset.0, RULE_PATH_BENEATH, &pb as *const PathBeneathAttr, 0u32)
            };
            let err = (r != 0).then(|| last_error(&format!("landlock_add_rule({})", rule.path.display())));
            // The anchors are O_CLOEXEC, so the exec right after this closes them for free; close
            // early only when a huge directory would otherwise exhaust the descriptor limit.
            if count >= KEEP_OPEN || err.is_some() {
                drop(Fd(raw));
            }
            if let Some(e) = err {
                return Err(e);
            }
            count += 1;
        }
    }
    if let (Some(ports), true) = (req.tcp_connect_ports, abi >= 4) {
        for &port in ports {
            let np = NetPortAttr { allowed_access: NET_CONNECT_TCP, port: u64::from(port) };
            // SAFETY: ruleset is open; np lives across the call.
            let r = unsafe { libc::syscall(libc::SYS_landlock_add_rule, ruleset.0, RULE_NET_PORT, &np as *const NetPortAttr, 0u32) };
            if r != 0 {
                return Err(last_error(&format!("landlock_add_rule(port {port})")));
            }
            count += 1;
        }
    }
    // SAFETY: ruleset is an open Landlock ruleset descriptor; flags 0.
    let r = unsafe { libc::syscall(libc::SYS_landlock_restrict_self, ruleset.0, 0u32) };
    if r != 0 {
        return Err(last_error("landlock_restrict_self"));
    }
    Ok(count)
}
