//! Turns a profile's roots and carve-outs into the allow-only rule list Landlock can express.
//!
//! Landlock rules only ever add rights, and a right granted on a directory holds for everything
//! beneath it. So "write the workspace except .git/hooks" cannot be one rule on the workspace:
//! instead every directory on the way from a root down to a carve-out gets only the rights that
//! are safe for its whole subtree, and its *other* children (the siblings of the carve-out) get
//! the rest. Denied paths are therefore never beneath any rule that grants what they deny.
//!
//! The price, inherent to an allow-only model: in a directory on the way to a carve-out, new
//! entries cannot be created, removed or renamed directly (existing children stay fully usable).
//! A carve-out that does not exist yet is protected the same way: its nearest existing ancestor
//! cannot gain the missing entry.
//!
//! This module only reads the filesystem (lstat, readlink, readdir); it never opens rule fds, so the
//! addon can use it to explain a profile and the launcher uses the same code to enforce one.

use crate::profile::{Mode, Profile};
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

// Rights, numbered exactly like Landlock's LANDLOCK_ACCESS_FS_* bits so no translation can drift.
pub const EXECUTE: u64 = 1 << 0;
pub const WRITE_FILE: u64 = 1 << 1;
pub const READ_FILE: u64 = 1 << 2;
pub const READ_DIR: u64 = 1 << 3;
pub const REMOVE_DIR: u64 = 1 << 4;
pub const REMOVE_FILE: u64 = 1 << 5;
pub const MAKE_CHAR: u64 = 1 << 6;
pub const MAKE_DIR: u64 = 1 << 7;
pub const MAKE_REG: u64 = 1 << 8;
pub const MAKE_SOCK: u64 = 1 << 9;
pub const MAKE_FIFO: u64 = 1 << 10;
pub const MAKE_BLOCK: u64 = 1 << 11;
pub const MAKE_SYM: u64 = 1 << 12;
pub const REFER: u64 = 1 << 13;
pub const TRUNCATE: u64 = 1 << 14;
pub const IOCTL_DEV: u64 = 1 << 15;

pub const ALL: u64 = (1 << 16) - 1;
pub const READ: u64 = READ_FILE | READ_DIR;
/// Everything that changes the filesystem. Device-node creation is never granted anywhere.
pub const WRITE: u64 = WRITE_FILE
    | REMOVE_DIR
    | REMOVE_FILE
    | MAKE_DIR
    | MAKE_REG
    | MAKE_SOCK
    | MAKE_FIFO
    | MAKE_SYM
    | REFER
    | TRUNCATE
    | MAKE_CHAR
    | MAKE_BLOCK;
/// The only rights Landlock accepts on a rule whose target is not a directory.
pub const FILE_RIGHTS: u64 = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV;

/// Write roots: read, execute (built artifacts and scripts run there) and write, but no device nodes.
const WRITE_ROOT: u64 = (READ | EXECUTE | WRITE | IOCTL_DEV) & !(MAKE_CHAR | MAKE_BLOCK);

/// Devices every process expects to open read-write (terminals, null, randomness, POSIX shm).
/// Granted only when the profile confines; they are never block devices.
pub const DEVICE_PATHS: [&str; 9] = [
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/ptmx",
    "/dev/pts",
    "/dev/shm",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub path: PathBuf,
    pub access: u64,
    pub dir: bool,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub rules: Vec<Rule>,
    /// Things the caller should know (skipped missing roots, carve-outs that won over grants).
    pub notes: Vec<String>,
}

/// What lstat said about a resolved path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Missing,
    Dir,
    Other,
}

/// Resolves symlinks component by component, memoizing every prefix, so the many profile paths
/// that share ancestors (a dozen under $HOME) cost one lstat per distinct component. The launcher
/// pays this on every start, where realpath(3) would cost a readlink per component per path; the
/// mount planner and the composer share one resolver, so no path is looked at twice.
/// Missing tails are kept verbatim: a carve-out that does not exist yet is still placed where it
/// would appear, and one reached through a symlink is denied where it really lives.
#[derive(Default)]
pub struct Resolver {
    /// Profile path (and every prefix resolved on the way) -> (resolved path, kind).
    memo: BTreeMap<OsString, (PathBuf, Kind)>,
    /// What lstat said about each resolved path, so composing needs no second lstat.
    kinds: BTreeMap<OsString, Kind>,
}

impl Resolver {
    pub fn resolve(&mut self, p: &Path) -> (PathBuf, Kind) {
        self.resolve_depth(p, 0)
    }

    /// Records that the launcher just created directory `p` (a missing protected path).
    // Only the launcher's mount layer creates directories; the addon and macOS have none.
    #[allow(dead_code)]
    pub fn created(&mut self, p: &Path) {
        let (real, _) = self.resolve(p);
        self.kinds.insert(real.clone().into_os_string(), Kind::Dir);
        self.memo.insert(p.as_os_str().to_os_string(), (real, Kind::Dir));
    }

    /// The kind of a path this resolver produced (None: never resolved here).
    fn kind_of(&self, real: &Path) -> Option<Kind> {
        if real.as_os_str() == "/" {
            return Some(Kind::Dir);
        }
        self.kinds.get(real.as_os_str()).copied()
    }

    fn resolve_depth(&mut self, p: &Path, depth: u32) -> (PathBuf, Kind) {
        if let Some(hit) = self.memo.get(p.as_os_str()) {
            return hit.clone();
        }
        let (parent, name) = match (p.parent(), p.file_name()) {
            (Some(parent), Some(name)) => (parent, name),
            _ => return (PathBuf::from("/"), Kind::Dir),
        };
        let (real_parent, parent_kind) = self.resolve_depth(parent, depth);
        let candidate = real_parent.join(name);
        let out = if parent_kind == Kind::Missing {
            (candidate, Kind::Missing)
        } else {
            match std::fs::symlink_metadata(&candidate) {
                Err(_) => (candidate, Kind::Missing),
                Ok(m) if m.file_type().is_symlink() => {
                    // Follow the link (relative targets are relative to its directory). The depth
                    // cap stops symlink loops the way the kernel's ELOOP would.
                    match std::fs::read_link(&candidate) {
                        Ok(target) if depth < 40 => {
                            let abs = real_parent.join(target);
                            let abs = normalize(&abs);
                            self.resolve_depth(&abs, depth + 1)
                        }
                        _ => (candidate, Kind::Missing),
                    }
                }
                Ok(m) => (candidate, if m.is_dir() { Kind::Dir } else { Kind::Other }),
            }
        };
        self.kinds.entry(out.0.clone().into_os_string()).or_insert(out.1);
        self.memo.insert(p.as_os_str().to_os_string(), out.clone());
        out
    }
}

/// Lexically removes `.` and resolves `..` against the (already resolved) prefix before it.
fn normalize(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::from("/");
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            _ => {}
        }
    }
    out
}

/// Resolves one path (see Resolver).
#[cfg(test)]
pub fn resolve(p: &Path) -> PathBuf {
    Resolver::default().resolve(p).0
}

/// The Landlock-only composition: every protected path is carved out of the grants.
pub fn compose(profile: &Profile) -> Result<Plan, String> {
    compose_with(profile, &profile.fs.protected, &mut Resolver::default())
}

/// Composes with only `protected` carved out. The mount strategy passes the protected paths it
/// did not already make read-only with a mount, so write roots without carve-outs stay single,
/// fully writable rules, and the resolver it planned with, so nothing is resolved twice.
pub fn compose_with(profile: &Profile, protected: &[PathBuf], resolver: &mut Resolver) -> Result<Plan, String> {
    let mut plan = Plan::default();
    if profile.mode == Mode::None {
        return Ok(plan);
    }
    let mut tree = Tree::default();
    let mut add = |p: &Path, grant: u64, mask: u64| -> Kind {
        let (real, kind) = resolver.resolve(p);
        let n = tree.insert(&real);
        tree.nodes[n].grant |= grant;
        tree.nodes[n].mask |= mask;
        kind
    };
    for p in &profile.fs.read {
        add(p, READ, 0);
    }
    for p in &profile.fs.exec {
        add(p, EXECUTE, 0);
    }
    for p in &profile.fs.write {
        if add(p, WRITE_ROOT, 0) == Kind::Missing {
            return Err(format!("write root {} does not exist", p.display()));
        }
    }
    for d in DEVICE_PATHS {
        let rights = match d {
            "/dev/shm" => WRITE_ROOT,
            "/dev/pts" => READ | WRITE_FILE | IOCTL_DEV,
            _ => READ_FILE | WRITE_FILE | IOCTL_DEV,
        };
        // A missing device is simply not granted (visit skips what does not exist).
        add(Path::new(d), rights, 0);
    }
    for p in protected {
        add(p, 0, WRITE);
    }
    for p in &profile.fs.deny {
        add(p, 0, ALL);
    }
    tree.sum_masks(0);
    let mut path = PathBuf::from("/");
    visit(&tree, 0, &mut path, (0, 0), 0, resolver, &mut plan)?;
    Ok(plan)
}

/// The resolved paths the profile names, as a tree of path components rooted at `/`: each
/// directory's interesting children (those leading to a named path) are right there, instead of
/// being found by comparing every named path with every directory on the way.
#[derive(Default)]
struct Tree {
    nodes: Vec<TreeNode>,
}

#[derive(Default)]
struct TreeNode {
    /// What this path adds (grant) or takes away (mask) at and beneath it; zero for directories
    /// that are only on the way to a named path.
    grant: u64,
    mask: u64,
    /// The union of the masks strictly beneath this node.
    below_mask: u64,
    /// (component, node index), sorted by component.
    children: Vec<(OsString, usize)>,
}

impl Tree {
    /// The node for an absolute, resolved path, created with its ancestors as needed.
    fn insert(&mut self, real: &Path) -> usize {
        if self.nodes.is_empty() {
            self.nodes.push(TreeNode::default());
        }
        let mut at = 0;
        // Resolved paths are normalized: their components are exactly the non-empty
        // slash-separated parts.
        for part in real.as_os_str().as_bytes().split(|b| *b == b'/').filter(|c| !c.is_empty()) {
            let part = OsStr::from_bytes(part);
            at = match self.nodes[at].children.binary_search_by(|(c, _)| c.as_os_str().cmp(part)) {
                Ok(i) => self.nodes[at].children[i].1,
                Err(i) => {
                    let n = self.nodes.len();
                    self.nodes.push(TreeNode::default());
                    self.nodes[at].children.insert(i, (part.to_os_string(), n));
                    n
                }
            };
        }
        at
    }

    /// Fills `below_mask` bottom-up; returns the union of the masks at and beneath `n`.
    fn sum_masks(&mut self, n: usize) -> u64 {
        let mut below = 0;
        for i in 0..self.nodes[n].children.len() {
            let child = self.nodes[n].children[i].1;
            below |= self.sum_masks(child);
        }
        self.nodes[n].below_mask = below;
        below | self.nodes[n].mask
    }
}

/// Emits the rules for the directory or file at `path` (tree node `n`). `above` is the (grant,
/// mask) union of the named paths above it, `already` what rules above it already grant here.
fn visit(
    tree: &Tree,
    n: usize,
    path: &mut PathBuf,
    above: (u64, u64),
    already: u64,
    resolver: &Resolver,
    plan: &mut Plan,
) -> Result<(), String> {
    let node = &tree.nodes[n];
    // Components were resolved already, so a symlink here is a leaf we do not follow.
    let kind = match resolver.kind_of(path) {
        Some(k) => k,
        None => match std::fs::symlink_metadata(&*path) {
            Ok(m) if m.is_dir() => Kind::Dir,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Missing,
        },
    };
    if kind == Kind::Missing {
        // Nothing to grant, and its parent already lacks the rights to create it.
        if node.grant != 0 && !path.starts_with("/dev") {
            plan.notes.push(format!("skipped missing root {}", path.display()));
        }
        return Ok(());
    }
    let is_dir = kind == Kind::Dir;
    // What this path itself should allow: grants at or above it, minus masks at or above it.
    let (grant_above, mask_above) = (above.0 | node.grant, above.1 | node.mask);
    let want = grant_above & !mask_above;
    // Safe for the whole subtree: nothing a carve-out below takes away.
    let safe = if is_dir { want & !node.below_mask } else { want & FILE_RIGHTS };
    let grant = safe & !already;
    if grant != 0 {
        plan.rules.push(Rule { path: path.clone(), access: grant, dir: is_dir });
    }
    let now = already | grant;
    if !is_dir || node.children.is_empty() {
        return Ok(());
    }
    // What this directory's unaffected children still need: hand it to each sibling of the carve-outs.
    let residual = want & !now;
    if residual != 0 {
        let entries = std::fs::read_dir(&*path).map_err(|e| format!("cannot list {}: {e}", path.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {}: {e}", path.display()))?;
            let name = entry.file_name();
            if node.children.binary_search_by(|(c, _)| c.cmp(&name)).is_ok() {
                continue;
            }
            let ft = match entry.file_type() {
                Ok(t) => t,
                Err(_) => continue,
            };
            // A symlink's target is governed where it lives; a rule on the link itself is useless.
            if ft.is_symlink() {
                continue;
            }
            let access = if ft.is_dir() { residual } else { residual & FILE_RIGHTS };
            if access != 0 {
                plan.rules.push(Rule { path: entry.path(), access, dir: ft.is_dir() });
            }
        }
    }
    for (name, child) in &node.children {
        path.push(name);
        let r = visit(tree, *child, path, (grant_above, mask_above), now, resolver, plan);
        path.pop();
        r?;
    }
    Ok(())
}

/// Effective rights at `path` under a plan, as Landlock computes them: the union of every rule on
/// the path or an ancestor. The tests use it to show that carve-outs hold.
#[cfg(test)]
pub fn effective(plan: &Plan, path: &Path) -> u64 {
    let path = resolve(path);
    plan.rules
        .iter()
        .filter(|r| path.starts_with(&r.path))
        .fold(0, |acc, r| acc | r.access)
}

/// A plan as `{ rules: [{ path, dir, access: [names] }], notes }`: what `--explain` prints and
/// the addon's explainProfile returns.
pub fn explain(plan: &Plan) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = plan
        .rules
        .iter()
        .map(|r| serde_json::json!({ "path": r.path, "dir": r.dir, "access": access_names(r.access) }))
        .collect();
    serde_json::json!({ "rules": rules, "notes": plan.notes })
}

/// Human-readable names of the rights in `bits`, for `explain` output.
fn access_names(bits: u64) -> Vec<&'static str> {
    const NAMES: [&str; 16] = [
        "execute", "write_file", "read_file", "read_dir", "remove_dir", "remove_file", "make_char", "make_dir",
        "make_reg", "make_sock", "make_fifo", "make_block", "make_sym", "refer", "truncate", "ioctl_dev",
    ];
    NAMES.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, n)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::FsPolicy;
    use crate::testutil::{profile, Tmp};
    use std::fs;

    #[test]
    fn secrets_under_a_read_root_are_never_granted() {
        let t = Tmp::new("compose", "secret");
        let home = t.0.join("home");
        fs::create_dir_all(home.join(".ssh")).unwrap();
        fs::write(home.join(".ssh/id"), "k").unwrap();
        fs::create_dir_all(home.join("code")).unwrap();
        fs::write(home.join(".netrc"), "n").unwrap();
        fs::write(home.join("notes"), "n").unwrap();
        let plan = compose(&profile(FsPolicy {
            read: vec![t.0.clone()],
            deny: vec![home.join(".ssh"), home.join(".netrc"), home.join(".aws")],
            ..Default::default()
        }))
        .unwrap();
        assert_eq!(effective(&plan, &home.join(".ssh/id")), 0);
        assert_eq!(effective(&plan, &home.join(".ssh")), 0);
        assert_eq!(effective(&plan, &home.join(".netrc")), 0);
        assert_eq!(effective(&plan, &home.join(".aws/credentials")), 0);
        assert_eq!(effective(&plan, &home.join("code/x")) & READ, READ);
        assert_eq!(effective(&plan, &home.join("notes")) & READ_FILE, READ_FILE);
        // No rule sits on an ancestor of a secret with a right the secret must not have.
        for r in &plan.rules {
            assert!(!home.join(".ssh").starts_with(&r.path) || r.access == 0, "{r:?}");
        }
    }

    #[test]
    fn protected_paths_stay_read_only_inside_a_write_root() {
        let t = Tmp::new("compose", "protect");
        let ws = t.0.join("ws");
        fs::create_dir_all(ws.join(".git/hooks")).unwrap();
        fs::create_dir_all(ws.join(".git/objects")).unwrap();
        fs::write(ws.join(".git/config"), "").unwrap();
        fs::create_dir_all(ws.join("src")).unwrap();
        fs::write(ws.join("README"), "").unwrap();
        let plan = compose(&profile(FsPolicy {
            write: vec![ws.clone()],
            protected: vec![ws.join(".git/hooks"), ws.join(".git/config"), ws.join(".bridle")],
            ..Default::default()
        }))
        .unwrap();
        for p in [ws.join(".git/hooks"), ws.join(".git/hooks/pre-commit"), ws.join(".git/config"), ws.join(".bridle/x")] {
            let e = effective(&plan, &p);
            assert_eq!(e & WRITE, 0, "{} writable: {e:#x}", p.display());
            assert_eq!(e & READ_FILE, READ_FILE, "{} unreadable", p.display());
        }
        // The workspace itself cannot gain new entries (that is how a missing .bridle stays absent)...
        assert_eq!(effective(&plan, &ws) & (MAKE_REG | MAKE_DIR), 0);
        // ...while its existing children keep full write access.
        assert_eq!(effective(&plan, &ws.join("src/new.rs")) & (MAKE_REG | WRITE_FILE), MAKE_REG | WRITE_FILE);
        assert_eq!(effective(&plan, &ws.join("README")) & WRITE_FILE, WRITE_FILE);
        assert_eq!(effective(&plan, &ws.join(".git/objects/ab")) & MAKE_REG, MAKE_REG);
        assert_eq!(effective(&plan, &ws.join("src")) & (MAKE_CHAR | MAKE_BLOCK), 0);
    }

    #[test]
    fn roots_without_carve_outs_are_single_rules() {
        let t = Tmp::new("compose", "plain");
        let plan = compose(&profile(FsPolicy { write: vec![t.0.clone()], ..Default::default() })).unwrap();
        let mine: Vec<_> = plan.rules.iter().filter(|r| r.path.starts_with(&t.0)).collect();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].access, WRITE_ROOT);
    }

    #[test]
    fn carve_out_reached_through_a_symlink_is_denied_at_its_target() {
        let t = Tmp::new("compose", "symlink");
        let real = t.0.join("real-ssh");
        fs::create_dir_all(&real).unwrap();
        let home = t.0.join("home");
        fs::create_dir_all(&home).unwrap();
        std::os::unix::fs::symlink(&real, home.join(".ssh")).unwrap();
        let plan = compose(&profile(FsPolicy { read: vec![t.0.clone()], deny: vec![home.join(".ssh")], ..Default::default() })).unwrap();
        assert_eq!(effective(&plan, &real.join("id")), 0);
    }

    #[test]
    fn deny_wins_over_a_grant_beneath_it() {
        let t = Tmp::new("compose", "deny-wins");
        fs::create_dir_all(t.0.join("s/inner")).unwrap();
        let plan = compose(&profile(FsPolicy {
            write: vec![t.0.join("s/inner")],
            deny: vec![t.0.join("s")],
            ..Default::default()
        }))
        .unwrap();
        assert_eq!(effective(&plan, &t.0.join("s/inner/f")), 0);
    }

    #[test]
    fn a_shared_resolver_sees_directories_created_after_it_looked() {
        let t = Tmp::new("compose", "created");
        let new = t.0.join("new");
        let p = profile(FsPolicy { read: vec![new.clone()], ..Default::default() });
        let mut r = Resolver::default();
        let before = compose_with(&p, &[], &mut r).unwrap();
        assert!(!before.rules.iter().any(|rule| rule.path == new));
        fs::create_dir(&new).unwrap();
        r.created(&new);
        let after = compose_with(&p, &[], &mut r).unwrap();
        assert_eq!(after.rules, compose(&p).unwrap().rules);
        assert!(after.rules.iter().any(|rule| rule.path == new && rule.dir));
    }

    #[test]
    fn missing_write_root_is_an_error() {
        let e = compose(&profile(FsPolicy { write: vec!["/nonexistent/bridle/ws".into()], ..Default::default() })).unwrap_err();
        assert!(e.contains("does not exist"));
    }

    #[test]
    fn file_rules_carry_only_file_rights() {
        let t = Tmp::new("compose", "filerights");
        fs::write(t.0.join("f"), "").unwrap();
        fs::create_dir_all(t.0.join("d")).unwrap();
        let plan = compose(&profile(FsPolicy { write: vec![t.0.clone()], protected: vec![t.0.join("d")], ..Default::default() })).unwrap();
        for r in &plan.rules {
            if !r.dir {
                assert_eq!(r.access & !FILE_RIGHTS, 0, "{r:?}");
            }
        }
    }
}
