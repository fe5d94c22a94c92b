//! The seccomp-bpf filter, written as a classic BPF program by hand (no libseccomp), so the whole
//! policy is readable in one place.
//!
//! Shape: foreign ABIs first (a 32-bit syscall number means a different syscall), then a binary
//! search over the sorted syscall numbers the policy names, ending in small leaves that return the
//! syscall's verdict (an errno, or a block that decides by the arguments); every number not named
//! is allowed.
//!
//! Why a search tree and not a list of comparisons: when a filter is installed, the kernel runs it
//! once for every syscall number of every ABI to find the ones it may allow without running the
//! filter again (the seccomp action cache). With a list, each of those ~900 runs walks every
//! comparison, and installing took ~10x longer than the filter's JIT compile; with the tree each
//! walks a dozen instructions. The search also keeps the per-call cost low for the arguments-
//! dependent syscalls the cache cannot decide (clone, ioctl, socket).

use crate::profile::{NetMode, NetPolicy};

// Classic BPF opcodes (linux/filter.h).
const BPF_LD_W_ABS: u16 = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
const BPF_JEQ_K: u16 = 0x05 | 0x10 | 0x00; // BPF_JMP | BPF_JEQ | BPF_K
const BPF_JGE_K: u16 = 0x05 | 0x30 | 0x00; // BPF_JMP | BPF_JGE | BPF_K
const BPF_JSET_K: u16 = 0x05 | 0x40 | 0x00; // BPF_JMP | BPF_JSET | BPF_K
const BPF_JA: u16 = 0x05 | 0x00; // BPF_JMP | BPF_JA
const BPF_AND_K: u16 = 0x04 | 0x50 | 0x00; // BPF_ALU | BPF_AND | BPF_K
const BPF_RET_K: u16 = 0x06 | 0x00; // BPF_RET | BPF_K

const RET_KILL_PROCESS: u32 = 0x8000_0000;
const RET_ERRNO: u32 = 0x0005_0000;
const RET_ALLOW: u32 = 0x7fff_0000;

// struct seccomp_data offsets.
const OFF_NR: u32 = 0;
const OFF_ARCH: u32 = 4;
const fn off_arg_lo(i: u32) -> u32 {
    // Little-endian: the low 32 bits of args[i] come first. int-typed arguments live there.
    16 + 8 * i
}

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E; // AUDIT_ARCH_X86_64
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7; // AUDIT_ARCH_AARCH64
/// x32 syscalls share AUDIT_ARCH_X86_64 and are told apart by this bit in the number.
#[cfg(target_arch = "x86_64")]
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

const AF_UNIX: u32 = 1;
const AF_INET: u32 = 2;
const AF_INET6: u32 = 10;
const SOCK_STREAM: u32 = 1;
const SOCK_DGRAM: u32 = 2;
const SOCK_TYPE_MASK: u32 = 0xf; // strips SOCK_NONBLOCK | SOCK_CLOEXEC
const IPPROTO_TCP: u32 = 6;
const IPPROTO_UDP: u32 = 17;
const IPPROTO_ICMP: u32 = 1;
const IPPROTO_ICMPV6: u32 = 58;

/// Every CLONE_NEW* flag: clone() must not create namespaces any more than unshare() may.
const CLONE_NS_FLAGS: u32 = 0x0000_0080 // CLONE_NEWTIME
    | 0x0002_0000 // CLONE_NEWNS
    | 0x0200_0000 // CLONE_NEWCGROUP
    | 0x0400_0000 // CLONE_NEWUTS
    | 0x0800_0000 // CLONE_NEWIPC
    | 0x1000_0000 // CLONE_NEWUSER
    | 0x2000_0000 // CLONE_NEWPID
    | 0x4000_0000; // CLONE_NEWNET

const TIOCSTI: u32 = 0x5412;
const TIOCLINUX: u32 = 0x541C;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockFilter {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

const fn stmt(code: u16, k: u32) -> SockFilter {
    SockFilter { code, jt: 0, jf: 0, k }
}
const fn jump(code: u16, k: u32, jt: u8, jf: u8) -> SockFilter {
    SockFilter { code, jt, jf, k }
}

/// Syscalls no confined process gets, whatever the profile: debugging and memory access across
/// processes, kernel attack surface that bypasses other checks (io_uring, bpf, perf, keyrings),
/// namespace and mount changes, and administration the caller should never need.
fn denied_syscalls() -> Vec<i64> {
    use libc::*;
    #[allow(unused_mut)]
    let mut v: Vec<i64> = vec![
        SYS_ptrace,
        SYS_process_vm_readv,
        SYS_process_vm_writev,
        SYS_io_uring_setup,
        SYS_io_uring_enter,
        SYS_io_uring_register,
        SYS_bpf,
        SYS_perf_event_open,
        SYS_add_key,
        SYS_request_key,
        SYS_keyctl,
        SYS_unshare,
        SYS_setns,
        SYS_mount,
        SYS_umount2,
        SYS_pivot_root,
        SYS_chroot,
        SYS_open_tree,
        SYS_move_mount,
        SYS_fsopen,
        SYS_fsconfig,
        SYS_fsmount,
        SYS_fspick,
        SYS_mount_setattr,
        SYS_kexec_load,
        SYS_kexec_file_load,
        SYS_init_module,
        SYS_finit_module,
        SYS_delete_module,
        SYS_reboot,
        SYS_swapon,
        SYS_swapoff,
        SYS_acct,
        SYS_quotactl,
        SYS_settimeofday,
        SYS_clock_settime,
        SYS_clock_adjtime,
        SYS_adjtimex,
        SYS_sethostname,
        SYS_setdomainname,
        SYS_userfaultfd,
        SYS_fanotify_init,
        SYS_name_to_handle_at,
        SYS_open_by_handle_at,
        SYS_vhangup,
        SYS_pidfd_getfd,
        SYS_kcmp,
    ];
    #[cfg(target_arch = "x86_64")]
    v.extend([SYS_iopl, SYS_ioperm, SYS_uselib, SYS_lookup_dcookie]);
    v
}

pub struct Options<'a> {
    pub net: &'a NetPolicy,
}

/// What the filter does with one syscall number.
enum Verdict {
    /// Refuse with this errno.
    Errno(u32),
    /// Decide by the arguments: a block entered with the syscall number in A that ends every path
    /// in a return.
    Args(Vec<SockFilter>),
}

/// Decides by the low 32 bits of argument `arg`: `hit` when they equal one of `values`, `miss`
/// otherwise.
fn arg_in(arg: u32, values: &[u32], hit: u32, miss: u32) -> Verdict {
    let n = values.len();
    let mut b = Vec::with_capacity(n + 3);
    b.push(stmt(BPF_LD_W_ABS, off_arg_lo(arg)));
    for (i, &v) in values.iter().enumerate() {
        // A match jumps over the remaining comparisons to `hit`; the last one's miss skips it.
        let jt = u8::try_from(n - 1 - i).expect("few values");
        b.push(jump(BPF_JEQ_K, v, jt, u8::from(i == n - 1)));
    }
    b.push(stmt(BPF_RET_K, hit));
    b.push(stmt(BPF_RET_K, miss));
    Verdict::Args(b)
}

/// Leaves of the search tree hold at most this many numbers (compared one by one).
const LEAF: usize = 4;

/// Builds the filter program for this architecture.
pub fn program(opts: &Options) -> Vec<SockFilter> {
    let eperm = RET_ERRNO | libc::EPERM as u32;
    let mut p = Vec::with_capacity(160);

    // Foreign ABI (i386 via int 0x80, arm32 compat): numbers mean other syscalls. Kill, don't guess.
    p.push(stmt(BPF_LD_W_ABS, OFF_ARCH));
    p.push(jump(BPF_JEQ_K, AUDIT_ARCH, 1, 0));
    p.push(stmt(BPF_RET_K, RET_KILL_PROCESS));

    p.push(stmt(BPF_LD_W_ABS, OFF_NR));
    #[cfg(target_arch = "x86_64")]
    {
        p.push(jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1));
        p.push(stmt(BPF_RET_K, eperm));
    }

    let mut named: Vec<(u32, Verdict)> = denied_syscalls().into_iter().map(|nr| (nr as u32, Verdict::Errno(libc::EPERM as u32))).collect();

    // clone3 passes its flags behind a pointer the filter cannot read. ENOSYS makes libc fall back
    // to clone(), whose flags we can check.
    named.push((libc::SYS_clone3 as u32, Verdict::Errno(libc::ENOSYS as u32)));

    // clone(flags, ...) with any CLONE_NEW* flag.
    named.push((
        libc::SYS_clone as u32,
        Verdict::Args(vec![
            stmt(BPF_LD_W_ABS, off_arg_lo(0)),
            jump(BPF_JSET_K, CLONE_NS_FLAGS, 0, 1),
            stmt(BPF_RET_K, eperm),
            stmt(BPF_RET_K, RET_ALLOW),
        ]),
    ));

    // ioctl(fd, TIOCSTI/TIOCLINUX): typing into the controlling terminal would let the confined
    // process run commands in the user's shell once it exits.
    named.push((libc::SYS_ioctl as u32, arg_in(1, &[TIOCSTI, TIOCLINUX], eperm, RET_ALLOW)));

    // personality(): only the query (0xffffffff) and plain PER_LINUX; ADDR_NO_RANDOMIZE and
    // friends weaken exploit mitigations for the next exec.
    named.push((libc::SYS_personality as u32, arg_in(0, &[0xffff_ffff, 0], RET_ALLOW, eperm)));

    // socketpair(): AF_UNIX only (pipes between a process and its children).
    named.push((libc::SYS_socketpair as u32, arg_in(0, &[AF_UNIX], RET_ALLOW, eperm)));

    // socket(domain, type, protocol).
    named.push((libc::SYS_socket as u32, Verdict::Args(socket_block(opts.net, eperm))));

    named.sort_by_key(|(nr, _)| *nr);
    debug_assert!(named.windows(2).all(|w| w[0].0 != w[1].0), "a syscall is named twice");
    p.extend(search(&named));
    p
}

/// A binary search over `named` (sorted by number), entered with the syscall number in A. Every
/// path ends in a return; numbers not in `named` are allowed.
fn search(named: &[(u32, Verdict)]) -> Vec<SockFilter> {
    if named.len() <= LEAF {
        return leaf(named);
    }
    let mid = named.len() / 2;
    let (low, high) = (search(&named[..mid]), search(&named[mid..]));
    let mut b = Vec::with_capacity(2 + low.len() + high.len());
    match u8::try_from(low.len()) {
        // nr >= pivot: jump over the low half.
        Ok(skip) => b.push(jump(BPF_JGE_K, named[mid].0, skip, 0)),
        // Conditional jumps reach 255 instructions; an unconditional one reaches anywhere.
        Err(_) => {
            b.push(jump(BPF_JGE_K, named[mid].0, 0, 1));
            b.push(stmt(BPF_JA, low.len() as u32));
        }
    }
    b.extend(low);
    b.extend(high);
    b
}

/// Compares the number against each of (at most LEAF) entries, falls through to allow, and lays
/// the verdicts out after that, one return per distinct errno.
fn leaf(named: &[(u32, Verdict)]) -> Vec<SockFilter> {
    let mut tail = vec![stmt(BPF_RET_K, RET_ALLOW)];
    let mut targets = Vec::with_capacity(named.len());
    let mut errnos: Vec<(u32, usize)> = Vec::new();
    for (_, verdict) in named {
        let at = match verdict {
            Verdict::Errno(e) => match errnos.iter().find(|(x, _)| x == e) {
                Some(&(_, at)) => at,
                None => {
                    tail.push(stmt(BPF_RET_K, RET_ERRNO | e));
                    errnos.push((*e, tail.len() - 1));
                    tail.len() - 1
                }
            },
            Verdict::Args(block) => {
                tail.extend_from_slice(block);
                tail.len() - block.len()
            }
        };
        targets.push(at);
    }
    let n = named.len();
    let mut b = Vec::with_capacity(n + tail.len());
    for (i, ((nr, _), at)) in named.iter().zip(targets).enumerate() {
        // From the comparison at index i to the tail entry `at` (the tail starts at index n).
        let jt = u8::try_from(n - i - 1 + at).expect("leaf verdicts lie within a conditional jump");
        b.push(jump(BPF_JEQ_K, *nr, jt, 0));
    }
    b.extend(tail);
    b
}

/// The socket() decision. Entered with the syscall number in A; every path ends in a return.
fn socket_block(net: &NetPolicy, eperm: u32) -> Vec<SockFilter> {
    let mut b = Vec::new();
    b.push(stmt(BPF_LD_W_ABS, off_arg_lo(0)));
    // AF_UNIX socket(): allowed only when the profile lists it (Landlock does not govern
    // connecting to pathname sockets on this kernel generation).
    b.push(jump(BPF_JEQ_K, AF_UNIX, 0, 1));
    b.push(stmt(BPF_RET_K, if net.allow_unix_sockets { RET_ALLOW } else { eperm }));
    // Anything but IPv4/IPv6: netlink, packet, vsock, bluetooth, alg, ...
    b.push(jump(BPF_JEQ_K, AF_INET, 2, 0));
    b.push(jump(BPF_JEQ_K, AF_INET6, 1, 0));
    b.push(stmt(BPF_RET_K, eperm));
    match net.mode {
        NetMode::None => b.push(stmt(BPF_RET_K, eperm)),
        NetMode::Proxy => {
            // TCP only (Landlock's port rules govern TCP and nothing else): SOCK_STREAM with
            // protocol 0 or IPPROTO_TCP. SCTP and MPTCP streams would slip past the port rules.
            b.push(stmt(BPF_LD_W_ABS, off_arg_lo(1)));
            b.push(stmt(BPF_AND_K, SOCK_TYPE_MASK));
            b.push(jump(BPF_JEQ_K, SOCK_STREAM, 1, 0));
            b.push(stmt(BPF_RET_K, eperm));
            b.push(stmt(BPF_LD_W_ABS, off_arg_lo(2)));
            b.push(jump(BPF_JEQ_K, 0, 1, 0));
            b.push(jump(BPF_JEQ_K, IPPROTO_TCP, 0, 1));
            b.push(stmt(BPF_RET_K, RET_ALLOW));
            b.push(stmt(BPF_RET_K, eperm));
        }
        NetMode::Full => {
            // TCP and UDP (and unprivileged ICMP echo); raw sockets stay denied.
            b.push(stmt(BPF_LD_W_ABS, off_arg_lo(1)));
            b.push(stmt(BPF_AND_K, SOCK_TYPE_MASK));
            b.push(jump(BPF_JEQ_K, SOCK_STREAM, 1, 0));
            b.push(jump(BPF_JEQ_K, SOCK_DGRAM, 0, 7));
            b.push(stmt(BPF_LD_W_ABS, off_arg_lo(2)));
            b.push(jump(BPF_JEQ_K, 0, 4, 0));
            b.push(jump(BPF_JEQ_K, IPPROTO_TCP, 3, 0));
            b.push(jump(BPF_JEQ_K, IPPROTO_UDP, 2, 0));
            b.push(jump(BPF_JEQ_K, IPPROTO_ICMP, 1, 0));
            b.push(jump(BPF_JEQ_K, IPPROTO_ICMPV6, 0, 1));
            b.push(stmt(BPF_RET_K, RET_ALLOW));
            b.push(stmt(BPF_RET_K, eperm));
        }
    }
    b
}

/// Whether the kernel supports seccomp filters with the actions we use.
#[cfg(target_os = "linux")]
pub fn available() -> bool {
    const SECCOMP_GET_ACTION_AVAIL: libc::c_uint = 2;
    let action: u32 = RET_KILL_PROCESS;
    // SAFETY: queries action support; touches no process state.
    unsafe { libc::syscall(libc::SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0u32, &action as *const u32) == 0 }
}

/// Installs the filter on the calling thread. no_new_privs must already be set.
#[cfg(target_os = "linux")]
pub fn install(prog: &[SockFilter]) -> Result<(), String> {
    #[repr(C)]
    struct SockFprog {
        len: u16,
        filter: *const SockFilter,
    }
    const SECCOMP_SET_MODE_FILTER: libc::c_uint = 1;
    let fprog = SockFprog { len: prog.len() as u16, filter: prog.as_ptr() };
    // SAFETY: fprog points at `prog`, which outlives the call; the kernel copies the program.
    let r = unsafe { libc::syscall(libc::SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0u32, &fprog as *const SockFprog) };
    if r != 0 {
        return Err(format!("seccomp(SET_MODE_FILTER): {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny classic-BPF interpreter over the subset we emit, so the policy can be tested as data.
    fn run(p: &[SockFilter], nr: u32, arch: u32, args: [u64; 6]) -> u32 {
        run_counted(p, nr, arch, args).0
    }

    /// The verdict and how many instructions it took.
    fn run_counted(p: &[SockFilter], nr: u32, arch: u32, args: [u64; 6]) -> (u32, usize) {
        let mut steps = 0;
        let mut data = vec![0u8; 64];
        data[0..4].copy_from_slice(&nr.to_le_bytes());
        data[4..8].copy_from_slice(&arch.to_le_bytes());
        for (i, a) in args.iter().enumerate() {
            data[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_le_bytes());
        }
        let (mut pc, mut acc) = (0usize, 0u32);
        loop {
            let ins = p[pc];
            pc += 1;
            steps += 1;
            match ins.code {
                BPF_LD_W_ABS => acc = u32::from_le_bytes(data[ins.k as usize..ins.k as usize + 4].try_into().unwrap()),
                BPF_AND_K => acc &= ins.k,
                BPF_RET_K => return (ins.k, steps),
                BPF_JA => pc += ins.k as usize,
                BPF_JEQ_K | BPF_JGE_K | BPF_JSET_K => {
                    let t = match ins.code {
                        BPF_JEQ_K => acc == ins.k,
                        BPF_JGE_K => acc >= ins.k,
                        _ => acc & ins.k != 0,
                    };
                    pc += usize::from(if t { ins.jt } else { ins.jf });
                }
                c => panic!("unexpected opcode {c:#x}"),
            }
        }
    }

    fn net(mode: NetMode, unix: bool) -> NetPolicy {
        NetPolicy { mode, allow_ports: vec![], allow_unix_sockets: unix }
    }
    const EPERM: u32 = RET_ERRNO | libc::EPERM as u32;
    fn sys(p: &[SockFilter], nr: i64, args: [u64; 6]) -> u32 {
        run(p, nr as u32, AUDIT_ARCH, args)
    }

    #[test]
    fn program_fits_and_foreign_arch_is_killed() {
        let n = net(NetMode::None, false);
        let p = program(&Options { net: &n });
        assert!(p.len() < 4096);
        assert_eq!(run(&p, 20, 0x4000_0003 /* AUDIT_ARCH_I386 */, [0; 6]), RET_KILL_PROCESS);
        assert_eq!(sys(&p, libc::SYS_getpid, [0; 6]), RET_ALLOW);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(run(&p, X32_SYSCALL_BIT | 39, AUDIT_ARCH, [0; 6]), EPERM);
    }

    #[test]
    fn every_syscall_number_gets_its_verdict_in_few_steps() {
        let n = net(NetMode::Proxy, false);
        let p = program(&Options { net: &n });
        let denied: Vec<u32> = denied_syscalls().iter().map(|&nr| nr as u32).collect();
        let by_args = [libc::SYS_clone, libc::SYS_ioctl, libc::SYS_personality, libc::SYS_socketpair, libc::SYS_socket, libc::SYS_clone3];
        let mut longest = 0;
        for nr in 0..1024u32 {
            let (verdict, steps) = run_counted(&p, nr, AUDIT_ARCH, [0; 6]);
            longest = longest.max(steps);
            if denied.contains(&nr) {
                assert_eq!(verdict, EPERM, "syscall {nr}");
            } else if !by_args.iter().any(|&s| s as u32 == nr) {
                assert_eq!(verdict, RET_ALLOW, "syscall {nr}");
            }
        }
        // The kernel runs the filter for every number when installing it (the action cache):
        // a search keeps each run short, where a list of comparisons walked all of them.
        assert!(longest <= 30, "longest path {longest}");
    }

    #[test]
    fn wide_searches_jump_unconditionally() {
        let named: Vec<(u32, Verdict)> = (0..600u32).map(|i| (i * 2, Verdict::Errno(1 + i % 3))).collect();
        let mut p = vec![stmt(BPF_LD_W_ABS, OFF_NR)];
        p.extend(search(&named));
        assert!(p.iter().any(|i| i.code == BPF_JA));
        for nr in 0..1300u32 {
            let want = if nr % 2 == 0 && nr < 1200 { RET_ERRNO | (1 + (nr / 2) % 3) } else { RET_ALLOW };
            assert_eq!(run(&p, nr, AUDIT_ARCH, [0; 6]), want, "nr {nr}");
        }
    }

    #[test]
    fn process_escapes_are_denied() {
        let n = net(NetMode::Full, true);
        let p = program(&Options { net: &n });
        for nr in [libc::SYS_ptrace, libc::SYS_unshare, libc::SYS_mount, libc::SYS_io_uring_setup, libc::SYS_bpf, libc::SYS_keyctl] {
            assert_eq!(sys(&p, nr, [0; 6]), EPERM, "syscall {nr}");
        }
        assert_eq!(sys(&p, libc::SYS_clone3, [0; 6]), RET_ERRNO | libc::ENOSYS as u32);
        assert_eq!(sys(&p, libc::SYS_clone, [0x1000_0000 | 17, 0, 0, 0, 0, 0]), EPERM);
        assert_eq!(sys(&p, libc::SYS_clone, [0x01200011, 0, 0, 0, 0, 0]), RET_ALLOW); // fork()'s flags
        assert_eq!(sys(&p, libc::SYS_ioctl, [0, u64::from(TIOCSTI), 0, 0, 0, 0]), EPERM);
        assert_eq!(sys(&p, libc::SYS_ioctl, [0, 0x5401 /* TCGETS */, 0, 0, 0, 0]), RET_ALLOW);
        assert_eq!(sys(&p, libc::SYS_personality, [0xffff_ffff, 0, 0, 0, 0, 0]), RET_ALLOW);
        assert_eq!(sys(&p, libc::SYS_personality, [0x0040000, 0, 0, 0, 0, 0]), EPERM);
    }

    #[test]
    fn socket_policy_per_mode() {
        let s = |p: &[SockFilter], d: u64, t: u64, pr: u64| sys(p, libc::SYS_socket, [d, t, pr, 0, 0, 0]);
        let none = net(NetMode::None, false);
        let p = program(&Options { net: &none });
        assert_eq!(s(&p, 2, 1, 0), EPERM);
        assert_eq!(s(&p, 1, 1, 0), EPERM);
        assert_eq!(sys(&p, libc::SYS_socketpair, [1, 1, 0, 0, 0, 0]), RET_ALLOW);
        assert_eq!(sys(&p, libc::SYS_socketpair, [2, 1, 0, 0, 0, 0]), EPERM);

        let proxy = net(NetMode::Proxy, true);
        let p = program(&Options { net: &proxy });
        assert_eq!(s(&p, 2, 1 | 0o4000 | 0o2000000, 0), RET_ALLOW); // SOCK_STREAM|NONBLOCK|CLOEXEC
        assert_eq!(s(&p, 10, 1, 6), RET_ALLOW);
        assert_eq!(s(&p, 10, 1, 132), EPERM); // SCTP
        assert_eq!(s(&p, 2, 2, 0), EPERM); // UDP
        assert_eq!(s(&p, 2, 3, 1), EPERM); // raw
        assert_eq!(s(&p, 16, 3, 0), EPERM); // netlink
        assert_eq!(s(&p, 17, 3, 0), EPERM); // packet
        assert_eq!(s(&p, 40, 1, 0), EPERM); // vsock
        assert_eq!(s(&p, 1, 1, 0), RET_ALLOW); // unix, listed

        let full = net(NetMode::Full, false);
        let p = program(&Options { net: &full });
        assert_eq!(s(&p, 2, 2, 0), RET_ALLOW);
        assert_eq!(s(&p, 2, 2, 17), RET_ALLOW);
        assert_eq!(s(&p, 2, 3, 255), EPERM);
        assert_eq!(s(&p, 1, 1, 0), EPERM);
    }
}
