#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/. A missing build is the one error we can
// explain before any of our own code loads.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('bridle: not built yet (dist/src/cli/main.js is missing). Run `npm install` or `npm run build` in the bridle checkout.\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
