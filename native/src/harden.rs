//! Process-level hardening that must precede the filters: no_new_privs (so neither a setuid binary
//! nor a file capability can hand a confined process more than its parent had, and so seccomp and
//! Landlock can be installed without CAP_SYS_ADMIN) and dropping every capability, so a launcher
//! started as root confines a root-owned process that holds no root powers.

/// Sets PR_SET_NO_NEW_PRIVS. Inherited across fork and exec; cannot be unset.
pub fn no_new_privs() -> Result<(), String> {
    // SAFETY: prctl with integer arguments only.
    let r = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    if r != 0 {
        return Err(format!("prctl(PR_SET_NO_NEW_PRIVS): {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Leaves the process, and everything it execs, without capabilities: clears the ambient,
/// inheritable, permitted and effective sets and, when running as root, locks SECBIT_NOROOT so an
/// exec does not hand uid 0 a fresh full set. Returns whether there was anything to drop.
///
/// The bounding set is left alone: with no_new_privs no exec can gain file capabilities, and with
/// NOROOT none can gain root's, so emptying it would only cost one prctl per capability on every
/// launch.
pub fn drop_capabilities() -> Result<bool, String> {
    #[repr(C)]
    struct CapHeader {
        version: u32,
        pid: libc::c_int,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct CapData {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
    let mut header = CapHeader { version: LINUX_CAPABILITY_VERSION_3, pid: 0 };
    let mut data = [CapData { effective: 0, permitted: 0, inheritable: 0 }; 2];
    // SAFETY: header and data are valid for the v3 layout (two CapData entries).
    if unsafe { libc::syscall(libc::SYS_capget, &mut header as *mut CapHeader, data.as_mut_ptr()) } != 0 {
        return Err(format!("capget: {}", std::io::Error::last_os_error()));
    }
    let had = data.iter().any(|d| d.permitted != 0 || d.inheritable != 0);
    // SAFETY: getuid/geteuid cannot fail.
    let root = unsafe { libc::getuid() == 0 || libc::geteuid() == 0 };
    if root {
        const PR_SET_SECUREBITS: libc::c_int = 28;
        // NOROOT(0)|NOROOT_LOCKED(1) and NO_CAP_AMBIENT_RAISE(6)|..._LOCKED(7).
        const BITS: libc::c_ulong = (1 << 0) | (1 << 1) | (1 << 6) | (1 << 7);
        // SAFETY: prctl with integer arguments only. Needs CAP_SETPCAP, which root still holds here.
        if unsafe { libc::prctl(PR_SET_SECUREBITS, BITS, 0, 0, 0) } != 0 {
            return Err(format!("prctl(PR_SET_SECUREBITS): {}", std::io::Error::last_os_error()));
        }
    }
    if !had {
        return Ok(false);
    }
    const PR_CAP_AMBIENT: libc::c_int = 47;
    const PR_CAP_AMBIENT_CLEAR_ALL: libc::c_ulong = 4;
    // SAFETY: prctl with integer arguments only. Fails harmlessly on kernels without ambient caps.
    unsafe { libc::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) };
    let zero = [CapData { effective: 0, permitted: 0, inheritable: 0 }; 2];
    // SAFETY: header and zero are valid for the v3 layout.
    if unsafe { libc::syscall(libc::SYS_capset, &mut header as *mut CapHeader, zero.as_ptr()) } != 0 {
        return Err(format!("capset: {}", std::io::Error::last_os_error()));
    }
    Ok(true)
}
