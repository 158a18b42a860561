#!/usr/bin/env node
// The `billing` command. Runs the TypeScript sources directly (compiled on the fly by SWC),
// so it works right after `npm ci`; a build in dist/ is used when present.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '../dist/apps/billing/cli/main.js');
if (!existsSync(built)) {
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(__dirname, '../tsconfig.json');
  require('@swc-node/register');
}
const { runCli } = require(existsSync(built) ? built : '../apps/billing/src/cli/main.ts');
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
