import { ChargeExplanation } from '@smartme/application';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';

export type Format = 'ndjson' | 'table' | 'csv';

/** Machine-readable by default when piped, a table for a person at a terminal. */
export function defaultFormat(): Format {
  return process.stdout.isTTY ? 'table' : 'ndjson';
}

export function print(rows: readonly object[], format: Format, columns?: readonly string[]): void {
  if (format === 'ndjson') {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row, bigintAsNumber)}\n`);
    return;
  }
  const keys = columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => keys.map((key) => cell((row as Record<string, unknown>)[key])));
  if (format === 'csv') {
    process.stdout.write(stringify([keys, ...cells]));
    return;
  }
  const table = new Table({ head: [...keys], style: { head: [], border: [] } });
  table.push(...cells);
  process.stdout.write(`${table.toString()}\n`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value, bigintAsNumber);
  return String(value);
}

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/**
 * `explain`: one JSON object (ndjson, the HTTP answer's shape), or for a person the charge
 * and its figures, then each list as a table under a heading.
 */
export function printExplanation(explanation: ChargeExplanation, format: 'ndjson' | 'table' | 'csv'): void {
  if (format !== 'table') return print([explanation], 'ndjson');
  const { charge, unitCount, truncated } = explanation;
  const { data } = charge;
  print(
    [
      {
        charge: data.chargeId,
        type: charge.type,
        orgId: data.orgId,
        kind: data.kind,
        period: data.period,
        revision: data.revision,
        quantity: data.quantity,
        amount: data.amount,
        tariffVersion: explanation.tariffVersion,
        termsVersion: explanation.termsVersion,
        unitCount,
        truncated,
      },
    ],
    'table',
  );
  const section = (title: string, rows: readonly object[] | null) => {
    if (rows === null) return;
    process.stdout.write(`${title} (${rows.length})\n`);
    if (rows.length > 0) print(rows, 'table');
  };
  section('lines', explanation.lines);
  section('units', explanation.units);
  section('added', explanation.added);
  section('removed', explanation.removed);
  section('events', explanation.events);
}
