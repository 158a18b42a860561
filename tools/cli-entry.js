'use strict';
/**
 * Which code `bin/billing.js` runs:
 * - a checkout with its sources: dist/<fingerprint of those sources>/ when `npm run build` (or
 *   `npm ci`, through `prepare`) made it; otherwise the sources themselves, compiled on the fly
 *   by @swc-node/register (development: an edited source runs at once, about a second slower).
 *   A build of other sources is never run, whatever its age;
 * - an image or a package without the sources: its one build, named by dist/current.
 * BILLING_FROM_SOURCES=1 picks the sources whatever is built (debugging, the benchmarks' baseline).
 */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const SOURCE_MAIN = 'apps/billing/src/cli/main.ts';
const BUILT_MAIN = 'apps/billing/src/cli/main.js';

/** @returns {{ file: string | null, compile: boolean, reason: string }} */
function cliEntry(root, env = process.env) {
  const sources = join(root, SOURCE_MAIN);
  if (!existsSync(sources)) {
    const current = join(root, 'dist', 'current');
    const fingerprint = existsSync(current) ? readFileSync(current, 'utf8').trim() : '';
    const file = join(root, 'dist', fingerprint, BUILT_MAIN);
    if (fingerprint === '' || !existsSync(file)) {
      return { file: null, compile: false, reason: 'neither the sources nor a build of them (dist/current) are here' };
    }
    return { file, compile: false, reason: `dist/${fingerprint} (dist/current)` };
  }
  if (env.BILLING_FROM_SOURCES === '1') return { file: sources, compile: true, reason: 'BILLING_FROM_SOURCES=1' };
  // Loaded only here: an image without sources has no use for it.
  const { sourceFingerprint } = require('./source-fingerprint');
  const fingerprint = sourceFingerprint(root);
  const build = join(root, 'dist', fingerprint);
  if (existsSync(join(build, '.complete'))) {
    return { file: join(build, BUILT_MAIN), compile: false, reason: `dist/${fingerprint}` };
  }
  return { file: sources, compile: true, reason: `no build of these sources (dist/${fingerprint})` };
}

module.exports = { cliEntry };
