import { ConfigurationError } from '../config/configuration-error';

/** The variable that selects EventStoreDB/KurrentDB as the event store (interfaces.md §3). */
export const EVENTSTORE_CONNECTION_STRING = 'EVENTSTORE_CONNECTION_STRING';

export const DEFAULT_ESDB_PORT = 2113;

export interface EsdbHost {
  readonly host: string;
  readonly port: number;
}

/** A checked connection string, and what operators need to see of it (never the password). */
export interface EsdbConnectionSettings {
  /** As given (trimmed): what the client is opened with. */
  readonly connectionString: string;
  /** `esdb+discover://`: the hosts are DNS names of a cluster's gossip seeds. */
  readonly discover: boolean;
  readonly hosts: readonly EsdbHost[];
  readonly username: string | null;
  /** The client's default is TLS on; `?tls=false` for an insecure single node (development). */
  readonly tls: boolean;
  /** The connection string with the password replaced by `***`, for logs and messages. */
  readonly redacted: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

const SCHEME = /^(esdb|esdb\+discover):\/\//i;
const OTHER_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `host:port` or `[ipv6]:port`, port optional; the host part is left to DNS. */
const HOST = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/?#@,]+)(?::(\d{1,5}))?$/;
// The client's own rule for what may not appear in a host (its parseHosts regex).
const CLIENT_FORBIDDEN_IN_HOST = /[$+!?*'(),;[\]{}|"%~#<>=&]/;

const BOOLEAN_OPTIONS = ['tls', 'tlsVerifyCert', 'throwOnAppendFailure', 'dnsDiscover'];
const INTEGER_OPTIONS = [
  'maxDiscoverAttempts',
  'discoveryInterval',
  'gossipTimeout',
  'defaultDeadline',
  'keepAliveInterval',
  'keepAliveTimeout',
];
const TEXT_OPTIONS = ['connectionName', 'tlsCAFile', 'userCertFile', 'userKeyFile'];
const NODE_PREFERENCES = ['leader', 'follower', 'random', 'readonlyreplica'];
/** The client matches option names ignoring case, `-` and `_`; so do we. */
const flat = (name: string): string => name.trim().toLowerCase().replace(/[_-]/g, '');
const KNOWN_OPTIONS = new Map(
  [...BOOLEAN_OPTIONS, ...INTEGER_OPTIONS, ...TEXT_OPTIONS, 'nodePreference'].map((name) => [flat(name), name]),
);

/**
 * The EventStoreDB settings from the environment: null when EVENTSTORE_CONNECTION_STRING
 * is unset or blank (the SQL store is used then). A malformed value throws a
 * ConfigurationError naming the variable, so that `serve` refuses to start and the CLI
 * exits 2, instead of the client failing later with a message that echoes the password.
 */
export function esdbConnectionFromEnv(env: Environment): EsdbConnectionSettings | null {
  const text = env[EVENTSTORE_CONNECTION_STRING]?.trim() ?? '';
  return text === '' ? null : parseEsdbConnectionString(text);
}

/** Checks an `esdb://` or `esdb+discover://` connection string the way the client reads it. */
export function parseEsdbConnectionString(input: string): EsdbConnectionSettings {
  const text = input.trim();
  const redacted = redactConnectionString(text);
  const fail = (problem: string): never => {
    throw new ConfigurationError(
      `${EVENTSTORE_CONNECTION_STRING}: ${problem} (got "${redacted}"); expected esdb://[user:password@]host[:port][,host[:port]…][?tls=false&…]`,
    );
  };
  if (text === '') fail('is empty');
  const scheme = SCHEME.exec(text);
  if (!scheme) {
    const other = OTHER_SCHEME.exec(text);
    fail(
      other
        ? `scheme ${other[1]}:// is not supported, use esdb:// or esdb+discover://`
        : 'must start with esdb:// or esdb+discover://',
    );
  }
  const discover = scheme![1]!.toLowerCase() === 'esdb+discover';
  let rest = text.slice(scheme![0].length);

  const queryAt = rest.indexOf('?');
  const query = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  rest = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  rest = rest.replace(/\/+$/, '');
  if (rest.includes('/')) fail('has a path; only hosts and ?options are allowed');

  let username: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userInfo.indexOf(':');
    if (colon <= 0 || colon === userInfo.length - 1)
      fail('credentials must be user:password (percent-encode special characters)');
    if (userInfo.indexOf(':', colon + 1) >= 0 || userInfo.includes('@'))
      fail('credentials must be user:password with ":" and "@" percent-encoded');
    username = decode(userInfo.slice(0, colon), fail);
    decode(userInfo.slice(colon + 1), fail);
  }

  if (rest === '') fail('names no host');
  const hosts = rest.split(',').map((entry): EsdbHost => {
    const trimmed = entry.trim();
    if (trimmed === '') fail('has an empty host entry');
    const match = HOST.exec(trimmed);
    if (!match || CLIENT_FORBIDDEN_IN_HOST.test(match[1]!.replace(/^\[|\]$/g, '')))
      fail(`"${trimmed}" is not host[:port]`);
    const port = match![2] === undefined ? DEFAULT_ESDB_PORT : Number(match![2]);
    if (port < 1 || port > 65535) fail(`"${trimmed}" has port ${port}, not 1–65535`);
    return { host: match![1]!, port };
  });
  if (discover && hosts.length !== 1) fail('esdb+discover:// takes exactly one DNS name');

  let tls = true;
  if (query !== '') {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) fail(`option "${pair}" is not key=value`);
      const key = KNOWN_OPTIONS.get(flat(pair.slice(0, eq)));
      const value = pair.slice(eq + 1).trim();
      if (!key) fail(`unknown option "${pair.slice(0, eq)}"; known: ${[...KNOWN_OPTIONS.values()].join(', ')}`);
      if (BOOLEAN_OPTIONS.includes(key!)) {
        if (value !== 'true' && value !== 'false') fail(`option ${key} must be true or false, not "${value}"`);
        if (key === 'tls') tls = value === 'true';
      } else if (INTEGER_OPTIONS.includes(key!)) {
        if (!/^-?\d+$/.test(value)) fail(`option ${key} must be an integer, not "${value}"`);
      } else if (key === 'nodePreference') {
        if (!NODE_PREFERENCES.includes(flat(value)))
          fail(`option nodePreference must be leader, follower, random or readOnlyReplica, not "${value}"`);
      }
    }
  }
  return { connectionString: text, discover, hosts, username, tls, redacted };
}

/** The connection string with any password replaced by `***`. */
export function redactConnectionString(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/?]*:)[^@/?]*@/i, '$1***@');
}

function decode(text: string, fail: (problem: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail('credentials contain a malformed %-escape');
  }
}
