import { ConfigurationError } from '@smartme/adapters/config/configuration-error';
import { parseInstant } from '@smartme/domain';
import { serviceConfigFromEnv } from '../src/config/service-config';

/** `serve` reads every setting at start-up and refuses to start on any problem, naming its variable. */
describe('service configuration', () => {
  const refusal = (env: NodeJS.ProcessEnv): string => {
    try {
      serviceConfigFromEnv(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  };

  it('refuses an invalid BILLING_CLOCK_START, naming it, rather than running on the system clock', () => {
    expect(refusal({ BILLING_CLOCK_START: '2025-11-01T00:59:50' })).toMatch(
      /^invalid configuration: BILLING_CLOCK_START=2025-11-01T00:59:50: /,
    );
  });

  it('reports an invalid BILLING_CLOCK_START together with the other problems', () => {
    const message = refusal({ BILLING_CLOCK_START: 'yesterday', PORT: '99999' });
    expect(message).toContain('PORT=99999');
    expect(message).toContain('BILLING_CLOCK_START=yesterday');
  });

  it('starts the clock at BILLING_CLOCK_START and runs it at real speed from there', () => {
    const start = '2025-11-01T00:59:50+09:00';
    const { clock } = serviceConfigFromEnv({ BILLING_CLOCK_START: start });
    const elapsed = clock.nowMs() - parseInstant(start).epochMs;
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('runs on the system clock without BILLING_CLOCK_START', () => {
    const { clock } = serviceConfigFromEnv({});
    expect(Math.abs(clock.nowMs() - Date.now())).toBeLessThan(5_000);
  });
});
