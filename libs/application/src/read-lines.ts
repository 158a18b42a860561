/** One input line, as bytes exactly as received (without its newline), and where it was. */
export interface SourceLine {
  readonly lineNumber: number;
  readonly raw: Buffer;
}

/**
 * Splits bytes into lines without decoding them, so a dead letter keeps the raw bytes
 * exactly as received, even when they are not valid UTF-8. Blank lines are skipped (they
 * still count for line numbers).
 */
class LineSplitter {
  private pending = Buffer.alloc(0);
  private lineNumber = 0;

  push(chunk: Buffer | string): SourceLine[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, Buffer.from(chunk)]);
    const lines: SourceLine[] = [];
    let start = 0;
    let newline: number;
    while ((newline = this.pending.indexOf(0x0a, start)) !== -1) {
      this.lineNumber++;
      const raw = this.pending.subarray(start, newline);
      if (!isBlank(raw)) lines.push({ lineNumber: this.lineNumber, raw: Buffer.from(raw) });
      start = newline + 1;
    }
    this.pending = this.pending.subarray(start);
    return lines;
  }

  end(): SourceLine[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length > 0 && !isBlank(rest) ? [{ lineNumber: this.lineNumber + 1, raw: Buffer.from(rest) }] : [];
  }
}

/**
 * The lines of a byte stream (a file, stdin), as they arrive: those a chunk completes, in
 * one array. Handing lines over one by one cost more than reading them (an async step
 * and its objects per line).
 */
export async function* readLineChunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<SourceLine[]> {
  const splitter = new LineSplitter();
  for await (const chunk of chunks) {
    const lines = splitter.push(chunk);
    if (lines.length > 0) yield lines;
  }
  const rest = splitter.end();
  if (rest.length > 0) yield rest;
}

/** The lines of a body already in memory (an HTTP NDJSON request). */
export function splitLines(body: Buffer): SourceLine[] {
  const splitter = new LineSplitter();
  return [...splitter.push(body), ...splitter.end()];
}

function isBlank(raw: Buffer): boolean {
  for (const byte of raw) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
