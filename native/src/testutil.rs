//! Fixtures shared by the unit tests of the filesystem modules.

use crate::profile::{FsPolicy, Mode, NetMode, NetPolicy, Profile};
use std::fs;
use std::path::PathBuf;

/// A fresh, canonical temporary directory, removed on drop. `module` and `tag` keep tests that
/// run in parallel apart.
pub struct Tmp(pub PathBuf);

impl Tmp {
    pub fn new(module: &str, tag: &str) -> Tmp {
        let p = std::env::temp_dir().join(format!("bridle-{module}-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Tmp(fs::canonicalize(&p).unwrap())
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A workspace-write profile with no network and the given filesystem policy.
pub fn profile(fs: FsPolicy) -> Profile {
    Profile {
        version: 1,
        mode: Mode::WorkspaceWrite,
        fs,
        net: NetPolicy { mode: NetMode::None, allow_ports: vec![], allow_unix_sockets: false },
        best_effort: false,
        protect_strategy: Default::default(),
    }
}
