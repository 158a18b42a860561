import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** Lints source as if it were a file of the domain, through the project's own ESLint config. */
function lintAsDomainFile(source: string): string[] {
  let output: string;
  try {
    output = execFileSync(
      process.execPath,
      [
        join(root, 'node_modules/eslint/bin/eslint.js'),
        '--format',
        'json',
        '--stdin',
        '--stdin-filename',
        'libs/domain/src/probe.ts',
      ],
      { cwd: root, input: source, encoding: 'utf8' },
    );
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(output) as { messages: { message: string }[] }[];
  return result!.messages.map((message) => message.message);
}

/**
 * The domain's purity is enforced by lint (eslint.config.mjs); this proves the rule
 * bites, so a config change cannot silently turn it off.
 */
describe('the pure domain lint rule', () => {
  it('rejects I/O, frameworks, clocks, randomness and the environment in the domain', () => {
    const problems = lintAsDomainFile(
      [
        "import { readFileSync } from 'node:fs';",
        "import { Injectable } from '@nestjs/common';",
        'export const used = [readFileSync, Injectable];',
        'export const a = Date.now();',
        'export const b = new Date();',
        'export const c = Math.random();',
        'export const d = process.env.X;',
        '',
      ].join('\n'),
    ).join('\n');
    for (const message of [
      'no I/O',
      'no frameworks',
      'reads no clock: take',
      'new Date() without an argument',
      'no randomness',
      'no environment',
    ]) {
      expect(problems).toContain(message);
    }
  });

  it('accepts pure code', () => {
    expect(lintAsDomainFile('export const day = new Date(0).getUTCDate();\n')).toEqual([]);
  });
});
