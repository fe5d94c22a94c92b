//! Applies a profile to the calling (single-threaded) process on Linux, in the one order that
//! works: plan the protections, build the mount layer (namespace, read-only binds) while the
//! process still holds the capabilities that takes, compose the Landlock rules, set
//! no_new_privs, drop capabilities (after mounting, so the command cannot unmount), restrict with
//! Landlock, then install seccomp last (its filter would otherwise have to allow the setup calls).
//! Decides what is missing on this kernel and whether that is fatal, and reports what was
//! enforced.

use crate::compose::{self, Plan, Resolver};
use crate::landlock;
use crate::mounts::{self, By, NsError, Protection};
use crate::profile::{Mode, NetMode, Profile, ProtectStrategy};
use crate::{harden, seccomp};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Missing {
    pub feature: &'static str,
    pub reason: String,
    /// Whether this gap makes the launcher refuse to run without `best_effort`.
    pub required: bool,
}

/// One JSON line the session records: what holds for this process and everything it starts.
#[derive(Debug, Serialize, Default)]
pub struct Status {
    pub event: &'static str,
    pub mode: String,
    pub best_effort: bool,
    pub landlock_abi: Option<u32>,
    pub enforced: Vec<&'static str>,
    pub missing: Vec<Missing>,
    pub rules: usize,
    /// How protected paths inside write roots are kept read-only: `mount` or `landlock`.
    pub protect_strategy: &'static str,
    /// Each protected path and what protects it (`absent`: missing at launch, not protected).
    pub protect: Vec<Protection>,
    pub notes: Vec<String>,
    /// Set when the launcher refused to run the command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Status {
    pub fn new(p: &Profile) -> Status {
        Status {
            event: "sandbox.status",
            mode: serde_json::to_value(p.mode).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            best_effort: p.best_effort,
            ..Default::default()
        }
    }
    fn miss(&mut self, feature: &'static str, reason: impl Into<String>, required: bool) {
        self.missing.push(Missing { feature, reason: reason.into(), required });
    }
    fn fatal(&self) -> Option<String> {
        let gaps: Vec<String> =
            self.missing.iter().filter(|m| m.required).map(|m| format!("{} ({})", m.feature, m.reason)).collect();
        if gaps.is_empty() {
            None
        } else {
            Some(format!(
                "this kernel cannot enforce the profile: {}. Upgrade to a kernel with Landlock ABI >= 4 and seccomp \
                 (Linux 6.7+, Landlock enabled in the LSM list), or set `sandbox: {{ best_effort: true }}` to run with \
                 what is available",
                gaps.join("; ")
            ))
        }
    }
}

/// Applies everything. Ok(status) means the process is now confined as reported; Err means the
/// launcher must not exec (status.error says why).
pub fn apply(p: &Profile, status: &mut Status) -> Result<(), ()> {
    if p.mode == Mode::None {
        status.notes.push("sandbox mode is none: nothing enforced, by explicit request".into());
        return Ok(());
    }
    let abi = landlock::abi();
    status.landlock_abi = abi;
    let seccomp_ok = seccomp::available();
    let proxy = p.net.mode == NetMode::Proxy;
    match abi {
        None => status.miss("landlock", "Landlock is not available (kernel < 5.13 or not in the lsm= list)", true),
        Some(v) => {
            if v < 3 {
                status.miss("landlock.truncate", format!("ABI {v} < 3: truncate() is not governed"), true);
            }
            if v < 4 && proxy {
                status.miss("landlock.net", format!("ABI {v} < 4: TCP port rules unavailable"), true);
            }
            if v < 5 {
                status.miss("landlock.ioctl_dev", format!("ABI {v} < 5: device ioctls are not governed"), false);
            }
            if v < 6 {
                status.miss("landlock.scopes", format!("ABI {v} < 6: signals and abstract sockets outside are reachable"), false);
            }
        }
    }
    if !seccomp_ok {
        status.miss("seccomp", "seccomp filters are not available", true);
    }
    if let Some(msg) = status.fatal() {
        if !p.best_effort {
            status.error = Some(msg);
            return Err(());
        }
    }

    // One resolver for planning the mounts and composing the rules: each path is looked at once.
    let mut resolver = Resolver::default();
    let mounted = match protect_with_mounts(p, status, &mut resolver) {
        Ok(m) => m,
        Err(e) => {
            status.error = Some(e);
            return Err(());
        }
    };
    let carve_outs = match &mounted {
        Some(mp) => &mp.landlock,
        None => &p.fs.protected,
    };
    let composed = compose::compose_with(p, carve_outs, &mut resolver);
    let plan: Plan = match composed {
        Ok(plan) => plan,
        Err(e) => {
            status.error = Some(format!("cannot compose filesystem rules: {e}"));
            return Err(());
        }
    };
    match mounted {
        Some(mp) => {
            status.protect_strategy = "mount";
            status.protect = mp.report;
        }
        None => {
            status.protect_strategy = "landlock";
            status.protect = p.fs.protected.iter().map(|path| Protection { path: path.clone(), by: By::Landlock }).collect();
        }
    }
    status.notes.extend(plan.notes.iter().cloned());

    if let Err(e) = harden::no_new_privs() {
        status.error = Some(e);
        return Err(());
    }
    status.enforced.push("no_new_privs");
    match harden::drop_capabilities() {
        Ok(_) => status.enforced.push("capabilities_dropped"),
        Err(e) => {
            status.error = Some(e);
            return Err(());
        }
    }

    if let Some(v) = abi {
        let ports = p.net.allow_ports.as_slice();
        let req = landlock::Request {
            plan: &plan,
            handle_fs: true,
            // none: TCP handled with no port rule (seccomp also refuses IP sockets).
            tcp_connect_ports: match p.net.mode {
                NetMode::Full => None,
                NetMode::None => Some(&[]),
                NetMode::Proxy => Some(ports),
            },
            scopes: landlock::SCOPE_SIGNAL | landlock::SCOPE_ABSTRACT_UNIX_SOCKET,
        };
        match landlock::restrict(v, &req) {
            Ok(n) => {
                status.rules = n;
                status.enforced.push("landlock.fs");
                if v >= 4 && p.net.mode != NetMode::Full {
                    status.enforced.push("landlock.net");
                }
                if v >= 6 {
                    status.enforced.push("landlock.scopes");
                }
            }
            Err(e) => {
                if !p.best_effort {
                    status.error = Some(e);
                    return Err(());
                }
                status.miss("landlock", e, true);
            }
        }
    }
    if seccomp_ok {
        let prog = seccomp::program(&seccomp::Options { net: &p.net });
        match seccomp::install(&prog) {
            Ok(()) => status.enforced.push("seccomp"),
            Err(e) => {
                if !p.best_effort {
                    status.error = Some(e);
                    return Err(());
                }
                status.miss("seccomp", e, true);
            }
        }
    }
    Ok(())
}

/// The mount layer, when the profile's strategy and this machine allow it. Ok(Some(plan)): the
/// process is now in its own namespace with the plan's mounts in place. Ok(None): protection is
/// left entirely to Landlock (strategy `landlock`, nothing to mount, or `auto` without user
/// namespaces). Err: refuse to run — either `mount` was demanded and is unavailable, or setup
/// failed halfway, leaving the process in a namespace it cannot leave.
fn protect_with_mounts(p: &Profile, status: &mut Status, resolver: &mut Resolver) -> Result<Option<mounts::MountPlan>, String> {
    if p.protect_strategy == ProtectStrategy::Landlock || p.mode != Mode::WorkspaceWrite {
        return Ok(None);
    }
    let unavailable = |status: &mut Status, reason: String| -> Result<Option<mounts::MountPlan>, String> {
        let fallback = "protected paths are composed with Landlock instead (directories on the way to them are frozen)";
        match p.protect_strategy {
            ProtectStrategy::Mount if !p.best_effort => Err(format!(
                "protect_strategy is mount, but this process cannot use a user namespace: {reason}. Use \
                 protect_strategy: auto or landlock, or allow unprivileged user namespaces"
            )),
            ProtectStrategy::Mount => {
                status.miss("mount_layer", format!("{reason}; {fallback}"), false);
                Ok(None)
            }
            _ => {
                status.notes.push(format!("mount layer unavailable ({reason}): {fallback}"));
                Ok(None)
            }
        }
    };
    if let Some(reason) = mounts::known_unavailable() {
        return unavailable(status, reason);
    }
    let plan = mounts::plan(p, true, resolver);
    status.notes.extend(plan.notes.iter().cloned());
    if plan.is_empty() {
        // No protected path exists inside a write root: no namespace needed, none paid for.
        return Ok(Some(plan));
    }
    match mounts::enter_namespace() {
        Ok(()) => {}
        Err(NsError::Unavailable(reason)) => return unavailable(status, reason),
        Err(NsError::Failed(e)) => return Err(format!("mount layer: {e} (set protect_strategy: landlock to protect without namespaces)")),
    }
    let notes = mounts::mount_all(&plan).map_err(|e| format!("mount layer: {e} (set protect_strategy: landlock to protect without namespaces)"))?;
    status.notes.extend(notes);
    Ok(Some(plan))
}
