/**
 * Once per `jest` run, before any suite:
 * - builds dist/ from the current sources (tools/build.js; nothing to do when `npm ci` or an
 *   earlier run built the same sources): the tests run the `billing` CLI in child processes a
 *   lot, and so run the build the installed CLI runs, made from exactly the sources under test;
 * - asks once whether a Docker engine answers, for every suite's choice of its servers
 *   (test/infra/server-origin.ts), and leaves the answer in the environment the suites inherit.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { probeDockerEngine } from './infra/docker-engine';
import { CONTAINERS_VARIABLE } from './infra/server-origin';
import { infraLog } from './infra/util';

export default async function globalSetup(): Promise<void> {
  execFileSync(process.execPath, [join(__dirname, '../tools/build.js')], { stdio: 'inherit' });
  if (process.env[CONTAINERS_VARIABLE] === undefined || process.env[CONTAINERS_VARIABLE] === '') {
    const engine = await probeDockerEngine();
    process.env[CONTAINERS_VARIABLE] = engine.answers ? 'docker' : 'none';
    infraLog(
      engine.answers
        ? `a Docker engine answers (${engine.version}): test servers the environment does not name run in containers`
        : 'no Docker engine answers: test servers the environment does not name are started here',
    );
  }
}
