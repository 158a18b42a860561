import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Owns a data directory for one process: a lock file holding the owner's pid. A lock
 * left by a process that died (kill -9 included) is taken over at once, since PGlite's
 * files are only safe with one process, and a crashed owner must not block recovery.
 */
export async function lockDataDir(dir: string, options: { waitMs?: number } = {}): Promise<() => Promise<void>> {
  const path = `${dir}/.lock`;
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return async () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readOwner(path));
    if (!Number.isInteger(owner) || owner <= 0 || !isAlive(owner)) {
      try {
        unlinkSync(path);
      } catch {
        // another process took it over first: try again
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`data directory ${dir} is in use by process ${owner}`);
    await sleep(100);
  }
}

function readOwner(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
