/** A configuration problem: reported in one line, exit code 2, never a stack trace. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}
