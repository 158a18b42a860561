import { logFormatFrom } from '../src/config/log-format';
import { serviceConfigFromEnv } from '../src/config/service-config';

describe('LOG_FORMAT', () => {
  it('is readable lines at a terminal and JSON otherwise when not set', () => {
    expect(logFormatFrom(undefined, true)).toBe('pretty');
    expect(logFormatFrom('', true)).toBe('pretty');
    expect(logFormatFrom(undefined, false)).toBe('json');
  });

  it('wins over the terminal either way', () => {
    expect(logFormatFrom('json', true)).toBe('json');
    expect(logFormatFrom(' Pretty ', false)).toBe('pretty');
  });

  it('is checked with the other settings, naming the variable', () => {
    expect(() => serviceConfigFromEnv({ LOG_FORMAT: 'xml' }, false)).toThrow(
      /LOG_FORMAT: "xml" is not one of json, pretty/,
    );
    expect(serviceConfigFromEnv({}, true).logFormat).toBe('pretty');
    expect(serviceConfigFromEnv({}, false).logFormat).toBe('json');
  });
});
