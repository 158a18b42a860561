/**
 * Japan Standard Time is UTC+9 all year (no daylight saving), so every billing
 * boundary is a fixed UTC offset away and needs no time-zone database.
 */
export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
export const MS_PER_DAY = 24 * 60 * 60 * 1000;

/** Renders an instant as JST wall-clock time, the way the spec and operators write it. */
export function formatJst(epochMs: number): string {
  return `${new Date(epochMs + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;
}
