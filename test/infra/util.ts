/**
 * Small shared pieces for the real-server helpers in this folder (postgres.ts, kafka.ts).
 * Node built-ins only: these helpers must work before (and without) any npm install of extras.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

/** Progress goes to stderr so that stdout stays machine-readable (run.ts prints KEY=value there). */
export function infraLog(message: string): void {
  process.stderr.write(`[infra] ${message}\n`);
}

export function secondsSince(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)}s`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Asks the kernel for `count` distinct free TCP ports on 127.0.0.1.
 * All listeners stay open until every port is known, otherwise the kernel may hand out the same
 * port twice. There is still a small window before the real server binds: callers retry on
 * "address in use" when they chose the ports themselves.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listenOnEphemeralPort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('freePorts(1) returned no port');
  return port;
}

function listenOnEphemeralPort(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      resolve(address.port);
    });
  });
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion (no shell, so no quoting surprises) and rejects with an error that
 * carries the command line and the tail of its output: a bare "exit code 1" is useless in CI logs.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 120_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const how = error.killed ? 'was killed (timeout?)' : `failed (exit code ${String(error.code)})`;
          const output = tailOfText(`${stdout}\n${stderr}`, 40);
          reject(new Error(`${[command, ...args].join(' ')} ${how}\n${output}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

export function tailOfText(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function tailOfFile(file: string, lines = 40): string {
  try {
    return tailOfText(fs.readFileSync(file, 'utf8'), lines);
  } catch {
    return `(no output: ${file} is unreadable)`;
  }
}

/**
 * True while `pid` runs. A zombie counts as gone: it holds no ports or files any more, and a daemon
 * like the postmaster is reparented to PID 1, which on some hosts (this VM's init among them) reaps
 * only every second or two; kill(pid, 0) alone would report it alive until then.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // Format: "pid (comm) state ...", and comm may itself contain ") ", hence lastIndexOf.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no /proc (not Linux) or the process just vanished; kill() above is the fallback
  }
}

/** Resolves true once `pid` is gone, false if it is still there after `timeoutMs`. */
export async function waitForProcessExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/*
 * Last-resort cleanup when the test process exits without calling stop() (a failed beforeAll, a
 * forgotten afterAll, process.exit in a CLI): the servers are separate processes and would
 * otherwise outlive us, holding ports and temp dirs. 'exit' listeners must be synchronous.
 * One shared listener instead of one per server avoids MaxListenersExceeded warnings.
 */
const exitCleanups = new Set<() => void>();
let exitListenerInstalled = false;

export function registerExitCleanup(cleanup: () => void): () => void {
  if (!exitListenerInstalled) {
    exitListenerInstalled = true;
    process.on('exit', () => {
      for (const fn of exitCleanups) {
        try {
          fn();
        } catch {
          // Best effort: nothing sensible to do with an error while the process is exiting.
        }
      }
    });
  }
  exitCleanups.add(cleanup);
  return () => {
    exitCleanups.delete(cleanup);
  };
}
