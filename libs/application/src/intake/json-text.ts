import { safeText } from './safe-text';

/** The JSON text of one input, or what is wrong with it (a problem without a field: `not JSON: …`). */
export type ParsedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

export const NOT_UTF8 = 'input is not valid UTF-8';

// Strict (a replacement character in an identifier would be another id than the one sent),
// and the BOM kept in the text, so that exactly one can be ignored below.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const BOM = 0xfeff;

/** Strict UTF-8 decoding: null when the bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Parses one JSON text. One UTF-8 byte order mark in front is an editor artefact and is
 * ignored; a second one, like anything else before the text, makes it invalid
 * (interfaces.md §1). `JSON.parse` does not recurse, so no nesting depth can overflow it;
 * its message quotes the input, hence `safeText`.
 */
export function parseJsonText(raw: Uint8Array | string): ParsedJson {
  const text = typeof raw === 'string' ? raw : decodeUtf8(raw);
  if (text === null) return { ok: false, problem: `not JSON: ${NOT_UTF8}` };
  try {
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === BOM ? text.slice(1) : text) };
  } catch (error) {
    return { ok: false, problem: safeText(`not JSON: ${error instanceof Error ? error.message : String(error)}`) };
  }
}
