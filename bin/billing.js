#!/usr/bin/env node
// The `billing` command. Runs the JavaScript that `npm ci` built from these very sources
// (dist/<fingerprint>/, see tools/cli-entry.js), or, after a source changed, the TypeScript
// sources compiled on the fly by SWC, so that an edit runs at once in development.
const { join } = require('node:path');
const { cliEntry } = require('../tools/cli-entry');

const root = join(__dirname, '..');
const entry = cliEntry(root);
if (entry.file === null) {
  process.stderr.write(`billing: ${entry.reason}\n`);
  process.exit(2);
}
if (entry.compile) {
  try {
    require.resolve('@swc-node/register');
  } catch {
    process.stderr.write(
      `billing: ${entry.reason}, and the on-the-fly compiler (@swc-node/register, a devDependency) is not installed: run npm run build\n`,
    );
    process.exit(2);
  }
  if (process.stderr.isTTY && !process.env.BILLING_FROM_SOURCES) {
    process.stderr.write(`billing: ${entry.reason}: compiling the sources on the fly (npm run build starts faster)\n`);
  }
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(root, 'tsconfig.json');
  require('@swc-node/register');
}
const { runCli } = require(entry.file);
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
