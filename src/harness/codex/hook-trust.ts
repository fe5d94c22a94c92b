// The one step both Codex modes need before any tool call can be gated: Codex skips hooks nobody
// trusted, so Bridle's own PreToolUse hook has to be trusted through a running `codex app-server`.
import { asRecord } from '../tools.js';
import type { JsonRpc } from './rpc.js';

type Json = Record<string, unknown>;

/**
 * Trusts Bridle's own hook (the one whose command names `hookUrl`) and only it. Trust is keyed to
 * the hook's content hash, which Codex computes; we read it from hooks/list and write it back
 * through the config API (never computing it ourselves), then check that our hook is active.
 * Throws unless Codex then reports it trusted and enabled.
 */
export async function trustOwnHook(rpc: JsonRpc, cwd: string, hookUrl: string): Promise<void> {
  const list = async (): Promise<Json[]> => {
    const data = asRecord(await rpc.request('hooks/list', { cwds: [cwd] })).data;
    const entries = Array.isArray(data) ? data.map(asRecord) : [];
    return entries.flatMap((e) => (Array.isArray(e.hooks) ? e.hooks.map(asRecord) : []));
  };
  const ours = (hooks: Json[]): Json | undefined =>
    hooks.find((h) => h.eventName === 'preToolUse' && typeof h.command === 'string' && h.command.includes(hookUrl));
  const mine = ours(await list());
  if (!mine || typeof mine.key !== 'string' || typeof mine.currentHash !== 'string') throw new Error('codex did not load the Bridle PreToolUse hook');
  if (mine.trustStatus !== 'trusted') {
    await rpc.request('config/batchWrite', {
      edits: [{ keyPath: 'hooks.state', value: { [mine.key]: { trusted_hash: mine.currentHash } }, mergeStrategy: 'upsert' }],
      reloadUserConfig: true,
    });
  }
  const after = ours(await list());
  if (after?.trustStatus !== 'trusted' || after.enabled !== true) {
    throw new Error(`the Bridle PreToolUse hook is not active (trust: ${String(after?.trustStatus)}, enabled: ${String(after?.enabled)}); refusing to run ungated`);
  }
}

/** The app-server handshake: nothing else is accepted before it. */
export async function initializeAppServer(rpc: JsonRpc): Promise<void> {
  await rpc.request('initialize', { clientInfo: { name: 'bridle', title: 'Bridle', version: '0.1.0' }, capabilities: null });
  rpc.notify('initialized');
}
