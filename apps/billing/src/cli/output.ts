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
