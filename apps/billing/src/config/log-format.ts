/** How `serve` writes its log: readable lines for a person at a terminal, JSON lines for collectors. */
export type LogFormat = 'json' | 'pretty';

const LOG_FORMATS: readonly string[] = ['json', 'pretty'];

/**
 * LOG_FORMAT when set; otherwise readable lines when stdout is a terminal (`npm start` in a
 * shell) and JSON when it is not (a container, a pipe, a log collector).
 */
export function logFormatFrom(text: string | undefined, stdoutIsTTY: boolean): LogFormat {
  const value = text?.trim().toLowerCase() ?? '';
  if (value === '') return stdoutIsTTY ? 'pretty' : 'json';
  if (!LOG_FORMATS.includes(value)) throw new Error(`LOG_FORMAT: "${text}" is not one of ${LOG_FORMATS.join(', ')}`);
  return value as LogFormat;
}
