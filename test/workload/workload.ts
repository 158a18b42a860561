import { SeededRandom } from './random';

export interface WorkloadOptions {
  readonly seed: number;
  readonly organisations: number;
  /** Input lines to produce, duplicates and late events included. */
  readonly events: number;
  /** First billing month (JST), `YYYY-MM`; events spread over `months` months from it. */
  readonly firstMonth?: string;
  readonly months?: number;
  /** Zipf exponent of organisation sizes. */
  readonly zipf?: number;
  readonly duplicateShare?: number;
  readonly lateShare?: number;
  /**
   * The identity events' mix: verifications, revocations and re-registrations (of revoked
   * IDs) as shares of all of them; the rest are new registrations. The defaults are
   * lifecycle-heavy, for tests; BENCHMARK_MIX has about one active ID per ten events.
   */
  readonly mix?: IdentityMix;
}

export interface IdentityMix {
  readonly verifications: number;
  readonly revocations: number;
  readonly reregistrations: number;
}

const LIFECYCLE_HEAVY: IdentityMix = { verifications: 0.2, revocations: 0.1, reregistrations: 0.05 };

/** Verification-heavy, as an ID-card service runs: ~1M active IDs at the end of 10M events (issue 7). */
export const BENCHMARK_MIX: IdentityMix = { verifications: 0.84, revocations: 0.03, reregistrations: 0.02 };

const JST = 9 * 3600_000;

/**
 * A realistic, reproducible stream of input CloudEvents (NDJSON lines): organisations
 * of Zipf-distributed sizes, each with a contract (some under the old terms, ID-only,
 * before 2025-10-01; the others with entry/exit), then registrations, revocations,
 * re-registrations and verifications across organisations and within them, in time
 * order with a share of redelivered duplicates and of late events.
 */
export function* workload(options: WorkloadOptions): Generator<string> {
  const random = new SeededRandom(options.seed);
  const months = options.months ?? 13;
  const [year, month] = (options.firstMonth ?? '2025-09').split('-').map(Number) as [number, number];
  const start = Date.UTC(year, month - 1, 1) - JST;
  const end = Date.UTC(year, month - 1 + months, 1) - JST;
  const orgs = zipfWeights(options.organisations, options.zipf ?? 1.1);
  const active: string[][] = Array.from({ length: orgs.count }, () => []);
  const lapsed: string[][] = Array.from({ length: orgs.count }, () => []);
  const recent: string[] = [];
  let produced = 0;
  let sequence = 0;
  const id = () => `ev-${options.seed}-${(sequence++).toString(36).padStart(8, '0')}`;
  const emit = (line: string) => {
    produced++;
    if (recent.length < 1000) recent.push(line);
    else recent[random.int(recent.length)] = line;
    return line;
  };

  for (let org = 0; org < orgs.count && produced < options.events; org++) {
    yield emit(contract(org, id(), start, random));
  }
  while (produced < options.events) {
    if (recent.length > 0 && random.chance(options.duplicateShare ?? 0.02)) {
      produced++;
      yield random.pick(recent);
      continue;
    }
    const now = start + Math.floor(((end - start) * produced) / options.events);
    const late = random.chance(options.lateShare ?? 0.01);
    const time = late ? Math.max(start, now - random.int(60) * 86400_000) : now + random.int(3600_000);
    const org = orgs.pick(random);
    yield emit(
      identityEvent(org, time, id(), random, active[org]!, lapsed[org]!, orgs, options.mix ?? LIFECYCLE_HEAVY),
    );
  }
}

function contract(org: number, eventId: string, start: number, random: SeededRandom): string {
  const before = random.chance(0.3);
  const opened = before ? start + random.int(20) * 86400_000 : start + (30 + random.int(60)) * 86400_000;
  const date = (ms: number) => new Date(ms + JST).toISOString().slice(0, 10);
  return JSON.stringify({
    specversion: '1.0',
    id: eventId,
    source: 'contract-management',
    type: 'ContractOpened',
    time: jst(opened - 5 * 86400_000),
    data: {
      orgId: orgName(org),
      appliedOn: date(opened - 5 * 86400_000),
      openedOn: date(opened),
      services: before && random.chance(0.5) ? ['id'] : ['entry-exit', 'id'],
      declaredMembers: random.int(500),
      plannedUsers: random.int(500),
    },
  });
}

function identityEvent(
  org: number,
  time: number,
  eventId: string,
  random: SeededRandom,
  active: string[],
  lapsed: string[],
  orgs: ZipfOrgs,
  mix: IdentityMix,
): string {
  const roll = random.next();
  const envelope = { specversion: '1.0', id: eventId, source: 'identity-platform', time: jst(time) };
  if (roll < mix.verifications && orgs.count > 1) {
    const verifier = random.chance(0.2) ? org : orgs.pick(random);
    return JSON.stringify({
      ...envelope,
      type: 'CredentialVerified',
      data: { holderOrgId: orgName(org), holderIdId: active[0] ?? 'unknown', verifierOrgId: orgName(verifier) },
    });
  }
  if (roll < mix.verifications + mix.revocations && active.length > 0) {
    const idId = takeRandom(active, random);
    lapsed.push(idId);
    return JSON.stringify({ ...envelope, type: 'IdRevoked', data: { orgId: orgName(org), idId, reason: 'revoked' } });
  }
  const idId =
    roll < mix.verifications + mix.revocations + mix.reregistrations && lapsed.length > 0
      ? takeRandom(lapsed, random)
      : `${orgName(org)}-m${active.length + lapsed.length}`;
  active.push(idId);
  return JSON.stringify({ ...envelope, type: 'IdRegistered', data: { orgId: orgName(org), idId } });
}

function takeRandom(items: string[], random: SeededRandom): string {
  const index = random.int(items.length);
  const item = items[index]!;
  items[index] = items[items.length - 1]!;
  items.pop();
  return item;
}

export const orgName = (org: number) => `org-${String(org).padStart(5, '0')}`;
const jst = (ms: number) => `${new Date(ms + JST).toISOString().slice(0, 19)}+09:00`;

interface ZipfOrgs {
  readonly count: number;
  pick(random: SeededRandom): number;
}

function zipfWeights(count: number, exponent: number): ZipfOrgs {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= count; rank++) cumulative.push((total += 1 / rank ** exponent));
  return {
    count,
    pick(random) {
      const target = random.next() * total;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (cumulative[mid]! < target) low = mid + 1;
        else high = mid;
      }
      return low;
    },
  };
}
