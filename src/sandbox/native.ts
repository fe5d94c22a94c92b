// The one place that loads the Rust addon. Everything else imports from here, so a missing or
// mismatched build surfaces as one clear message instead of a dlopen stack trace.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths.js';

/** What this kernel / OS can enforce (see native/src/probe.rs). */
export interface ProbeResult {
  os: string;
  arch: string;
  kernel: string;
  landlock_abi: number | null;
  seccomp_filter: boolean;
  user_namespaces: boolean;
  sandbox_exec: boolean;
}

/** The Landlock rules bridle-sandbox would install for a profile here (native/src/compose.rs). */
export interface ExplainResult {
  rules: { path: string; dir: boolean; access: string[] }[];
  notes: string[];
}

export interface NativeAddon {
  probe(): ProbeResult;
  /** Every problem with a profile's JSON, checked by the launcher's own parser. */
  validateProfile(json: string): { ok: boolean; errors: string[] };
  /** The macOS Seatbelt text for a profile (what sandbox-exec -p receives). Throws on an invalid profile. */
  seatbeltProfile(json: string): string;
  /** Composed Landlock rules for a profile on this machine. Throws on an invalid profile. */
  explainProfile(json: string): ExplainResult;
  /** Returns the C allocator's free memory to the OS (glibc; elsewhere a no-op, false). */
  releaseFreeMemory(): boolean;
}

export class NativeUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeUnavailableError';
  }
}

/** napi-rs platform suffix for this process, e.g. `linux-x64-gnu`. */
export function platformTriple(platform = process.platform, arch = process.arch): string {
  if (platform === 'linux') {
    // glibc reports its version in the process report; musl does not.
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    const libc = report?.header?.glibcVersionRuntime ? 'gnu' : 'musl';
    return `linux-${arch}-${libc}`;
  }
  return `${platform}-${arch}`;
}

/** Where the addon is loaded from; $BRIDLE_NATIVE_ADDON overrides it (tests, packaged installs). */
export function addonPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.BRIDLE_NATIVE_ADDON ?? path.join(packageRoot, 'native', `bridle.${platformTriple()}.node`);
}

let cached: NativeAddon | undefined;

export function loadNative(): NativeAddon {
  if (cached) return cached;
  const file = addonPath();
  if (!existsSync(file)) {
    throw new NativeUnavailableError(
      `Bridle's native addon is missing for this platform (${platformTriple()}): expected ${file}. ` +
        'Build it with `npm run build:native` (needs a Rust toolchain).',
    );
  }
  try {
    const require = createRequire(import.meta.url);
    cached = require(file) as NativeAddon;
    return cached;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new NativeUnavailableError(
      `Bridle's native addon at ${file} cannot be loaded here (${reason}). ` +
        'It was probably built for another platform or Node ABI; rebuild it with `npm run build:native`.',
    );
  }
}

/** Path of the bridle-sandbox launcher; $BRIDLE_SANDBOX_BIN overrides it. */
export function sandboxLauncherPath(env: NodeJS.ProcessEnv = process.env): string {
  const file = env.BRIDLE_SANDBOX_BIN ?? path.join(packageRoot, 'native', 'bridle-sandbox');
  if (!existsSync(file)) {
    throw new NativeUnavailableError(`bridle-sandbox launcher not found at ${file}; build it with \`npm run build:native\`.`);
  }
  return file;
}
