/**
 * Throwaway PostgreSQL clusters for integration tests, benchmarks and CI (no Docker on these hosts).
 *
 *   const pg = await startThrowawayPostgres();
 *   // ... pg.url is postgres://postgres@127.0.0.1:<port>/test
 *   await pg.stop({ mode: 'immediate', keepData: true }); // simulate a crash ...
 *   await pg.start();                                     // ... and recover from the same data
 *   await pg.destroy();                                   // stop (if running) and delete everything
 *
 * Each cluster lives in its own temp dir with its own port, so parallel Jest workers never share
 * state, and the machine-wide server on 127.0.0.1:5432 is never touched.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  freePort,
  infraLog,
  registerExitCleanup,
  removeDir,
  run,
  secondsSince,
  tailOfFile,
  waitForProcessExit,
} from './util';
import { ServerOrigin, containersAvailable, serverOrigin } from './server-origin';

const DEFAULT_BIN_DIR = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'postgres';
const PORT_ATTEMPTS = 3;

export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

export interface StartPostgresOptions {
  /** Fixed port; by default a free one is picked (and re-picked if another process grabs it first). */
  port?: number;
  /** Database created for the caller; default `test`. */
  database?: string;
  /** Directory holding initdb/pg_ctl/createdb; default $PG_BIN_DIR or /usr/lib/postgresql/15/bin. */
  binDir?: string;
  /** Extra `-c name=value` server settings, e.g. { max_connections: 200 } for a benchmark. */
  settings?: Record<string, string | number | boolean>;
}

export interface PostgresStopOptions {
  /** `immediate` is a crash from the database's point of view (WAL recovery on next start). Default `fast`. */
  mode?: PostgresStopMode;
  /** Keep the data dir so that start() can bring the same cluster back. Default false (dir removed). */
  keepData?: boolean;
}

export interface ThrowawayPostgres {
  readonly url: string;
  readonly port: number;
  /** The cluster's PGDATA. */
  readonly dataDir: string;
  /** Server log (pg_ctl -l); worth printing when a test fails mysteriously. */
  readonly logFile: string;
  readonly running: boolean;
  /** Stops the server; removes the whole temp dir unless keepData is set. */
  stop(options?: PostgresStopOptions): Promise<void>;
  /** Starts the server again after stop({ keepData: true }), on the same port and data. */
  start(): Promise<void>;
  /** Stops if still running and removes everything; safe to call more than once. */
  destroy(): Promise<void>;
}

export async function startThrowawayPostgres(options: StartPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const started = Date.now();
  const binDir = options.binDir ?? DEFAULT_BIN_DIR;
  const database = options.database ?? 'test';
  const osUser = await resolveServerOsUser();
  const baseDir = makeClusterDir(osUser);
  const cleanupOnExit = registerExitCleanup(() => emergencyStop(binDir, osUser, baseDir));
  try {
    infraLog(`postgres: initdb in ${baseDir}`);
    await initCluster(binDir, osUser, baseDir);
    const port = await startOnSomePort(binDir, osUser, baseDir, options);
    await createDatabase(binDir, port, database);
    infraLog(`postgres ready on 127.0.0.1:${port} in ${secondsSince(started)}`);
    return new Cluster(binDir, osUser, baseDir, port, database, options.settings ?? {}, cleanupOnExit);
  } catch (error) {
    emergencyStop(binDir, osUser, baseDir);
    cleanupOnExit();
    throw error;
  }
}

/**
 * The URL the tests should use (./server-origin.ts): $DATABASE_URL when the environment provides
 * one (CI service, a developer's own server; release() then leaves it alone), else a throwaway
 * container where Docker answers, else a fresh throwaway cluster; release() removes either.
 * Never silently falls back to whatever listens on 5432.
 */
export async function postgresUrlForTests(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; origin: ServerOrigin; release(): Promise<void> }> {
  const origin = serverOrigin(env.DATABASE_URL, await containersAvailable(env));
  if (origin === 'environment') return { url: env.DATABASE_URL!, origin, release: () => Promise.resolve() };
  if (origin === 'container') {
    const container = await (await import('./containers')).postgresContainer();
    infraLog(`postgres: a throwaway container (testcontainers) at ${container.address}`);
    return { url: container.address, origin, release: () => container.stop() };
  }
  const pg = await startThrowawayPostgres();
  return { url: pg.url, origin, release: () => pg.destroy() };
}

class Cluster implements ThrowawayPostgres {
  readonly url: string;
  readonly dataDir: string;
  readonly logFile: string;
  private isRunning = true;
  private isDestroyed = false;

  constructor(
    private readonly binDir: string,
    private readonly osUser: ServerOsUser,
    private readonly baseDir: string,
    readonly port: number,
    database: string,
    private readonly settings: Record<string, string | number | boolean>,
    private readonly cleanupOnExit: () => void,
  ) {
    this.url = `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
    this.dataDir = dataDirOf(baseDir);
    this.logFile = logFileOf(baseDir);
  }

  get running(): boolean {
    return this.isRunning;
  }

  async stop(options: PostgresStopOptions = {}): Promise<void> {
    if (this.isRunning) {
      const postmasterPid = readPostmasterPid(this.dataDir);
      await pgCtl(this.binDir, this.osUser, [
        '-D',
        this.dataDir,
        '-m',
        options.mode ?? 'fast',
        '-w',
        '-t',
        '60',
        'stop',
      ]);
      this.isRunning = false;
      // pg_ctl returns once postmaster.pid is deleted, which the postmaster does just *before* it
      // exits; wait for the process itself so that "stopped" really means gone (crash tests).
      if (postmasterPid !== undefined && !(await waitForProcessExit(postmasterPid, 10_000))) {
        infraLog(`postgres: postmaster ${postmasterPid} still alive 10s after pg_ctl stop`);
      }
    }
    if (!options.keepData) this.removeEverything();
  }

  async start(): Promise<void> {
    if (this.isDestroyed) throw new Error('this throwaway postgres was destroyed; start a new one');
    if (this.isRunning) return;
    await startServer(this.binDir, this.osUser, this.baseDir, this.port, this.settings);
    this.isRunning = true;
  }

  async destroy(): Promise<void> {
    if (this.isDestroyed) return;
    try {
      await this.stop({ mode: 'fast', keepData: true });
    } catch {
      // The server may already be gone (killed by a crash test); fall back to the blunt path.
      emergencyStop(this.binDir, this.osUser, this.baseDir);
    }
    this.removeEverything();
  }

  private removeEverything(): void {
    removeDir(this.baseDir);
    this.isDestroyed = true;
    this.cleanupOnExit();
  }
}

/* ---------------------------------------------------------------------------------------------- */

/**
 * initdb and postgres refuse to run as root ("cannot be run as root"), and CI and this machine run
 * as root. In that case the binaries run as the `postgres` OS user (runuser: no password, no PAM
 * session, no shell quoting, unlike `su -c`) and the cluster dir is chowned to it.
 */
interface ServerOsUser {
  /** Prefix that runs a command as the server's OS user; empty when we are not root. */
  wrapper: string[];
  uid: number;
  gid: number;
}

async function resolveServerOsUser(): Promise<ServerOsUser> {
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  if (uid !== 0) return { wrapper: [], uid, gid };
  const [pgUid, pgGid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return {
    wrapper: ['runuser', '-u', 'postgres', '--'],
    uid: Number(pgUid.stdout.trim()),
    gid: Number(pgGid.stdout.trim()),
  };
}

function asServerUser(osUser: ServerOsUser, command: string, args: readonly string[]): [string, string[]] {
  const [wrapperCommand, ...wrapperArgs] = osUser.wrapper;
  if (wrapperCommand === undefined) return [command, [...args]];
  return [wrapperCommand, [...wrapperArgs, command, ...args]];
}

/** Temp dir holding PGDATA, the server log and the unix socket (short path: sockets max ~107 bytes). */
function makeClusterDir(osUser: ServerOsUser): string {
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartme-pg-'));
  fs.chownSync(baseDir, osUser.uid, osUser.gid);
  return baseDir;
}

function dataDirOf(baseDir: string): string {
  return path.join(baseDir, 'data');
}

function logFileOf(baseDir: string): string {
  return path.join(baseDir, 'postgres.log');
}

async function initCluster(binDir: string, osUser: ServerOsUser, baseDir: string): Promise<void> {
  // Fixed encoding/locale: results (ORDER BY on text, upper()) must not depend on the host's LANG.
  const args = [
    '-D',
    dataDirOf(baseDir),
    '-U',
    SUPERUSER,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ];
  const [command, fullArgs] = asServerUser(osUser, path.join(binDir, 'initdb'), args);
  // cwd: the postgres user may not be allowed into the caller's cwd (e.g. under /root).
  await run(command, fullArgs, { cwd: baseDir, timeoutMs: 120_000 });
}

async function startOnSomePort(
  binDir: string,
  osUser: ServerOsUser,
  baseDir: string,
  options: StartPostgresOptions,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      await startServer(binDir, osUser, baseDir, port, options.settings ?? {});
      return port;
    } catch (error) {
      const portTaken = /could not bind|Address already in use/i.test(tailOfFile(logFileOf(baseDir), 20));
      if (!portTaken || options.port !== undefined || attempt >= PORT_ATTEMPTS) throw error;
      infraLog(`postgres: port ${port} was taken meanwhile, retrying on another one`);
    }
  }
}

async function startServer(
  binDir: string,
  osUser: ServerOsUser,
  baseDir: string,
  port: number,
  settings: Record<string, string | number | boolean>,
): Promise<void> {
  // pg_ctl hands -o to /bin/sh, hence the double quotes around the path.
  // fsync=off: tests and crash tests (pg_ctl -m immediate) lose nothing since the OS keeps the pages;
  // only a machine crash would, and then the cluster is thrown away anyway.
  const serverOptions = [
    `-p ${port}`,
    `-k "${baseDir}"`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${String(value)}`),
  ].join(' ');
  const args = ['-D', dataDirOf(baseDir), '-o', serverOptions, '-l', logFileOf(baseDir), '-w', '-t', '60', 'start'];
  try {
    await pgCtl(binDir, osUser, args, baseDir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\n--- ${logFileOf(baseDir)} ---\n${tailOfFile(logFileOf(baseDir))}`);
  }
}

async function pgCtl(binDir: string, osUser: ServerOsUser, args: string[], cwd = os.tmpdir()): Promise<void> {
  const [command, fullArgs] = asServerUser(osUser, path.join(binDir, 'pg_ctl'), args);
  await run(command, fullArgs, { cwd, timeoutMs: 90_000 });
}

async function createDatabase(binDir: string, port: number, database: string): Promise<void> {
  if (database === 'postgres') return;
  // Over TCP with trust auth: works as any OS user, and proves the TCP listener is up.
  await run(path.join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, database]);
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Synchronous (usable from process 'exit'): kill the server if any and remove its files. */
function emergencyStop(binDir: string, osUser: ServerOsUser, baseDir: string): void {
  if (fs.existsSync(path.join(dataDirOf(baseDir), 'postmaster.pid'))) {
    const [command, args] = asServerUser(osUser, path.join(binDir, 'pg_ctl'), [
      '-D',
      dataDirOf(baseDir),
      '-m',
      'immediate',
      '-w',
      'stop',
    ]);
    try {
      execFileSync(command, args, { cwd: os.tmpdir(), stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Already dead, or stuck: nothing better to do here; the dir is removed regardless.
    }
  }
  removeDir(baseDir);
}
