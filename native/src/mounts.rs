//! The mount layer: keeps protected paths inside writable roots read-only with bind mounts in a
//! private user + mount namespace, so the writable roots themselves need no Landlock carve-outs.
//! (A carve-out in Landlock's allow-only model freezes every directory on the way to it: no new
//! file at the workspace root, no `.git/index.lock`.)
//!
//! Why the mounts hold once the command runs: the launcher drops every capability right after
//! setting them up, and seccomp refuses mount/umount2/unshare/setns/pivot_root and the new mount
//! API, so nothing inside can undo or shadow them. Beneath a read-only mount every write fails
//! (EROFS); a mount point cannot be renamed, replaced or removed (EBUSY); a hard link cannot cross
//! a mount (EXDEV). The parents of a protected path inside a write root are *pinned* — bound onto
//! themselves, still writable — so `mv .git x && mkdir -p .git/hooks` cannot move the protection
//! out of the way.
//!
//! The namespace maps only the caller's own uid and gid onto themselves, so ownership inside looks
//! unchanged (git's safe.directory check compares the repository owner with the euid); files of
//! other users appear as the overflow id (nobody), as in any unprivileged user namespace.
//! Landlock stays the boundary for everything else: it is inode-based, so the namespace changes
//! nothing about what it grants.

use crate::compose::{Kind, Resolver};
use crate::profile::Profile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Which mechanism keeps a protected path read-only, as reported in the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum By {
    /// A read-only bind mount (the path existed, or the launcher created it).
    Mount,
    /// Landlock: outside every write root (so never writable), or composed as a carve-out.
    Landlock,
    /// Missing at launch and allowed to appear (`fs.unprotected_if_missing`): NOT protected.
    Absent,
}

#[derive(Debug, Clone, Serialize)]
pub struct Protection {
    pub path: PathBuf,
    pub by: By,
}

#[derive(Debug, Default)]
pub struct MountPlan {
    /// Missing protected directories created (mode 0700) so they could be mounted.
    pub created: Vec<PathBuf>,
    /// Resolved paths to bind onto themselves, parents before children; `true` = read-only
    /// (protected), `false` = pinned (writable, only made a mount point).
    pub mounts: Vec<(PathBuf, bool)>,
    /// Protected paths (as the profile spells them) left to Landlock composition.
    pub landlock: Vec<PathBuf>,
    /// One entry per protected path of the profile.
    pub report: Vec<Protection>,
    pub notes: Vec<String>,
}

impl MountPlan {
    /// Nothing to mount: the namespace (and its cost) can be skipped altogether.
    pub fn is_empty(&self) -> bool {
        self.mounts.is_empty()
    }
}

/// Decides, per protected path, how the mount strategy protects it, creating the missing
/// directories `fs.create` names when `create` is set (without it, planning changes nothing and
/// assumes creation would succeed). Done before entering the namespace: a root launcher inside
/// it loses its override on directories it does not own. `r` is handed on to composing, which
/// then resolves none of these paths again.
pub fn plan(p: &Profile, create: bool, r: &mut Resolver) -> MountPlan {
    let roots: Vec<PathBuf> = p
        .fs
        .write
        .iter()
        .filter_map(|w| {
            let (real, kind) = r.resolve(w);
            (kind == Kind::Dir).then_some(real)
        })
        .collect();
    let mut plan = MountPlan::default();
    // path -> read-only; BTreeMap so a path both pinned and protected is mounted once, read-only.
    let mut mounts: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for prot in &p.fs.protected {
        let (real, kind) = r.resolve(prot);
        // The outermost write root holding it: nothing in the sandbox can rename that one (its
        // parent is not writable, or an even outer root would hold the path), so the pins end there.
        let Some(outer) = roots.iter().filter(|w| real.starts_with(w)).min_by_key(|w| w.components().count()) else {
            // Not inside a write root: Landlock never grants writes there in the first place.
            plan.landlock.push(prot.clone());
            plan.report.push(Protection { path: prot.clone(), by: By::Landlock });
            continue;
        };
        if kind == Kind::Missing {
            let parent_is_dir = prot.parent().map(|d| r.resolve(d).1 == Kind::Dir).unwrap_or(false);
            let made = if p.fs.create.contains(prot) && parent_is_dir {
                if create {
                    let made = create_dir(&real).map_err(|e| plan.notes.push(e)).is_ok();
                    if made {
                        r.created(prot);
                    }
                    made
                } else {
                    true
                }
            } else {
                false
            };
            if made {
                plan.created.push(real.clone());
            } else if p.fs.unprotected_if_missing.contains(prot) {
                plan.report.push(Protection { path: prot.clone(), by: By::Absent });
                continue;
            } else {
                // Only Landlock can keep a name from appearing without creating it first; this
                // freezes the chain above it (see compose.rs), which the profile asked for.
                plan.landlock.push(prot.clone());
                plan.report.push(Protection { path: prot.clone(), by: By::Landlock });
                continue;
            }
        }
        for a in real.ancestors().skip(1).take_while(|a| a.starts_with(outer) && *a != outer.as_path()) {
            mounts.entry(a.to_path_buf()).or_insert(false);
        }
        mounts.insert(real, true);
        plan.report.push(Protection { path: prot.clone(), by: By::Mount });
    }
    // Parents first: a later bind of a parent would cover the mounts already made beneath it.
    let mut list: Vec<(PathBuf, bool)> = mounts.into_iter().collect();
    list.sort_by_key(|(p, _)| p.components().count());
    plan.mounts = list;
    plan
}

/// Why the namespace cannot be used here, when that is known without trying. Ubuntu's AppArmor
/// restriction lets an unprivileged `unshare(CLONE_NEWUSER)` succeed but strips the capabilities
/// inside, so the failure would only show after the point of no return (a process cannot leave
/// its user namespace). Root is not subject to it.
pub fn known_unavailable() -> Option<String> {
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        return None;
    }
    match std::fs::read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") {
        Ok(v) if v.first() == Some(&b'1') => Some(
            "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)".into(),
        ),
        _ => None,
    }
}

pub enum NsError {
    /// unshare itself failed: the process is unchanged and can fall back to Landlock.
    Unavailable(String),
    /// A later step failed: the process is in a half-built namespace and must not run anything.
    Failed(String),
}

/// Creates one missing protected directory. On failure (say the launcher may not write the
/// parent) the caller falls back to Landlock for the path, which still keeps it from appearing.
fn create_dir(d: &Path) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new().mode(0o700).create(d) {
        Ok(()) => Ok(()),
        // Created concurrently (another session): fine as long as it is a real directory, since
        // that is what gets mounted read-only.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if std::fs::symlink_metadata(d).map(|m| m.is_dir()).unwrap_or(false) {
                Ok(())
            } else {
                Err(format!("cannot create protected directory {}: it appeared as a non-directory", d.display()))
            }
        }
        Err(e) => Err(format!("cannot create protected directory {} ({e}): protected with Landlock instead", d.display())),
    }
}

fn write_proc(file: &str, text: &str) -> Result<(), String> {
    // One write(2) per file: the kernel accepts a map only in a single write.
    std::fs::write(file, text).map_err(|e| format!("cannot write {file}: {e}"))
}

/// Enters a new user + mount namespace with the caller's uid and gid mapped onto themselves, and
/// makes every mount a slave so host mount events still propagate in and ours never out.
///
/// A launcher that already holds CAP_SYS_ADMIN (started as root) needs no user namespace to
/// mount: it enters a mount namespace only, which spares creating and tearing down the user
/// namespace on every launch. Its capabilities are dropped right after, as for everyone.
pub fn enter_namespace() -> Result<(), NsError> {
    // SAFETY: getuid/getgid cannot fail.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    if has_sys_admin() {
        // SAFETY: unshare with flags only.
        if unsafe { libc::unshare(libc::CLONE_NEWNS) } != 0 {
            return Err(NsError::Unavailable(format!("unshare(CLONE_NEWNS): {}", std::io::Error::last_os_error())));
        }
        return make_slave();
    }
    // SAFETY: unshare with flags only; the launcher is single-threaded, as CLONE_NEWUSER requires.
    if unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNS) } != 0 {
        return Err(NsError::Unavailable(format!("unshare(CLONE_NEWUSER|CLONE_NEWNS): {}", std::io::Error::last_os_error())));
    }
    // setgroups must be denied before an unprivileged process may write gid_map; it also keeps
    // the command from dropping a supplementary group that a file's permissions deny.
    write_proc("/proc/self/setgroups", "deny").map_err(NsError::Failed)?;
    write_proc("/proc/self/uid_map", &format!("{uid} {uid} 1\n")).map_err(NsError::Failed)?;
    write_proc("/proc/self/gid_map", &format!("{gid} {gid} 1\n")).map_err(NsError::Failed)?;
    make_slave()
}

/// Whether the effective set holds CAP_SYS_ADMIN in the current user namespace.
fn has_sys_admin() -> bool {
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
    const CAP_SYS_ADMIN: u32 = 21;
    let mut header = CapHeader { version: 0x2008_0522, pid: 0 };
    let mut data = [CapData { effective: 0, permitted: 0, inheritable: 0 }; 2];
    // SAFETY: header and data are valid for the v3 layout (two CapData entries).
    let r = unsafe { libc::syscall(libc::SYS_capget, &mut header as *mut CapHeader, data.as_mut_ptr()) };
    r == 0 && data[0].effective & (1 << CAP_SYS_ADMIN) != 0
}

fn make_slave() -> Result<(), NsError> {
    // SAFETY: null source/fstype/data are valid for a propagation change; "/" is a valid C string.
    let r = unsafe {
        libc::mount(std::ptr::null(), c"/".as_ptr(), std::ptr::null(), libc::MS_SLAVE | libc::MS_REC, std::ptr::null())
    };
    if r != 0 {
        return Err(NsError::Failed(format!("cannot make mounts slaves: {}", std::io::Error::last_os_error())));
    }
    Ok(())
}

fn cpath(p: &Path) -> Result<CString, String> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| format!("path with NUL: {}", p.display()))
}

fn bind(c: &CString, recursive: bool) -> std::io::Result<()> {
    let flags = libc::MS_BIND | if recursive { libc::MS_REC } else { 0 };
    // SAFETY: c is a valid C string used as both source and target; no data argument.
    let r = unsafe { libc::mount(c.as_ptr(), c.as_ptr(), std::ptr::null(), flags, std::ptr::null()) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

fn statvfs_flags(c: &CString) -> std::io::Result<u64> {
    // SAFETY: st is a caller-owned struct statvfs fills; c is a valid C string.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(st.f_flag as u64)
    }
}

/// statvfs's relatime flag (linux/statfs.h); the libc crate does not export it for musl.
const ST_RELATIME: u64 = 0x1000;

/// Remounts the bind at `c` read-only, nosuid and nodev. The flags the mount already has are
/// carried over: in a user namespace, flags inherited from the parent namespace are locked and a
/// remount that would clear one (noexec, an atime mode) is refused.
fn remount_read_only(c: &CString) -> std::io::Result<()> {
    let f = statvfs_flags(c)?;
    let mut flags = libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV;
    if f & libc::ST_NOEXEC as u64 != 0 {
        flags |= libc::MS_NOEXEC;
    }
    if f & libc::ST_NODIRATIME as u64 != 0 {
        flags |= libc::MS_NODIRATIME;
    }
    if f & libc::ST_NOATIME as u64 != 0 {
        flags |= libc::MS_NOATIME;
    } else if f & ST_RELATIME != 0 {
        flags |= libc::MS_RELATIME;
    } else {
        flags |= libc::MS_STRICTATIME;
    }
    // SAFETY: c is a valid C string; a bind remount takes no source, type or data.
    let r = unsafe { libc::mount(std::ptr::null(), c.as_ptr(), std::ptr::null(), flags, std::ptr::null()) };
    if r != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // Trust, but verify: a remount that silently left the mount writable must not run the command.
    if statvfs_flags(c)? & libc::ST_RDONLY as u64 == 0 {
        return Err(std::io::Error::other("still writable after the read-only remount"));
    }
    Ok(())
}

/// Makes the plan's mounts. Must run inside the namespace (enter_namespace), before capabilities
/// are dropped. Returns notes worth recording.
pub fn mount_all(plan: &MountPlan) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    for (path, read_only) in &plan.mounts {
        let c = cpath(path)?;
        if !read_only {
            // Recursive, so whatever is already mounted beneath the pinned directory stays visible.
            bind(&c, true).map_err(|e| format!("cannot pin {} (bind onto itself): {e}", path.display()))?;
            continue;
        }
        // Non-recursive, so everything visible beneath a protected path belongs to this one
        // read-only mount. The kernel refuses that (EINVAL) when mounts from the parent namespace
        // sit beneath it, since it would uncover what they hide; those keep their own flags.
        match bind(&c, false) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                bind(&c, true).map_err(|e| format!("cannot bind {} onto itself: {e}", path.display()))?;
                notes.push(format!("{}: mounts beneath this protected path keep their own flags", path.display()));
            }
            Err(e) => return Err(format!("cannot bind {} onto itself: {e}", path.display())),
        }
        remount_read_only(&c).map_err(|e| format!("cannot make {} read-only: {e}", path.display()))?;
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::FsPolicy;
    use crate::testutil::{profile, Tmp};
    use std::fs;

    fn by(plan: &MountPlan, p: &Path) -> By {
        plan.report.iter().find(|r| r.path == p).map(|r| r.by).unwrap()
    }

    #[test]
    fn existing_paths_are_mounted_and_their_parents_pinned() {
        let t = Tmp::new("mounts", "existing");
        let ws = t.0.join("ws");
        fs::create_dir_all(ws.join(".git/hooks")).unwrap();
        fs::write(ws.join(".git/config"), "").unwrap();
        let (hooks, config, bridle) = (ws.join(".git/hooks"), ws.join(".git/config"), ws.join(".bridle"));
        let plan = plan(
            &profile(FsPolicy {
                write: vec![ws.clone()],
                protected: vec![hooks.clone(), config.clone(), bridle.clone(), "/etc/passwd".into()],
                create: vec![bridle.clone()],
                ..Default::default()
            }),
            true,
            &mut Resolver::default(),
        );
        assert_eq!(plan.created, vec![bridle.clone()]);
        assert!(bridle.is_dir());
        assert_eq!(
            plan.mounts,
            vec![(bridle.clone(), true), (ws.join(".git"), false), (config.clone(), true), (hooks.clone(), true)]
        );
        assert_eq!(by(&plan, &hooks), By::Mount);
        assert_eq!(by(&plan, Path::new("/etc/passwd")), By::Landlock);
        assert_eq!(plan.landlock, vec![PathBuf::from("/etc/passwd")]);
        // The write root itself is never a mount: it stays one plain, fully writable directory.
        assert!(!plan.mounts.iter().any(|(p, _)| *p == ws));
    }

    #[test]
    fn missing_paths_are_created_left_absent_or_composed() {
        let t = Tmp::new("mounts", "missing");
        let ws = t.0.join("ws");
        fs::create_dir_all(&ws).unwrap();
        let (hooks, config, rc) = (ws.join(".git/hooks"), ws.join(".git/config"), ws.join(".zshrc"));
        let plan = plan(
            &profile(FsPolicy {
                write: vec![ws.clone()],
                protected: vec![hooks.clone(), config.clone(), rc.clone()],
                // .git is missing, so hooks cannot be created and falls to "may appear".
                create: vec![hooks.clone()],
                unprotected_if_missing: vec![hooks.clone(), config.clone()],
                ..Default::default()
            }),
            true,
            &mut Resolver::default(),
        );
        assert!(plan.created.is_empty());
        assert!(!ws.join(".git").exists());
        assert!(plan.is_empty());
        assert_eq!(by(&plan, &hooks), By::Absent);
        assert_eq!(by(&plan, &config), By::Absent);
        assert_eq!(by(&plan, &rc), By::Landlock);
        assert_eq!(plan.landlock, vec![rc]);
    }

    #[test]
    fn pins_stop_at_the_outermost_write_root() {
        let t = Tmp::new("mounts", "outer");
        let inner = t.0.join("a/ws");
        fs::create_dir_all(inner.join(".git/hooks")).unwrap();
        let hooks = inner.join(".git/hooks");
        let plan = plan(
            &profile(FsPolicy { write: vec![inner.clone(), t.0.clone()], protected: vec![hooks.clone()], ..Default::default() }),
            false,
            &mut Resolver::default(),
        );
        let pins: Vec<_> = plan.mounts.iter().filter(|(_, ro)| !ro).map(|(p, _)| p.clone()).collect();
        // The inner workspace sits in a writable directory, so it and everything down to the
        // protected path must be pinned, or renaming any of them would sidestep the mount.
        assert_eq!(pins, vec![t.0.join("a"), inner.clone(), inner.join(".git")]);
    }
}
