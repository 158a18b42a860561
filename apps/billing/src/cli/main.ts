import 'reflect-metadata';
import { ConfigurationError } from '@smartme/adapters/config/configuration-error';
import {
  DEFAULT_EVENTS_PER_PARTITION,
  DEFAULT_EXPLAIN_LIMIT,
  DeadLettersNotKeptError,
  IngestSummary,
  RawInput,
  deadLetterView,
  readLineChunks,
  toChargeCloudEvent,
} from '@smartme/application';
import { CHARGE_KINDS, ChargeKind, formatJst, parseInstant } from '@smartme/domain';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createReadStream } from 'node:fs';
import type { BillingRuntime } from '../composition/billing-runtime';
import { runtimeOptions } from '../composition/runtime-options';
import { serviceConfigFromEnv } from '../config/service-config';
import { Format, defaultFormat, print, printExplanation } from './output';
import { Progress } from './progress';
import { addTopicsCommand } from './topics-command';

interface StoreFlags {
  data?: string;
  tariff?: string;
  format?: Format;
}

/** Runs a command on the configured store, always releasing it (the embedded store is locked while open). */
async function withRuntime<T>(flags: StoreFlags, work: (runtime: BillingRuntime) => Promise<T>): Promise<T> {
  // Loaded when a command runs: `--help` and usage errors answer without the adapters.
  const { openBillingRuntime } = await import('../composition/billing-runtime');
  const runtime = await openBillingRuntime(runtimeOptions(flags));
  try {
    return await work(runtime);
  } finally {
    await runtime.shutdown();
  }
}

function storeCommand(program: Command, name: string, description: string, formats?: readonly Format[]): Command {
  const command = program
    .command(name)
    .description(description)
    .option('--data <dir>', 'embedded store directory (env BILLING_DATA_DIR, default ./data)')
    .option('--tariff <file>', 'tariff file, JSON or YAML (env BILLING_TARIFF, default the sample tariff)');
  if (formats) command.addOption(new Option('--format <format>', 'output format').choices(formats));
  return command;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError('a positive integer is expected.');
  return value;
}

function parseAsOf(text: string): number {
  try {
    return parseInstant(text).epochMs;
  } catch (error) {
    throw new ConfigurationError(`--as-of ${text}: ${(error as Error).message}`);
  }
}

async function* fileInputs(file: string): AsyncGenerator<RawInput[]> {
  const stream = file === '-' ? process.stdin : createReadStream(file);
  const name = file === '-' ? 'stdin' : file;
  for await (const lines of readLineChunks(stream))
    yield lines.map((line) => ({ raw: line.raw, source: `${name}:${line.lineNumber}` }));
}

export function buildProgram(): Command {
  const program = new Command('billing')
    .description('Smart Me ID-service billing: ingest, close, inspect and replay')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  storeCommand(program, 'ingest', 'read NDJSON CloudEvents, validate and append them')
    .argument('<file>', 'NDJSON file, or - for stdin')
    .action(async (file: string, flags: StoreFlags) =>
      withRuntime(flags, async (runtime) => {
        const progress = new Progress('ingest', 0);
        const projected = new Progress('projections', 0);
        let ingesting = true;
        const projecting = runtime.projector.follow(
          () => ingesting,
          (p) => projected.update(Number(p.position), Number(p.head), 'events'),
        );
        // Awaited below, whichever way the ingest ends; until then its failure must not count as unhandled.
        projecting.catch(() => undefined);
        let summary: IngestSummary;
        try {
          summary = await runtime.ingestion.ingestAll(fileInputs(file), {
            onBatch: (s) => progress.update(s.accepted + s.duplicates + s.rejected, 0, 'lines'),
          });
        } catch (error) {
          // The projector reads the store: it must be done before withRuntime closes it.
          ingesting = false;
          await projecting.catch(() => undefined);
          progress.stop();
          projected.stop();
          if (error instanceof DeadLettersNotKeptError) printSummary(error.summary);
          throw error;
        }
        ingesting = false;
        progress.stop();
        await projecting;
        projected.stop();
        printSummary(summary);
      }),
    );

  storeCommand(program, 'close', 'close every period due as of an instant, issuing charges', ['ndjson', 'table', 'csv'])
    .requiredOption('--as-of <time>', 'RFC 3339 instant the close runs as of')
    .action(async (flags: StoreFlags & { asOf: string }) => {
      const asOfMs = parseAsOf(flags.asOf);
      await withRuntime(flags, async (runtime) => {
        const { issued, problems } = await runtime.close.asOf(asOfMs);
        printCharges(issued.map(toChargeCloudEvent), flags.format);
        process.stderr.write(`close as of ${formatJst(asOfMs)}: ${issued.length} charge event(s) issued\n`);
        for (const problem of problems)
          process.stderr.write(`billing: close: organisation ${problem.orgId} not billed: ${problem.reason}\n`);
        if (problems.length > 0) throw new RuntimeFailure(`close: ${problems.length} organisation(s) not billed`);
      });
    });

  storeCommand(program, 'charges', 'list issued charge events', ['ndjson', 'table', 'csv'])
    .option('--org <orgId>')
    .option('--period <period>')
    .addOption(new Option('--kind <kind>').choices(CHARGE_KINDS))
    .action(async (flags: StoreFlags & { org?: string; period?: string; kind?: ChargeKind }) =>
      withRuntime(flags, async (runtime) => {
        await runtime.projector.catchUp();
        const charges = await runtime.projections.charges({ orgId: flags.org, period: flags.period, kind: flags.kind });
        printCharges(
          charges.map((c) => toChargeCloudEvent(c.event)),
          flags.format,
        );
      }),
    );

  storeCommand(program, 'usage', 'the counters behind a period', ['ndjson', 'table'])
    .requiredOption('--org <orgId>')
    .requiredOption('--period <period>', 'YYYY-MM or YYYY')
    .action(async (flags: StoreFlags & { org: string; period: string }) =>
      withRuntime(flags, async (runtime) => {
        await runtime.projector.catchUp();
        print([await runtime.reports.usage(flags.org, flags.period)], flags.format ?? defaultFormat());
      }),
    );

  storeCommand(program, 'contracts', 'list applications with their status', ['ndjson', 'table'])
    .option('--org <orgId>')
    .action(async (flags: StoreFlags & { org?: string }) =>
      withRuntime(flags, async (runtime) => {
        await runtime.projector.catchUp();
        print(await runtime.reports.contracts(flags.org), flags.format ?? defaultFormat(), [
          'orgId',
          'type',
          'appliedOn',
          'status',
          'reason',
          'termsVersion',
        ]);
      }),
    );

  storeCommand(program, 'dead-letters', 'list rejected input with reasons', ['ndjson', 'table']).action(
    async (flags: StoreFlags) =>
      withRuntime(flags, async (runtime) => {
        const letters = (await runtime.deadLetters.list()).map(deadLetterView);
        print(letters, flags.format ?? defaultFormat(), ['id', 'receivedAt', 'source', 'reason', 'raw']);
      }),
  );

  storeCommand(program, 'redrive', 're-submit dead letters after a fix')
    .option('--id <id...>', 'dead letter ids')
    .option('--all', 'every dead letter')
    .action(async (flags: StoreFlags & { id?: string[]; all?: boolean }) => {
      if (!flags.all && !flags.id) throw new ConfigurationError('redrive: give --id ID or --all');
      await withRuntime(flags, async (runtime) => {
        const report = await runtime.redrive.run(flags.all ? undefined : flags.id);
        await runtime.projector.catchUp();
        process.stdout.write(`${JSON.stringify(report)}\n`);
      });
    });

  storeCommand(program, 'replay', 'rebuild every projection from the event store and compare')
    .option(
      '--partition-events <n>',
      `about how many events to hold in memory at a time (verifications not counted), one share of the organisations after another: bounds memory (default ${DEFAULT_EVENTS_PER_PARTITION})`,
      positiveInteger,
    )
    .action(async (flags: StoreFlags & { partitionEvents?: number }) =>
      withRuntime(flags, async (runtime) => {
        const progress = new Progress('replay', 0);
        const report = await runtime.replay.run({
          eventsPerPartition: flags.partitionEvents,
          onProgress: (p) =>
            progress.update(
              p.events,
              Number(p.head),
              `events (partition ${p.partition.index + 1}/${p.partition.count})`,
            ),
        });
        progress.stop();
        process.stdout.write(
          `${JSON.stringify({ events: report.events, position: Number(report.position), partitions: report.partitions, equal: report.equal, differences: report.differences })}\n`,
        );
      }),
    );

  storeCommand(program, 'recompute', 'recompute a period from the events and compare with what was issued', [
    'ndjson',
    'table',
    'csv',
  ])
    .requiredOption('--period <period>', 'YYYY-MM or YYYY')
    .option('--org <orgId>')
    .option('--dry-run', 'only show the differences')
    .action(async (flags: StoreFlags & { period: string; org?: string; dryRun?: boolean }) =>
      withRuntime(flags, async (runtime) => {
        const report = await runtime.recompute.run(flags.period, { dryRun: flags.dryRun === true, orgId: flags.org });
        print(report.differences, flags.format ?? defaultFormat());
        if (report.issued.length > 0)
          process.stderr.write(
            `issued ${report.issued.length} adjustment(s): ${report.issued.map((e) => e.id).join(', ')}\n`,
          );
        for (const problem of report.problems)
          process.stderr.write(`billing: recompute: organisation ${problem.orgId}: ${problem.reason}\n`);
        if (report.problems.length > 0) throw new RuntimeFailure(`recompute: ${report.problems.length} problem(s)`);
      }),
    );

  storeCommand(
    program,
    'explain',
    'the lineage of a charge: what it counted, the events that made it, the tariff version and the tier lines',
    ['ndjson', 'table'],
  )
    .requiredOption('--charge <chargeId>', 'the charge id (data.chargeId of a charge event)')
    .option('--limit <n>', `longest list printed (default ${DEFAULT_EXPLAIN_LIMIT})`, positiveInteger)
    .action(async (flags: StoreFlags & { charge: string; limit?: number }) =>
      withRuntime(flags, async (runtime) => {
        await runtime.projector.catchUp();
        const explanation = await runtime.explain.charge(flags.charge, { limit: flags.limit });
        if (!explanation) throw new RuntimeFailure(`explain: no charge has the id ${flags.charge}`);
        printExplanation(explanation, flags.format ?? defaultFormat());
      }),
    );

  addTopicsCommand(program);

  program
    .command('serve')
    .description('run the service: HTTP API, projections, scheduler, and Kafka when KAFKA_BROKERS is set')
    .option('--data <dir>', 'embedded store directory (env BILLING_DATA_DIR, default ./data)')
    .option('--tariff <file>', 'tariff file, JSON or YAML (env BILLING_TARIFF)')
    .action(async (flags: StoreFlags) => {
      const config = serviceConfigFromEnv({
        ...process.env,
        ...(flags.data ? { BILLING_DATA_DIR: flags.data } : {}),
        ...(flags.tariff ? { BILLING_TARIFF: flags.tariff } : {}),
      });
      // Loaded only here: NestJS, Swagger and the rest of the service would slow every other command.
      const { serve } = await import('../main');
      const app = await serve(config);
      await new Promise<void>((resolve) => app.getHttpServer().once('close', () => resolve()));
    });

  return program;
}

/** The summary of interfaces.md §3, exactly its three fields. */
function printSummary({ accepted, duplicates, rejected }: IngestSummary): void {
  process.stdout.write(`${JSON.stringify({ accepted, duplicates, rejected })}\n`);
}

function printCharges(events: readonly object[], format: Format | undefined): void {
  const chosen = format ?? defaultFormat();
  if (chosen === 'ndjson') return print(events, 'ndjson');
  const rows = events.map((e) => {
    const { type, data } = e as ReturnType<typeof toChargeCloudEvent>;
    return {
      type,
      orgId: data.orgId,
      kind: data.kind,
      period: data.period,
      revision: data.revision,
      quantity: data.quantity,
      amount: data.amount,
      chargeId: data.chargeId,
      adjusts: data.adjusts,
    };
  });
  print(rows, chosen);
}

/** A failure already reported in detail: exit 1 with a one-line summary. */
class RuntimeFailure extends Error {}

/** Exit codes (interfaces.md §3): 0 success, 1 runtime failure, 2 usage or configuration error. */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigurationError) {
      process.stderr.write(`billing: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`billing: ${(error as Error).message}\n`);
    if (process.env.BILLING_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

// A reader that stops early (`billing charges | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
