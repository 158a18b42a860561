/**
 * What `bin/billing.js` runs (tools/cli-entry.js), in a copy of the project whose node_modules
 * lacks the on-the-fly compiler (@swc-node/register) unless a step puts it back: so a command
 * that works there ran a build, and one that fails would have needed the compiler.
 *
 * The point: the installed CLI starts from JavaScript built at install time, and a build never
 * runs once a source changed (development then compiles the sources on the fly).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../support/cli';

const COPIED = ['bin', 'tools', 'apps', 'libs', 'config', 'package.json', 'tsconfig.json', '.swcrc'];
const COMPILER = '@swc-node';
const EDIT_MARKER = 'edited source ran';

let copy: string;

function run(command: string, args: readonly string[]) {
  const result = spawnSync(process.execPath, [command, ...args], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, BILLING_DATA_DIR: '', BILLING_TARIFF: '', DATABASE_URL: '', BILLING_FROM_SOURCES: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const billing = (...args: string[]) => run(join(copy, 'bin/billing.js'), args);
const build = () => run(join(copy, 'tools/build.js'), []);

function linkCompiler(present: boolean): void {
  const link = join(copy, 'node_modules', COMPILER);
  rmSync(link, { force: true, recursive: true });
  if (present) symlinkSync(join(ROOT, 'node_modules', COMPILER), link);
}

beforeAll(() => {
  copy = tempDir('billing-entry-');
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  // The copy's dependencies are the project's own, but for the compiler (linked per step).
  mkdirSync(join(copy, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== COMPILER) symlinkSync(join(ROOT, 'node_modules', entry), join(copy, 'node_modules', entry));
  }
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('bin/billing.js', () => {
  it('without a build of the sources and without the compiler, says to build (exit 2)', () => {
    const result = billing('--help');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no build of these sources .*npm run build/);
  });

  it('runs the build tools/build.js made of the sources, with no compiler installed', () => {
    expect(build().code).toBe(0);
    const result = billing('--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: billing/);
  });

  it('never runs that build once a source changed: without the compiler it refuses', () => {
    appendFileSync(join(copy, 'apps/billing/src/cli/main.ts'), `\nprocess.stderr.write('${EDIT_MARKER}\\n');\n`);
    const result = billing('--help');
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(EDIT_MARKER);
  });

  it('with the compiler, runs the changed sources themselves', () => {
    linkCompiler(true);
    const result = billing('--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(EDIT_MARKER);
    linkCompiler(false);
  });

  it('runs a new build of the changed sources, again without the compiler', () => {
    expect(build().code).toBe(0);
    const result = billing('--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(EDIT_MARKER);
  });

  it('without any sources (the Docker image), runs the build dist/current names, sample tariff included', () => {
    rmSync(join(copy, 'apps'), { recursive: true });
    rmSync(join(copy, 'libs'), { recursive: true });
    const data = tempDir('billing-entry-data-');
    const result = billing('charges', '--data', data);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(EDIT_MARKER);
    expect(result.stdout).toBe('');
  });
});
