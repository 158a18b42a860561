/** One input line, as bytes exactly as received (without its newline), and where it was. */
export interface SourceLine {
  readonly lineNumber: number;
  readonly raw: Buffer;
}

/**
 * Splits a byte stream into lines without decoding it, so a dead letter keeps the raw
 * bytes exactly as received, even when they are not valid UTF-8. Blank lines are skipped.
 */
export async function* readLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<SourceLine> {
  let pending = Buffer.alloc(0);
  let lineNumber = 0;
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, Buffer.from(chunk)]);
    let start = 0;
    let newline: number;
    while ((newline = pending.indexOf(0x0a, start)) !== -1) {
      lineNumber++;
      const raw = pending.subarray(start, newline);
      if (!isBlank(raw)) yield { lineNumber, raw: Buffer.from(raw) };
      start = newline + 1;
    }
    pending = pending.subarray(start);
  }
  if (pending.length > 0 && !isBlank(pending)) yield { lineNumber: lineNumber + 1, raw: Buffer.from(pending) };
}

function isBlank(raw: Buffer): boolean {
  for (const byte of raw) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
