/**
 * Whether a Docker engine answers, asked the way testcontainers asks: its own runtime
 * strategies in order (~/.testcontainers.properties, DOCKER_HOST, /var/run/docker.sock, the
 * rootless sockets), each tried with a request to the engine. A `docker` client on the PATH is
 * not an engine; only an answer counts.
 *
 * Asked in a child process: testcontainers keeps the first answer for the life of a process,
 * and the question must be answerable for other environments (the tests of this detection).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const PROBE = `require('testcontainers').getContainerRuntimeClient().then(
  (client) => { process.stdout.write(String(client.info.containerRuntime.serverVersion)); process.exit(0); },
  () => process.exit(1));`;
const PROBE_TIMEOUT_MS = 30_000;

export interface DockerEngine {
  readonly answers: boolean;
  /** The engine's version when it answered. */
  readonly version: string | null;
}

export function probeDockerEngine(env: NodeJS.ProcessEnv = process.env): Promise<DockerEngine> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', PROBE], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.on('error', () => resolve({ answers: false, version: null }));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? { answers: true, version: stdout.trim() } : { answers: false, version: null });
    });
  });
}
