// The session runtime's public surface (the daemon is its one user).
export { SessionManager, type ManagerOptions, type StartParams } from './manager.js';
export { Session, type StartRequest, type SessionEnd } from './session.js';
export { daemonPaths, sessionDir, type DaemonPaths } from './paths.js';
export { buildChildEnv, NO_CREDENTIAL } from './env.js';
export { sessionProfile } from './sandbox.js';
export { serverPolicyFiles } from './policy.js';
