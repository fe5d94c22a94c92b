#!/usr/bin/env node
// `npm run bench -- NAME [args]`: runs scripts/bench/NAME.mjs against the compiled code in dist/.
// Each benchmark measures its anchor in the same run and prints the ratio.
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.slice(0, -4)).sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME [args]\nbenchmarks: ${available.join(', ')}`);
  process.exit(2);
}
if (!existsSync(path.join(here, '..', '..', 'dist', 'src'))) {
  console.error('bench: dist/ is missing; run `npm run build` first.');
  process.exit(2);
}
const mod = await import(pathToFileURL(path.join(here, `${name}.mjs`)).href);
await mod.default(args);
