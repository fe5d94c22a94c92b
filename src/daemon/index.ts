// The daemon's public surface: the server, its client, and the protocol types.
export { startDaemon, ensureToken, DaemonRunningError, type Daemon, type DaemonOptions } from './server.js';
export { DaemonClient, connectDaemon, spawnDaemon } from './client.js';
export * from './protocol.js';
