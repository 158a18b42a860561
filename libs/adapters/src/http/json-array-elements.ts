const BOM = [0xef, 0xbb, 0xbf] as const;
const [QUOTE, BACKSLASH, COMMA] = [0x22, 0x5c, 0x2c];
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x5b, 0x5d, 0x7b, 0x7d];

function isWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Where the JSON text starts: after one byte order mark and any whitespace. */
export function jsonTextStart(body: Uint8Array): number {
  let i = body[0] === BOM[0] && body[1] === BOM[1] && body[2] === BOM[2] ? BOM.length : 0;
  while (isWhitespace(body[i])) i += 1;
  return i;
}

function trimEnd(body: Buffer, start: number, end: number): Buffer {
  let last = end;
  while (last > start && isWhitespace(body[last - 1])) last -= 1;
  return body.subarray(start, last);
}

/** From `start`, the end of one array element: the `,` or `]` that closes it at depth 0, or the end of the body. */
function elementEnd(body: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth += 1;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      if (depth === 0) return i;
      depth -= 1;
    } else if (byte === COMMA && depth === 0) {
      return i;
    }
  }
  return body.length;
}

/**
 * The elements of a JSON array body, each as its exact bytes, without parsing them: each
 * is then decoded, accepted or dead-lettered on its own, so one bad element (or a body
 * cut short) costs that element, not the request. Structural bytes are ASCII and never
 * occur inside a UTF-8 sequence, so the scan works on bytes; it keeps only a depth count,
 * so no nesting can overflow it. Whatever follows the closing `]` is one more element
 * (invalid, and dead-lettered as such). Null when the body is not an array at all.
 */
export function jsonArrayElements(body: Buffer): Buffer[] | null {
  let i = jsonTextStart(body);
  if (body[i] !== OPEN_ARRAY) return null;
  i += 1;
  const elements: Buffer[] = [];
  for (;;) {
    while (isWhitespace(body[i])) i += 1;
    if (i >= body.length) return elements;
    if (body[i] === CLOSE_ARRAY && elements.length === 0) {
      i += 1;
      break;
    }
    const end = elementEnd(body, i);
    elements.push(trimEnd(body, i, end));
    if (end >= body.length) return elements;
    i = end + 1;
    if (body[end] === CLOSE_ARRAY) break;
  }
  while (isWhitespace(body[i])) i += 1;
  if (i < body.length) elements.push(trimEnd(body, i, body.length));
  return elements;
}
