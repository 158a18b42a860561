'use strict';
/**
 * What a build of the CLI and the service is made from, and its fingerprint: the TypeScript
 * under apps/<app>/src and libs/<lib>/src (specs excluded) and the recipe that compiles them (.swcrc,
 * tools/build.js). A build lives in dist/<fingerprint>/, so a build made from other sources can
 * never pass for one of the current sources: bin/billing.js runs dist/<fingerprint of the
 * checkout>/ or nothing built at all.
 *
 * Content, not modification times: a checkout, a stash or a copy that keeps old times must
 * not make an old build look current. Reading the ~0.5 MB of sources costs a few
 * milliseconds of the CLI's start.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const SOURCE_ROOTS = ['apps', 'libs'];
/** `<app or lib>/src/…/*.ts`, relative to a source root; declarations and specs are not code the CLI runs. */
const SOURCE_FILE = /^[^/]+\/src\/(?:.+\/)?[^/]+(?<!\.d|\.spec|\.test)\.ts$/;
const RECIPE = ['.swcrc', 'tools/build.js'];
const FINGERPRINT_LENGTH = 16;

/** The sources a build compiles, relative to `root` with `/` separators, sorted. */
function sourceFiles(root) {
  const files = [];
  for (const top of SOURCE_ROOTS) {
    const dir = join(root, top);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { recursive: true })) {
      const path = String(entry).split('\\').join('/');
      if (SOURCE_FILE.test(path)) files.push(`${top}/${path}`);
    }
  }
  return files.sort();
}

/** A hash of every source's path and content and of the recipe; equal only for the same inputs. */
function sourceFingerprint(root, files = sourceFiles(root)) {
  const hash = createHash('sha256');
  for (const file of [...RECIPE, ...files]) {
    hash.update(file).update('\0');
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '(missing)').update('\0');
  }
  return hash.digest('hex').slice(0, FINGERPRINT_LENGTH);
}

module.exports = { sourceFiles, sourceFingerprint };
