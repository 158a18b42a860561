/**
 * A real Apache Kafka 3.9.1 broker (single KRaft node) for integration tests, benchmarks and CI,
 * without Docker: Maven fetches the broker's jars from Central once (see kafka/pom.xml), then each
 * startKafka() runs `java kafka.Kafka` from them with its own temp dir and ports.
 *
 *   const kafka = await startKafka();   // kafka.brokers: ['127.0.0.1:<port>']
 *   ...
 *   await kafka.stop();
 *
 * Background: /work/shared/notes/kafka-without-docker.md.
 */
import { type ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ServerOrigin, containersAvailable, serverOrigin } from './server-origin';
import { ensureMavenLibs } from './maven-libs';
import { freePorts, infraLog, registerExitCleanup, removeDir, run, secondsSince, sleep, tailOfFile } from './util';

export const KAFKA_VERSION = '3.9.1';

/** Logged by kafka.server.KafkaRaftServer once it serves requests; the port opens earlier than that. */
const READY_LINE = 'Kafka Server started';
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;
const PORT_ATTEMPTS = 3;
const POM_FILE = path.join(__dirname, 'kafka', 'pom.xml');

export interface StartKafkaOptions {
  /** Fixed client (PLAINTEXT) port; by default a free one is picked. */
  port?: number;
  /** Fixed KRaft controller port; by default a free one is picked. */
  controllerPort?: number;
  readyTimeoutMs?: number;
  /** JVM max heap; default 768m. */
  heap?: string;
  /** Extra/overriding server.properties entries, e.g. { 'num.partitions': 1 }. */
  serverProperties?: Record<string, string | number | boolean>;
}

export interface KafkaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KafkaBroker {
  /** Bootstrap servers, `127.0.0.1:<port>` (not localhost: Node may resolve that to ::1). */
  readonly brokers: string[];
  readonly pid: number;
  /** Temp dir with server.properties, log4j.properties, data (log.dirs) and kafka.log. */
  readonly dir: string;
  /** Broker stdout/stderr and log4j output. */
  readonly logFile: string;
  /** Resolves when the JVM exits, whoever caused it; lets callers notice an unexpected death. */
  readonly exited: Promise<KafkaExit>;
  /** SIGTERM (controlled shutdown), SIGKILL after 20 s, then removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const started = Date.now();
  const libsDir = await ensureKafkaLibs();
  // Retrying only helps when we picked the ports; a caller's fixed port stays busy on a retry.
  const choosePorts = options.port === undefined && options.controllerPort === undefined;
  for (let attempt = 1; ; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartme-kafka-'));
    try {
      const broker = await startBrokerIn(dir, libsDir, options);
      infraLog(`kafka ready on ${broker.brokers.join(',')} in ${secondsSince(started)} (pid ${broker.pid})`);
      return broker;
    } catch (error) {
      removeDir(dir);
      const portTaken = error instanceof Error && /BindException|Address already in use/.test(error.message);
      if (!portTaken || !choosePorts || attempt >= PORT_ATTEMPTS) throw error;
      infraLog('kafka: a port was taken meanwhile, retrying on other ones');
    }
  }
}

/**
 * Bootstrap servers for tests (./server-origin.ts): $KAFKA_BROKERS (comma-separated) when set, and
 * release() leaves that cluster alone; otherwise a throwaway container where Docker answers, else
 * a throwaway broker from the jars; release() removes either.
 */
export async function kafkaBrokersForTests(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ brokers: string[]; origin: ServerOrigin; release(): Promise<void> }> {
  const fromEnv = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const origin = serverOrigin(fromEnv.join(','), await containersAvailable(env));
  if (origin === 'environment') return { brokers: fromEnv, origin, release: () => Promise.resolve() };
  if (origin === 'container') {
    const container = await (await import('./containers')).kafkaContainer();
    infraLog(`kafka: a throwaway container (testcontainers) at ${container.address}`);
    return { brokers: [container.address], origin, release: () => container.stop() };
  }
  const kafka = await startKafka();
  return { brokers: kafka.brokers, origin, release: () => kafka.stop() };
}

/**
 * Runs one of Kafka's Java CLI tools from the same jars, e.g.
 *   runKafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', b, '--list'])
 * (3.9 moved the admin tools to org.apache.kafka.tools; kafka.admin.TopicCommand no longer exists).
 */
export async function runKafkaTool(
  mainClass: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string }> {
  const libsDir = await ensureKafkaLibs();
  const log4j = writeToolsLog4jConfig(libsDir);
  return run(javaBinary(), [...toolJvmArgs(libsDir, log4j), mainClass, ...args], { timeoutMs });
}

/* ---------------------------------------------------------------------------------------------- */
/* Jars                                                                                            */

/**
 * Directory holding the broker's jars (a classpath `dir/*`). $KAFKA_LIBS_DIR wins when set (a CI
 * image can bake the jars in); otherwise ~/.cache/smartme-billing/kafka-3.9.1/libs, filled by Maven
 * on first use and refilled when kafka/pom.xml changes.
 */
export async function ensureKafkaLibs(): Promise<string> {
  const override = process.env.KAFKA_LIBS_DIR;
  if (override !== undefined && override !== '') return override;
  return ensureMavenLibs(POM_FILE, `kafka-${KAFKA_VERSION}`);
}

/* ---------------------------------------------------------------------------------------------- */
/* Broker                                                                                          */

async function startBrokerIn(dir: string, libsDir: string, options: StartKafkaOptions): Promise<KafkaBroker> {
  const [freeA, freeB] = await freePorts(2);
  const port = options.port ?? freeA ?? 0;
  const controllerPort = options.controllerPort ?? freeB ?? 0;
  const files = writeBrokerConfig(dir, port, controllerPort, options.serverProperties ?? {});

  // The format step runs its own short-lived JVM (~1 s); it writes meta.properties into log.dirs.
  await run(javaBinary(), [
    ...toolJvmArgs(libsDir, files.log4jProperties),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    newClusterId(),
    '-c',
    files.serverProperties,
  ]);

  const child = spawnBroker(dir, libsDir, files, options.heap ?? '768m');
  const exited = exitOf(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${javaBinary()}: ${tailOfFile(files.logFile)}`);
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const cleanupOnExit = registerExitCleanup(() => {
    // Synchronous last resort: the broker would otherwise outlive a crashed test run.
    // (`alive` guards against signalling a recycled pid.)
    if (alive) killQuietly(pid, 'SIGKILL');
    removeDir(dir);
  });

  try {
    await waitForReady(files.logFile, exited, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  } catch (error) {
    killQuietly(pid, 'SIGKILL');
    await exited;
    cleanupOnExit();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    brokers: [`127.0.0.1:${port}`],
    pid,
    dir,
    logFile: files.logFile,
    exited,
    stop: () => {
      stopping ??= stopBroker(pid, exited, dir).finally(cleanupOnExit);
      return stopping;
    },
  };
}

interface BrokerFiles {
  serverProperties: string;
  log4jProperties: string;
  logFile: string;
  logsDir: string;
}

function writeBrokerConfig(
  dir: string,
  port: number,
  controllerPort: number,
  overrides: Record<string, string | number | boolean>,
): BrokerFiles {
  const files: BrokerFiles = {
    serverProperties: path.join(dir, 'server.properties'),
    log4jProperties: path.join(dir, 'log4j.properties'),
    logFile: path.join(dir, 'kafka.log'),
    logsDir: path.join(dir, 'logs'),
  };
  fs.mkdirSync(files.logsDir);
  const properties: Record<string, string | number | boolean> = {
    // One node acting as broker and KRaft controller: no ZooKeeper, nothing else to start.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    // The defaults (3) cannot be met by a single node: consumer groups and transactions would hang.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // The default 3 s delay makes every test's first consumer-group join 3 s slower.
    'group.initial.rebalance.delay.ms': 0,
    'num.partitions': 4,
    'auto.create.topics.enable': true,
    'log.dirs': path.join(dir, 'data'),
    ...overrides,
  };
  fs.writeFileSync(files.serverProperties, toPropertiesFile(properties));
  fs.writeFileSync(files.log4jProperties, brokerLog4jConfig());
  return files;
}

function toPropertiesFile(properties: Record<string, string | number | boolean>): string {
  // Java .properties treats backslashes as escapes; paths here are POSIX, values need no escaping.
  return `${Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n')}\n`;
}

/** All log4j output to stdout, which spawnBroker points at kafka.log together with JVM errors. */
function brokerLog4jConfig(): string {
  return [
    'log4j.rootLogger=INFO, stdout',
    'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

/** The CLI tools print their results on stdout; keep log4j quiet and on stderr. */
function writeToolsLog4jConfig(libsDir: string): string {
  const file = path.join(path.dirname(libsDir), 'tools-log4j.properties');
  const content = [
    'log4j.rootLogger=WARN, stderr',
    'log4j.appender.stderr=org.apache.log4j.ConsoleAppender',
    'log4j.appender.stderr.Target=System.err',
    'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) fs.writeFileSync(file, content);
  return file;
}

function javaBinary(): string {
  const javaHome = process.env.JAVA_HOME;
  return javaHome !== undefined && javaHome !== '' ? path.join(javaHome, 'bin', 'java') : 'java';
}

function toolJvmArgs(libsDir: string, log4jProperties: string): string[] {
  // `dir/*` is expanded by the JVM itself (no shell involved here).
  return ['-cp', path.join(libsDir, '*'), `-Dlog4j.configuration=file:${log4jProperties}`, '-Djava.awt.headless=true'];
}

/** KRaft cluster id: 16 random bytes as base64url (22 chars), what `kafka-storage random-uuid` prints. */
function newClusterId(): string {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    // Kafka's own generator never returns an id starting with '-': the CLI would read it as an option.
    if (!id.startsWith('-')) return id;
  }
}

function spawnBroker(dir: string, libsDir: string, files: BrokerFiles, heap: string): ChildProcess {
  // Output goes to a file, not a pipe: nobody has to drain it, and the broker does not die of
  // EPIPE if this process goes away first. Not detached: Ctrl-C in a terminal reaches it too.
  const out = fs.openSync(files.logFile, 'a');
  try {
    return spawn(
      javaBinary(),
      [
        `-Xmx${heap}`,
        '-XX:+ExitOnOutOfMemoryError',
        ...toolJvmArgs(libsDir, files.log4jProperties),
        `-Dkafka.logs.dir=${files.logsDir}`,
        'kafka.Kafka',
        files.serverProperties,
      ],
      { cwd: dir, stdio: ['ignore', out, out] },
    );
  } finally {
    fs.closeSync(out); // the child holds its own copy of the descriptor
  }
}

function exitOf(child: ChildProcess): Promise<KafkaExit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // spawn failures (java missing) emit 'error' and possibly no 'exit'.
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

async function waitForReady(logFile: string, exited: Promise<KafkaExit>, timeoutMs: number): Promise<void> {
  let exit: KafkaExit | undefined;
  void exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (readFileOrEmpty(logFile).includes(READY_LINE)) return;
    if (exit !== undefined) {
      const how = exit.signal !== null ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
      throw new Error(
        `kafka broker died during startup (${how}).\nFirst errors:\n${firstErrorLines(logFile)}\n` +
          `Tail of ${logFile}:\n${tailOfFile(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `kafka broker not ready after ${timeoutMs / 1000}s (no "${READY_LINE}" in ${logFile}):\n${tailOfFile(logFile)}`,
      );
    }
    await sleep(100);
  }
}

/** The cause of a failed start (e.g. a BindException) is logged early and buried under shutdown noise. */
function firstErrorLines(logFile: string, max = 8): string {
  const lines = readFileOrEmpty(logFile)
    .split('\n')
    .filter((line) => /\] (ERROR|FATAL) |^\S*(Exception|Error)\b/.test(line));
  return [...new Set(lines)].slice(0, max).join('\n') || '(none logged)';
}

function readFileOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function stopBroker(pid: number, exited: Promise<KafkaExit>, dir: string): Promise<void> {
  killQuietly(pid, 'SIGTERM');
  if (!(await exitsWithin(exited, STOP_GRACE_MS))) {
    infraLog(`kafka: pid ${pid} ignored SIGTERM for ${STOP_GRACE_MS / 1000}s, sending SIGKILL`);
    killQuietly(pid, 'SIGKILL');
    await exited;
  }
  removeDir(dir);
}

function exitsWithin(exited: Promise<KafkaExit>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    // A plain sleep() in a race would keep the event loop (and so a CLI or Jest) alive for the full grace period.
    const timer = setTimeout(() => resolve(false), ms);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone, which is what we wanted.
  }
}
