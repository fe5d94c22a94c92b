// The agent spec module's public surface.
export { checkSpec, checkSpecSource, loadSpec, type SpecCheck, type SpecCheckOptions } from './loader.js';
export { DEFAULT_SANDBOX, resolveHarness } from './fields.js';
export * from './types.js';
