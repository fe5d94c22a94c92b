// The scripted model server's public surface, for the CLI, the demo and tests.
export { startModelServer, endpointOf, type ModelServer, type ModelServerOptions } from './server.js';
export { parseScript, loadScriptFile, scriptFrom, type Script, type ScriptSource, type ScriptObject, type TurnObject, type Turn } from './script.js';
export { TurnBook, turnMatches, describeTurn, describeProbe, type Probe, type Api, type LastEntry } from './match.js';
export type { RecordedRequest, RecordedReply } from './request-log.js';
