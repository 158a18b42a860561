/**
 * Jars from Maven Central for the tests' Java parts (the Kafka broker, the CloudEvents Java
 * SDK): `mvn dependency:copy-dependencies` of a `pom.xml` into a cache directory under
 * ~/.cache/smartme-billing (or $XDG_CACHE_HOME), refilled when the pom changes. Maven's own
 * ~/.m2 makes refills cheap.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { infraLog, removeDir, run, secondsSince } from './util';

/** Written last into the libs dir, so a dir without it (interrupted fetch) is never trusted. */
const CACHE_MARKER = '.pom.sha256';

/** The directory holding `pomFile`'s runtime jars (a classpath `dir/*`), fetched on first use. */
export async function ensureMavenLibs(pomFile: string, cacheName: string): Promise<string> {
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(pomFile)).digest('hex');
  const versionDir = path.join(cacheRoot(), 'smartme-billing', cacheName);
  const libsDir = path.join(versionDir, 'libs');
  if (readMarker(libsDir) === pomHash) return libsDir;

  const started = Date.now();
  infraLog(`fetching ${cacheName} jars with maven into ${libsDir}…`);
  fs.mkdirSync(versionDir, { recursive: true });
  // Fetch beside the final dir and rename: concurrent Jest workers or CI jobs may race here, and
  // nobody may ever see a half-copied libs dir.
  const partial = fs.mkdtempSync(path.join(versionDir, 'libs.partial-'));
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        pomFile,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${partial}`,
      ],
      { timeoutMs: 10 * 60_000 },
    );
    fs.writeFileSync(path.join(partial, CACHE_MARKER), pomHash);
    publishLibs(partial, libsDir, pomHash);
  } finally {
    removeDir(partial);
  }
  infraLog(`${cacheName} jars ready in ${secondsSince(started)}`);
  return libsDir;
}

export function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg !== undefined && xdg !== '' ? xdg : path.join(os.homedir(), '.cache');
}

function readMarker(libsDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(libsDir, CACHE_MARKER), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function publishLibs(partial: string, libsDir: string, pomHash: string): void {
  if (fs.existsSync(libsDir) && readMarker(libsDir) !== pomHash) {
    // Stale (older pom) or interrupted: move it aside first, rename() cannot replace a non-empty dir.
    const stale = `${libsDir}.stale-${process.pid}-${Date.now()}`;
    fs.renameSync(libsDir, stale);
    removeDir(stale);
  }
  try {
    fs.renameSync(partial, libsDir);
  } catch (error) {
    // Another process published first; fine as long as it published the same pom's jars.
    if (readMarker(libsDir) !== pomHash) throw error;
  }
}
