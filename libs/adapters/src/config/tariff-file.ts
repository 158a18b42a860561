import { Tariff, TariffError, parseTariff } from '@smartme/domain';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigurationError } from './configuration-error';

/** Reads a tariff file, JSON or YAML (by extension), refusing it with the offending field named. */
export function loadTariffFile(path: string): Tariff {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `tariff file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (error as Error).message}`,
    );
  }
  let document: unknown;
  try {
    document = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `tariff file ${path}: not valid ${extname(path).slice(1).toUpperCase() || 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  try {
    return parseTariff(document);
  } catch (error) {
    if (error instanceof TariffError) throw new ConfigurationError(`tariff file ${path}: ${error.message}`);
    throw error;
  }
}
