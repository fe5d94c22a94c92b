//! The sandbox profile: the one JSON shape that TypeScript builds from an agent spec and that the
//! launcher, the addon's validator and the Seatbelt renderer all read. Keeping the parser and its
//! checks here means a profile the addon accepts is exactly a profile the launcher will run.

use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

pub const PROFILE_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Reads as configured, no writes except the always-allowed devices.
    ReadOnly,
    /// Reads as configured, writes to `fs.write`.
    WorkspaceWrite,
    /// No confinement at all. Must be spelled out: an absent profile is an error, never "none".
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetMode {
    /// No IP sockets at all (AF_UNIX socketpair still works).
    None,
    /// TCP connect only to `allow_ports` (meant to be the loopback egress proxy and hook endpoint).
    Proxy,
    /// Unrestricted TCP/UDP. Raw, packet, netlink and vsock sockets stay denied.
    Full,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FsPolicy {
    /// Roots readable (files and directory listings) with everything beneath them.
    #[serde(default)]
    pub read: Vec<PathBuf>,
    /// Roots writable with everything beneath them (implies read and exec there).
    #[serde(default)]
    pub write: Vec<PathBuf>,
    /// Roots from which files may be executed.
    #[serde(default)]
    pub exec: Vec<PathBuf>,
    /// Paths that stay read-only even inside a writable root, whether or not they exist yet.
    #[serde(default)]
    pub protected: Vec<PathBuf>,
    /// Paths that are neither readable, writable nor executable, whatever root contains them.
    #[serde(default)]
    pub deny: Vec<PathBuf>,
    /// Protected directories the launcher creates (empty, mode 0700) when they are missing and
    /// their parent exists, so the mount strategy can protect them like existing ones. Each entry
    /// must also be in `protected`.
    #[serde(default)]
    pub create: Vec<PathBuf>,
    /// Protected paths that, when missing at launch and not created, the mount strategy leaves
    /// unprotected (and reports as `absent`) instead of freezing their whole parent chain with
    /// Landlock: what `git init` must be able to create. Each entry must also be in `protected`.
    #[serde(default)]
    pub unprotected_if_missing: Vec<PathBuf>,
}

/// How protected paths inside writable roots are kept read-only on Linux.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProtectStrategy {
    /// `mount` when this machine allows user namespaces, `landlock` otherwise.
    #[default]
    Auto,
    /// Read-only bind mounts in a private user + mount namespace; the write roots stay fully
    /// usable. Refuses to run (unless best_effort) when namespaces are unavailable.
    Mount,
    /// Landlock composition only: no namespaces, but directories on the way to a protected path
    /// cannot gain, lose or rename entries.
    Landlock,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetPolicy {
    pub mode: NetMode,
    /// TCP ports `proxy` mode may connect to.
    #[serde(default)]
    pub allow_ports: Vec<u16>,
    /// Whether `socket(AF_UNIX, ...)` is allowed (socketpair always is).
    #[serde(default)]
    pub allow_unix_sockets: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub version: u32,
    pub mode: Mode,
    #[serde(default)]
    pub fs: FsPolicy,
    pub net: NetPolicy,
    /// Run with whatever the kernel can enforce and report the rest, instead of refusing to start.
    #[serde(default)]
    pub best_effort: bool,
    #[serde(default)]
    pub protect_strategy: ProtectStrategy,
}

impl Profile {
    pub fn from_json(text: &str) -> Result<Profile, Vec<String>> {
        let p: Profile = serde_json::from_str(text).map_err(|e| vec![format!("profile: {e}")])?;
        let errors = p.validate();
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(errors)
        }
    }

    /// Every problem, not just the first, so a spec author fixes them in one pass.
    pub fn validate(&self) -> Vec<String> {
        let mut errors = Vec::new();
        if self.version != PROFILE_VERSION {
            errors.push(format!("version: expected {PROFILE_VERSION}, got {}", self.version));
        }
        let lists: [(&str, &Vec<PathBuf>); 7] = [
            ("fs.read", &self.fs.read),
            ("fs.write", &self.fs.write),
            ("fs.exec", &self.fs.exec),
            ("fs.protected", &self.fs.protected),
            ("fs.deny", &self.fs.deny),
            ("fs.create", &self.fs.create),
            ("fs.unprotected_if_missing", &self.fs.unprotected_if_missing),
        ];
        for (name, list) in lists {
            for (i, p) in list.iter().enumerate() {
                if let Err(e) = check_path(p) {
                    errors.push(format!("{name}[{i}]: {e}"));
                }
            }
        }
        // Both lists only qualify protected paths: an entry elsewhere would be a directory the
        // launcher creates, or a path it leaves writable, without any protection being asked for.
        for (name, list) in [("fs.create", &self.fs.create), ("fs.unprotected_if_missing", &self.fs.unprotected_if_missing)] {
            for (i, p) in list.iter().enumerate() {
                if !self.fs.protected.contains(p) {
                    errors.push(format!("{name}[{i}]: `{}` is not in fs.protected", p.display()));
                }
            }
        }
        if self.mode == Mode::ReadOnly && !self.fs.write.is_empty() {
            errors.push("fs.write: must be empty in read-only mode".into());
        }
        match self.net.mode {
            NetMode::Proxy => {
                if self.net.allow_ports.is_empty() {
                    errors.push("net.allow_ports: proxy mode needs at least one port (the egress proxy's)".into());
                }
            }
            _ => {
                if !self.net.allow_ports.is_empty() {
                    errors.push("net.allow_ports: only meaningful in proxy mode".into());
                }
            }
        }
        if self.net.allow_ports.contains(&0) {
            errors.push("net.allow_ports: port 0 is not a port".into());
        }
        errors
    }
}

/// Profile paths must be absolute and free of `..`: the launcher resolves symlinks itself, and a
/// `..` that means one thing to the builder and another after resolution is how carve-outs leak.
fn check_path(p: &Path) -> Result<(), String> {
    if !p.is_absolute() {
        return Err(format!("`{}` is not absolute", p.display()));
    }
    if p.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(format!("`{}` contains `..`", p.display()));
    }
    if p.as_os_str().as_encoded_bytes().contains(&0) {
        return Err("path contains a NUL byte".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> String {
        r#"{"version":1,"mode":"workspace-write","fs":{"read":["/"],"write":["/tmp"]},"net":{"mode":"none"}}"#.into()
    }

    #[test]
    fn parses_minimal_profile() {
        let p = Profile::from_json(&base()).unwrap();
        assert_eq!(p.mode, Mode::WorkspaceWrite);
        assert_eq!(p.net.mode, NetMode::None);
        assert!(!p.best_effort);
    }

    #[test]
    fn rejects_relative_and_dotdot_paths() {
        let t = r#"{"version":1,"mode":"workspace-write","fs":{"write":["rel","/a/../b"]},"net":{"mode":"none"}}"#;
        let errs = Profile::from_json(t).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].contains("not absolute"));
        assert!(errs[1].contains(".."));
    }

    #[test]
    fn rejects_unknown_fields_and_missing_mode() {
        assert!(Profile::from_json(r#"{"version":1,"mode":"workspace-write","net":{"mode":"none"},"extra":1}"#).is_err());
        assert!(Profile::from_json(r#"{"version":1,"net":{"mode":"none"}}"#).is_err());
    }

    #[test]
    fn proxy_needs_ports_and_ports_need_proxy() {
        let t = r#"{"version":1,"mode":"read-only","net":{"mode":"proxy"}}"#;
        assert!(Profile::from_json(t).unwrap_err()[0].contains("at least one port"));
        let t = r#"{"version":1,"mode":"read-only","net":{"mode":"full","allow_ports":[80]}}"#;
        assert!(Profile::from_json(t).unwrap_err()[0].contains("only meaningful"));
    }

    #[test]
    fn protect_strategy_defaults_to_auto_and_qualifiers_must_be_protected() {
        assert_eq!(Profile::from_json(&base()).unwrap().protect_strategy, ProtectStrategy::Auto);
        let t = r#"{"version":1,"mode":"workspace-write","protect_strategy":"landlock","fs":{"write":["/w"],"protected":["/w/.bridle"],"create":["/w/.bridle"],"unprotected_if_missing":["/w/.git/config"]},"net":{"mode":"none"}}"#;
        let errs = Profile::from_json(t).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("fs.unprotected_if_missing[0]"), "{errs:?}");
        let t = r#"{"version":1,"mode":"workspace-write","protect_strategy":"sideways","net":{"mode":"none"}}"#;
        assert!(Profile::from_json(t).is_err());
    }

    #[test]
    fn read_only_mode_has_no_write_roots() {
        let t = r#"{"version":1,"mode":"read-only","fs":{"write":["/tmp"]},"net":{"mode":"none"}}"#;
        assert!(Profile::from_json(t).unwrap_err()[0].contains("read-only"));
    }
}
