import { ConfigurationError } from '../../libs/adapters/src/config/configuration-error';
import {
  esdbConnectionFromEnv,
  parseEsdbConnectionString,
  redactConnectionString,
} from '../../libs/adapters/src/esdb/esdb-connection';

describe('EVENTSTORE_CONNECTION_STRING', () => {
  it('is null when unset or blank: the SQL store is used', () => {
    expect(esdbConnectionFromEnv({})).toBeNull();
    expect(esdbConnectionFromEnv({ EVENTSTORE_CONNECTION_STRING: '   ' })).toBeNull();
  });

  it('reads a single node, a cluster and DNS discovery', () => {
    expect(esdbConnectionFromEnv({ EVENTSTORE_CONNECTION_STRING: ' esdb://kurrentdb:2113?tls=false ' })).toEqual({
      connectionString: 'esdb://kurrentdb:2113?tls=false',
      discover: false,
      hosts: [{ host: 'kurrentdb', port: 2113 }],
      username: null,
      tls: false,
      redacted: 'esdb://kurrentdb:2113?tls=false',
    });
    const cluster = parseEsdbConnectionString(
      'esdb://admin:changeit@node1,node2:2114,[::1]:2115/?nodePreference=Leader&tlsCAFile=%2Fca.crt&keep-alive-interval=10000',
    );
    expect(cluster.hosts).toEqual([
      { host: 'node1', port: 2113 },
      { host: 'node2', port: 2114 },
      { host: '[::1]', port: 2115 },
    ]);
    expect(cluster.username).toBe('admin');
    expect(cluster.tls).toBe(true);
    expect(cluster.redacted).toBe(
      'esdb://admin:***@node1,node2:2114,[::1]:2115/?nodePreference=Leader&tlsCAFile=%2Fca.crt&keep-alive-interval=10000',
    );
    expect(parseEsdbConnectionString('esdb+discover://user:p%40ss@cluster.example.com').discover).toBe(true);
  });

  it('refuses an empty string', () => {
    expect(() => parseEsdbConnectionString(' ')).toThrow(/^EVENTSTORE_CONNECTION_STRING: is empty/);
  });

  it.each([
    ['kurrentdb://localhost:2113', /scheme kurrentdb:\/\/ is not supported, use esdb:\/\/ or esdb\+discover:\/\//],
    ['localhost:2113', /must start with esdb:\/\//],
    ['esdb://', /names no host/],
    ['esdb://a:2113,,b:2113', /empty host entry/],
    ['esdb://a:99999', /"a:99999" has port 99999/],
    ['esdb://a:b:c', /"a:b:c" is not host\[:port\]/],
    ['esdb://host/billing', /has a path/],
    ['esdb://admin@host', /credentials must be user:password/],
    ['esdb://admin:@host', /credentials must be user:password/],
    ['esdb://host?tls=flase', /option tls must be true or false, not "flase"/],
    ['esdb://host?tlss=false', /unknown option "tlss"/],
    ['esdb://host?defaultDeadline=soon', /option defaultDeadline must be an integer/],
    ['esdb://host?nodePreference=nearest', /option nodePreference must be leader/],
    ['esdb://host?tls', /option "tls" is not key=value/],
    ['esdb+discover://a,b', /exactly one DNS name/],
  ])('refuses %j naming the variable', (value, problem) => {
    const attempt = (): unknown => esdbConnectionFromEnv({ EVENTSTORE_CONNECTION_STRING: value });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/^EVENTSTORE_CONNECTION_STRING: /);
    expect(attempt).toThrow(problem);
  });

  it('never repeats the password in a message', () => {
    const attempt = (): unknown => parseEsdbConnectionString('esdb://admin:s3cr3t@host:0');
    expect(attempt).toThrow(/esdb:\/\/admin:\*\*\*@host:0/);
    expect(attempt).not.toThrow(/s3cr3t/);
    expect(redactConnectionString('esdb://u:p@h')).toBe('esdb://u:***@h');
    expect(redactConnectionString('esdb://h?tls=false')).toBe('esdb://h?tls=false');
  });
});
