/**
 * Once per `jest` run, before any suite: builds dist/ from the current sources (tools/build.js;
 * nothing to do when `npm ci` or an earlier run built the same sources). The tests run the
 * `billing` CLI in child processes a lot, and so run the build the installed CLI runs, made
 * from exactly the sources under test.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [join(__dirname, '../tools/build.js')], { stdio: 'inherit' });
}
