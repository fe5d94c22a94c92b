//! Renders a profile as macOS Seatbelt (SBPL) text for `sandbox-exec -p`. Pure string building,
//! compiled on every OS so the exact text a Mac will run is unit-tested everywhere.
//!
//! Seatbelt, unlike Landlock, has deny-inside-allow (`require-not`), so carve-outs are expressed
//! directly and the later, more specific `deny` rules win over the broad `allow`s.

use crate::profile::{Mode, NetMode, Profile};
use std::fmt::Write;
use std::path::Path;

/// SBPL string literal: backslash and double quote are the only characters needing escapes.
fn lit(p: &Path) -> String {
    let s = p.to_string_lossy();
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// `(subpath "...")` for each path, on one line each.
fn subpaths(paths: &[std::path::PathBuf]) -> String {
    paths.iter().map(|p| format!("  (subpath {})\n", lit(p))).collect()
}

pub fn render(p: &Profile) -> String {
    let mut s = String::new();
    s.push_str("(version 1)\n");
    if p.mode == Mode::None {
        // An explicit "none" profile still goes through the same code path; it just allows all.
        s.push_str("(allow default)\n");
        return s;
    }
    s.push_str("(deny default)\n");
    // Process plumbing every program needs: fork/exec, signals within the sandbox, sysctl reads,
    // the few Mach services libc and the dynamic linker talk to, and pseudo-terminals.
    s.push_str(concat!(
        "(allow process-fork)\n",
        "(allow signal (target same-sandbox))\n",
        "(allow process-info* (target same-sandbox))\n",
        "(allow sysctl-read)\n",
        "(allow mach-lookup (global-name \"com.apple.system.opendirectoryd.libinfo\")",
        " (global-name \"com.apple.system.logger\") (global-name \"com.apple.system.notification_center\"))\n",
        "(allow ipc-posix-shm-read* ipc-posix-shm-write-data ipc-posix-sem)\n",
        "(allow pseudo-tty)\n",
        "(allow file-ioctl (literal \"/dev/tty\") (regex #\"^/dev/ttys[0-9]+$\"))\n",
        "(allow file-read* file-write-data (literal \"/dev/null\") (literal \"/dev/zero\")",
        " (literal \"/dev/tty\") (literal \"/dev/dtracehelper\") (regex #\"^/dev/ttys[0-9]+$\"))\n",
        "(allow file-read* (literal \"/dev/random\") (literal \"/dev/urandom\"))\n",
    ));

    if !p.fs.read.is_empty() {
        let _ = write!(s, "(allow file-read*\n{})\n", subpaths(&p.fs.read));
    }
    if !p.fs.exec.is_empty() {
        let _ = write!(s, "(allow process-exec file-map-executable\n{})\n", subpaths(&p.fs.exec));
    }
    if p.mode == Mode::WorkspaceWrite && !p.fs.write.is_empty() {
        let w = subpaths(&p.fs.write);
        let _ = write!(s, "(allow file-read* process-exec file-map-executable\n{w})\n");
        let _ = write!(s, "(allow file-write*\n{w})\n");
    }
    // Carve-outs come last: in SBPL the last matching rule wins.
    if !p.fs.protected.is_empty() {
        let _ = write!(s, "(deny file-write*\n{})\n", subpaths(&p.fs.protected));
    }
    if !p.fs.deny.is_empty() {
        let _ = write!(s, "(deny file-read* file-write* process-exec\n{})\n", subpaths(&p.fs.deny));
    }

    match p.net.mode {
        NetMode::None => {}
        NetMode::Proxy => {
            // Seatbelt can pin the host as well as the port: only localhost.
            for port in &p.net.allow_ports {
                let _ = writeln!(s, "(allow network-outbound (remote tcp \"localhost:{port}\"))");
            }
        }
        NetMode::Full => {
            s.push_str("(allow network-outbound (remote ip))\n(allow network-inbound (local ip))\n(allow network-bind (local ip))\n");
            s.push_str("(allow mach-lookup (global-name \"com.apple.dnssd.service\") (global-name \"com.apple.trustd.agent\"))\n");
        }
    }
    if p.net.allow_unix_sockets {
        s.push_str("(allow network-outbound (remote unix-socket))\n(allow network-bind (local unix-socket))\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    fn profile(json: &str) -> Profile {
        Profile::from_json(json).unwrap()
    }

    #[test]
    fn workspace_profile_text() {
        let p = profile(
            r#"{"version":1,"mode":"workspace-write",
               "fs":{"read":["/"],"write":["/Users/a/ws"],"exec":["/usr"],
                     "protected":["/Users/a/ws/.git/hooks"],"deny":["/Users/a/.ssh"]},
               "net":{"mode":"proxy","allow_ports":[8080,9090]}}"#,
        );
        let t = render(&p);
        assert!(t.starts_with("(version 1)\n(deny default)\n"));
        assert!(t.contains("(allow file-read*\n  (subpath \"/\")\n)"));
        assert!(t.contains("(allow file-write*\n  (subpath \"/Users/a/ws\")\n)"));
        assert!(t.contains("(deny file-write*\n  (subpath \"/Users/a/ws/.git/hooks\")\n)"));
        assert!(t.contains("(deny file-read* file-write* process-exec\n  (subpath \"/Users/a/.ssh\")\n)"));
        assert!(t.contains("(remote tcp \"localhost:8080\")"));
        assert!(t.contains("(remote tcp \"localhost:9090\")"));
        assert!(!t.contains("(remote ip)"));
        assert!(!t.contains("unix-socket"));
        // Carve-outs after the grants they narrow (SBPL: last match wins).
        assert!(t.find("(deny file-write*").unwrap() > t.find("(allow file-write*").unwrap());
        assert!(t.find("(deny file-read*").unwrap() > t.find("(allow file-read*").unwrap());
    }

    #[test]
    fn read_only_and_network_none() {
        let p = profile(r#"{"version":1,"mode":"read-only","fs":{"read":["/usr"]},"net":{"mode":"none"}}"#);
        let t = render(&p);
        assert!(!t.contains("(allow file-write*\n"));
        assert!(!t.contains("network-outbound"));
    }

    #[test]
    fn quotes_are_escaped() {
        let p = profile(r#"{"version":1,"mode":"read-only","fs":{"read":["/a\"b\\c"]},"net":{"mode":"full"}}"#);
        let t = render(&p);
        assert!(t.contains(r#"(subpath "/a\"b\\c")"#), "{t}");
        assert!(t.contains("(remote ip)"));
    }

    #[test]
    fn none_allows_everything_explicitly() {
        let p = profile(r#"{"version":1,"mode":"none","net":{"mode":"full"}}"#);
        assert_eq!(render(&p), "(version 1)\n(allow default)\n");
    }
}
