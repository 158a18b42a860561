/**
 * CLI for shell scripts (CI, benchmarks): starts real servers, prints their env lines on stdout,
 * then stays alive until SIGTERM/SIGINT/SIGHUP and stops them on the way out.
 *
 *   node -r @swc-node/register test/infra/run.ts kafka             # KAFKA_BROKERS=127.0.0.1:<port>
 *   node -r @swc-node/register test/infra/run.ts postgres          # DATABASE_URL=postgres://...
 *   node -r @swc-node/register test/infra/run.ts kafka postgres    # both, one line each
 *
 * stdout carries only KEY=value lines (progress goes to stderr) and stays open while the servers
 * run, so do not use $(...) (it would wait for EOF forever). From bash:
 *
 *   exec 3< <(node -r @swc-node/register test/infra/run.ts kafka postgres)
 *   infra_pid=$!
 *   read -r line <&3 && export "$line"   # KAFKA_BROKERS=...  (read fails if startup failed)
 *   read -r line <&3 && export "$line"   # DATABASE_URL=...
 *   trap 'kill "$infra_pid"' EXIT
 *
 * Exit status: 0 after a signal-initiated shutdown, 1 if startup fails or a server dies on its own.
 */
import { startKafka } from './kafka';
import { startThrowawayPostgres } from './postgres';
import { infraLog } from './util';

interface RunningService {
  envLine: string;
  stop(): Promise<void>;
  /** Settles if the server dies by itself (only Kafka is our child process; Postgres is daemonized). */
  died?: Promise<string>;
}

const SERVICES: Record<string, () => Promise<RunningService>> = {
  kafka: async () => {
    const kafka = await startKafka();
    return {
      envLine: `KAFKA_BROKERS=${kafka.brokers.join(',')}`,
      stop: () => kafka.stop(),
      died: kafka.exited.then(
        (e) => `kafka (pid ${kafka.pid}) exited: code ${String(e.code)}, signal ${String(e.signal)}`,
      ),
    };
  },
  postgres: async () => {
    const pg = await startThrowawayPostgres();
    return { envLine: `DATABASE_URL=${pg.url}`, stop: () => pg.destroy() };
  },
};

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !(n in SERVICES));
  if (names.length === 0 || unknown.length > 0) {
    process.stderr.write(`usage: run.ts <${Object.keys(SERVICES).join('|')}>...\n`);
    process.exit(2);
  }

  const running: RunningService[] = [];
  let shuttingDown = false;
  const shutdown = async (exitCode: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    // Reverse order, like a stack of resources.
    for (const service of [...running].reverse()) {
      await service.stop().catch((error: unknown) => infraLog(`stop failed: ${describe(error)}`));
    }
    infraLog('stopped');
    process.exit(exitCode);
  };
  // Installed before starting anything, so an early Ctrl-C still cleans up what is already up.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(0));
  }

  try {
    // Sequential: one line per service in the order asked for, which scripts may rely on.
    for (const name of names) {
      const start = SERVICES[name];
      if (start === undefined) continue;
      const service = await start();
      running.push(service);
      process.stdout.write(`${service.envLine}\n`);
      void service.died?.then((why) => {
        if (shuttingDown) return;
        infraLog(`${why}; shutting down the rest`);
        void shutdown(1);
      });
    }
  } catch (error) {
    infraLog(`startup failed: ${describe(error)}`);
    await shutdown(1);
    return;
  }

  // Signal handlers alone do not keep Node's event loop alive, and a daemonized Postgres is not a child.
  setInterval(() => undefined, 1 << 30);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void main(process.argv.slice(2));
