import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '../infra/util';
import { ROOT } from './cli';

/** A `billing serve` in a child process, as production runs it. */
export class ServiceProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly base: string,
    private output: string[],
  ) {}

  static async start(env: NodeJS.ProcessEnv): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'bin/billing.js'), 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        BILLING_DATA_DIR: '',
        PORT: String(port),
        HOST: '127.0.0.1',
        SCHEDULER_INTERVAL: '0',
        OUTBOX_POLL_INTERVAL: '200',
        LOG_LEVEL: 'warn',
        ...env,
      },
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`, output);
    await service.waitUntilReady();
    return service;
  }

  get log(): string {
    return this.output.join('');
  }

  async waitUntilReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`serve exited with ${this.child.exitCode}: ${this.log}`);
      const ready = await fetch(`${this.base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`serve not ready after ${timeoutMs} ms: ${this.log}`);
  }

  async post<T>(path: string): Promise<T> {
    const response = await fetch(`${this.base}${path}`, { method: 'POST' });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** SIGTERM and wait: a graceful stop. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await once(this.child, 'exit');
  }

  /** SIGKILL: a crash at whatever point the service is. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}
