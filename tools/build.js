#!/usr/bin/env node
'use strict';
/**
 * `npm run build`, which `npm ci` and `npm install` also run (the `prepare` script): compiles
 * apps/ and libs/ to CommonJS with SWC (.swcrc: decorators and their metadata, the
 * `@smartme/*` aliases rewritten to relative requires) into dist/<fingerprint>/, the layout
 * of the sources, and names it in dist/current. About a second for the whole tree; types are
 * checked by `npm run typecheck`, not here.
 *
 * Why a build at install: compiling on the fly (@swc-node/register) made every `billing`
 * command pay 1–2 s before doing anything. Why dist/<fingerprint>/: a build is only ever run
 * for the exact sources it was made from (tools/source-fingerprint.js), and builds made side
 * by side (two checkouts' worth of test runs, a build during a run) never mix files.
 */
const {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { sourceFiles, sourceFingerprint } = require('./source-fingerprint');

const COMPLETE = '.complete';
/** Builds kept besides the current one: a process started from one of them may still load files lazily. */
const KEEP_OTHERS = 2;

/**
 * Builds dist/<fingerprint>/ unless it is there already; returns where and whether it compiled.
 * Safe to run from several processes at once: each compiles into a directory of its own and
 * the first to finish publishes it by a rename.
 */
async function build(root, log = () => undefined) {
  const files = sourceFiles(root);
  const fingerprint = sourceFingerprint(root, files);
  const dist = join(root, 'dist');
  const out = join(dist, fingerprint);
  let compiled = false;
  if (!existsSync(join(out, COMPLETE))) {
    let swc;
    try {
      swc = require('@swc/core');
    } catch {
      // `npm ci --omit=dev` runs `prepare` too, without the compiler: nothing to build with.
      log('build: skipped, @swc/core (a devDependency) is not installed');
      return { fingerprint, dir: null, compiled: false };
    }
    const started = process.hrtime.bigint();
    const partial = join(dist, `.partial-${fingerprint}-${process.pid}`);
    rmSync(partial, { recursive: true, force: true });
    try {
      await compileAll(swc, root, files, partial);
      writeFileSync(join(partial, COMPLETE), `${fingerprint}\n`);
      publish(partial, out);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    compiled = true;
    log(
      `build: ${files.length} files → dist/${fingerprint} in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`,
    );
  }
  writeAtomically(join(dist, 'current'), `${fingerprint}\n`);
  prune(dist, fingerprint);
  return { fingerprint, dir: out, compiled };
}

function swcOptions(root) {
  const rc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  delete rc.$schema;
  // SWC resolves `paths` only against an absolute base.
  return { ...rc, swcrc: false, jsc: { ...rc.jsc, baseUrl: root } };
}

async function compileAll(swc, root, files, outDir) {
  const options = swcOptions(root);
  await Promise.all(
    files.map(async (file) => {
      const source = join(root, file);
      const target = join(outDir, file.replace(/\.ts$/, '.js'));
      const output = await swc.transformFile(source, {
        ...options,
        filename: source,
        sourceMaps: true,
        // The map names the source as seen from the output's final place, dist/<fingerprint>/….
        sourceFileName: relative(dirname(join(root, 'dist', 'x', file)), source),
      });
      mkdirSync(dirname(target), { recursive: true });
      const map = `${target.slice(target.lastIndexOf('/') + 1)}.map`;
      writeFileSync(target, `${output.code}\n//# sourceMappingURL=${map}\n`);
      if (output.map) writeFileSync(`${target}.map`, output.map);
    }),
  );
}

function publish(partial, out) {
  try {
    renameSync(partial, out);
  } catch (error) {
    // Another process published the same fingerprint first: same sources, same build.
    if (!existsSync(join(out, COMPLETE))) {
      // An interrupted build left an incomplete directory behind: replace it.
      rmSync(out, { recursive: true, force: true });
      renameSync(partial, out);
    } else if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
}

function writeAtomically(file, text) {
  const temporary = `${file}.${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** Drops all but the newest builds and any partial one an interrupted build left over an hour ago. */
function prune(dist, current) {
  const entries = readdirSync(dist, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const age = (name) => statSync(join(dist, name)).mtimeMs;
  const builds = entries
    .map((entry) => entry.name)
    .filter((name) => /^[0-9a-f]{16}$/.test(name) && name !== current)
    .sort((a, b) => age(b) - age(a));
  for (const name of builds.slice(KEEP_OTHERS)) rmSync(join(dist, name), { recursive: true, force: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.partial-') && Date.now() - age(entry.name) > 3_600_000)
      rmSync(join(dist, entry.name), { recursive: true, force: true });
  }
}

module.exports = { build };

if (require.main === module) {
  build(join(__dirname, '..'), (line) => process.stderr.write(`${line}\n`)).then(
    ({ fingerprint, dir, compiled }) => {
      if (!compiled && dir) process.stderr.write(`build: dist/${fingerprint} is up to date\n`);
    },
    (error) => {
      process.stderr.write(`build failed: ${error.stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}
