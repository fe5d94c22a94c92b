// Process checks shared by tests that end sessions and daemons.

/** A process with this pid exists (signal 0 reaches it; an unreaped zombie still counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
