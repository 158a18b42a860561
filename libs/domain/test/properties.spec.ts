import DecimalJs from 'decimal.js';
import fc from 'fast-check';
import {
  BillingPeriod,
  ChargeEvent,
  ChargeUnit,
  ContractEvent,
  IdentityEvent,
  InputEvent,
  Service,
  StoredEvent,
  Tariff,
  admit,
  billingWindowOf,
  chargeIdOf,
  chargeLineage,
  closeDecider,
  dayOfInstant,
  eventOrderKey,
  eventTypesBehind,
  evolve,
  isChargeEvent,
  isBillable,
  isContractEvent,
  initialBillingState,
  isInitialFeeKind,
  parseInstant,
  parseTariff,
  periodNamed,
} from '../src';
import { Billing, lineageQuestion } from './support/events';
import { sampleTariff, sampleTariffDocument, twoVersionTariff } from './support/sample-tariff';

/**
 * Property tests of the close (billing-rules.md §2–§5) over small random worlds:
 * 1–3 organisations with contract applications, headcount reports, closures, ID
 * lifecycles and verifications, delivered in any order, any number of times, early or
 * late, and closed at a sequence of as-of instants.
 */

// ---------------------------------------------------------------------------------------
// Tariffs

const SMALL_INITIAL_FEE = {
  tiers: [
    { upTo: 2, amount: '1000.5' },
    { upTo: 4, amount: '2500' },
    { upTo: null, amount: '4000.25' },
  ],
};
const NEW_SMALL_INITIAL_FEE = {
  tiers: [
    { upTo: 3, amount: '1200' },
    { upTo: null, amount: '5000.5' },
  ],
};

/**
 * Decimal unit prices, flat amounts and small initial-fee tiers (so that the over-limit
 * true-up of §2.3 is reachable with a handful of IDs), two versions (the 2025-12 one
 * rates December 2025 on), and billing years starting in November. The initial-fee
 * table stays the same in the second version unless `newInitialFee`.
 */
function decimalTariff(rounding: 'floor' | 'half-up', newInitialFee: boolean): Tariff {
  const document = sampleTariffDocument();
  return parseTariff({
    ...document,
    rounding,
    verificationYear: { startMonth: 11 },
    versions: [
      {
        id: 'dec-2025-04',
        effectiveFrom: '2025-04-01',
        initialFee: SMALL_INITIAL_FEE,
        idRegistrationFee: {
          mode: 'graduated',
          tiers: [
            { upTo: 2, unitPrice: '12.345' },
            { upTo: null, unitPrice: '7.5', flatAmount: '0.25' },
          ],
        },
        monthlyFee: { mode: 'per-unit', unitPrice: '0.5' },
        verificationFee: {
          mode: 'volume',
          tiers: [
            { upTo: 3, unitPrice: '0.3' },
            { upTo: null, unitPrice: '0.25', flatAmount: '0.5' },
          ],
        },
      },
      {
        id: 'dec-2025-12',
        effectiveFrom: '2025-12-01',
        initialFee: newInitialFee ? NEW_SMALL_INITIAL_FEE : SMALL_INITIAL_FEE,
        idRegistrationFee: { mode: 'per-unit', unitPrice: '33.335' },
        monthlyFee: {
          mode: 'graduated',
          tiers: [
            { upTo: 3, unitPrice: '0.5' },
            { upTo: null, unitPrice: '1.25', flatAmount: '0.75' },
          ],
        },
        verificationFee: {
          mode: 'graduated',
          tiers: [
            { upTo: 2, unitPrice: '1.5' },
            { upTo: null, unitPrice: '0.45' },
          ],
        },
      },
    ],
  });
}

interface TariffCase {
  readonly name: string;
  readonly tariff: Tariff;
  /** The sample tariff has no version before 2025-10-01, so nothing may open earlier. */
  readonly earliestOpening: string;
  /**
   * Whether late events can only leave more initial fee charged than a from-scratch close.
   * Not so when the over-limit true-up is reachable and the initial-fee table changes
   * between versions: §2.3 takes the paid tier "of the largest basis charged so far" in
   * the version of the month's last day, and a basis charged early (a contract a late,
   * earlier application replaces, or an active count late revocations lower) can sit in
   * a higher tier of the new table than anything a from-scratch close charges, so the
   * new table's over-limit true-up is never assessed. Example: decimal-new-initial-fee,
   * ContractOpened A basis 4 (opened 2025-09-01) early, ContractOpened B basis 0 with an
   * earlier event time late, 3 IDs active from September and 4 from October: 2500 yen
   * charged against 5000 from scratch.
   */
  readonly lateEventsNeverLowerInitialFee: boolean;
}

const TARIFF_CASES: readonly TariffCase[] = [
  { name: 'sample', tariff: sampleTariff, earliestOpening: '2025-10-01', lateEventsNeverLowerInitialFee: true },
  {
    name: 'two-version',
    tariff: twoVersionTariff(),
    earliestOpening: '2025-09-01',
    lateEventsNeverLowerInitialFee: true,
  },
  {
    name: 'decimal-half-up',
    tariff: decimalTariff('half-up', false),
    earliestOpening: '2025-09-01',
    lateEventsNeverLowerInitialFee: true,
  },
  {
    name: 'decimal-floor',
    tariff: decimalTariff('floor', false),
    earliestOpening: '2025-09-01',
    lateEventsNeverLowerInitialFee: true,
  },
  {
    name: 'decimal-new-initial-fee',
    tariff: decimalTariff('half-up', true),
    earliestOpening: '2025-09-01',
    lateEventsNeverLowerInitialFee: false,
  },
];

// ---------------------------------------------------------------------------------------
// Time

const MS_PER_DAY = 86_400_000;
const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
const isoDate = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
const addDays = (date: string, days: number): string => isoDate(dayNumber(date) + days);
const dateBetween = (from: string, to: string): fc.Arbitrary<string> =>
  fc.integer({ min: dayNumber(from), max: dayNumber(to) }).map(isoDate);
const epochMs = (time: string): number => parseInstant(time).epochMs;

/** An ordinary instant, JST wall clock. */
const plainInstant = fc
  .record({ day: dateBetween('2025-08-01', '2026-02-28'), second: fc.integer({ min: 0, max: 86_399 }) })
  .map(
    ({ day, second }) =>
      `${day}T${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)}+09:00`,
  );

/** Instants right around JST midnight at a month boundary, in various notations. */
const MONTH_FIRST_DAYS = [
  '2025-09-01',
  '2025-10-01',
  '2025-11-01',
  '2025-12-01',
  '2026-01-01',
  '2026-02-01',
  '2026-03-01',
];
const boundaryInstant = fc
  .record({ first: fc.constantFrom(...MONTH_FIRST_DAYS), form: fc.integer({ min: 0, max: 8 }) })
  .map(({ first, form }) => {
    const last = addDays(first, -1);
    switch (form) {
      case 0:
        return `${last}T23:59:59+09:00`;
      case 1:
        return `${first}T00:00:00+09:00`;
      case 2:
        return `${last}T15:00:00Z`; // 00:00:00 JST on the first
      case 3:
        return `${last}T14:59:59Z`; // 23:59:59 JST on the last day
      case 4:
        return `${last}T14:59:59.999999999Z`;
      case 5:
        return `${first}T00:00:00.000000001+09:00`;
      case 6:
        return `${last}T10:00:00-05:00`; // 00:00:00 JST on the first
      case 7:
        return `${last}T23:59:59.999+09:00`;
      default:
        return `${first}T08:59:59+00:00`; // 17:59:59 JST on the first
    }
  });

/** A few instants written in two notations, so that same-instant ties happen. */
const tiedInstant = fc.constantFrom(
  '2025-10-20T09:00:00+09:00',
  '2025-10-20T00:00:00Z',
  '2025-11-30T23:59:59+09:00',
  '2025-11-30T14:59:59Z',
  '2025-12-31T15:00:00Z',
  '2026-01-01T00:00:00+09:00',
);

const instantArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: plainInstant },
  { weight: 3, arbitrary: boundaryInstant },
  { weight: 1, arbitrary: tiedInstant },
);

// ---------------------------------------------------------------------------------------
// Worlds

/** How one event reaches the store: once per sort key (1–3 copies), in a given slot. */
interface Delivery {
  /** Sort keys of its copies in a permuted delivery; their number is how often it is delivered. */
  readonly copies: readonly number[];
  /** Before which close it arrives, for the early/late runs (clamped to the schedule). */
  readonly slot: number;
}

interface Draft {
  readonly idKey: number;
  readonly delivery: Delivery;
  readonly make: (id: string) => InputEvent;
}

interface Delivered {
  readonly event: InputEvent;
  readonly delivery: Delivery;
}

interface World {
  /** A name from TARIFF_CASES (a name keeps counterexamples readable). */
  readonly tariffName: string;
  readonly items: readonly Delivered[];
  /** As-of instants of the closes before the final one, ascending. */
  readonly schedule: readonly string[];
}

const ORGS = ['org-a', 'org-b', 'org-c'] as const;
const ID_IDS = ['i1', 'i2', 'i3', 'i4', 'i5'];
/**
 * The last close of every run. Every closing date generated is on or before 2026-03-31,
 * so every period a closure ends early is due by then. Were a closure dated later, a
 * late ContractClosed with an earlier event time (the one that stands, §3) could move
 * the closing date past the final close: the billing year the superseded closure had
 * closed early keeps its charge although the year is no longer due, while a
 * from-scratch close issues nothing for it (only periods outside the contract are
 * reversed; the year is reconciled when it closes again). Property 2 would report that.
 */
const FINAL_AS_OF = '2026-04-01T01:00:00+09:00';
const SCHEDULE_CANDIDATES: readonly string[] = [
  '2025-10-01T01:00:00+09:00',
  '2025-10-31T16:00:00Z', // 2025-11-01T01:00 JST: November 1 plus the grace, exactly
  '2025-11-15T12:00:00+09:00',
  '2025-12-01T00:59:59.999+09:00', // a millisecond before November is due
  '2025-12-01T01:00:00+09:00',
  '2026-01-01T01:00:00+09:00',
  '2026-01-20T12:00:00+09:00',
  '2026-02-01T01:00:00+09:00',
  '2026-03-01T01:00:00+09:00',
  '2026-03-01T05:00:00+09:00',
];

const deliveryArb: fc.Arbitrary<Delivery> = fc.record({
  copies: fc.array(fc.nat(1000), { minLength: 1, maxLength: 3 }),
  slot: fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.nat(SCHEDULE_CANDIDATES.length) },
  ),
});

const headcountArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 8 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 300 }) },
);

const servicesArb: fc.Arbitrary<readonly Service[]> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<readonly Service[]>(['entry-exit', 'id']) },
  { weight: 1, arbitrary: fc.constant<readonly Service[]>(['id']) },
  { weight: 1, arbitrary: fc.constant<readonly Service[]>(['entry-exit']) },
);

const channelArb = fc.option(fc.constantFrom('secom-smartphone-id', 'web'), { nil: undefined, freq: 4 });

const draft = <T>(arb: fc.Arbitrary<T>, make: (value: T, id: string) => InputEvent): fc.Arbitrary<Draft> =>
  fc
    .record({ value: arb, idKey: fc.nat(99), delivery: deliveryArb })
    .map(({ value, idKey, delivery }) => ({ idKey, delivery, make: (id: string) => make(value, id) }));

function contractOpenedArb(orgId: string, earliestOpening: string): fc.Arbitrary<Draft> {
  return draft(
    fc.record({
      openedOn: dateBetween(earliestOpening, '2026-01-31'),
      lead: fc.integer({ min: 0, max: 45 }),
      hour: fc.integer({ min: 0, max: 23 }),
      services: servicesArb,
      channel: channelArb,
      declaredMembers: headcountArb,
      plannedUsers: headcountArb,
    }),
    (v, id): ContractEvent => {
      const appliedOn = addDays(v.openedOn, -v.lead);
      return {
        id,
        type: 'ContractOpened',
        time: `${appliedOn}T${pad(v.hour)}:00:00+09:00`,
        data: {
          orgId,
          appliedOn,
          openedOn: v.openedOn,
          services: v.services,
          declaredMembers: v.declaredMembers,
          plannedUsers: v.plannedUsers,
          ...(v.channel ? { channel: v.channel } : {}),
        },
      };
    },
  );
}

function idServiceAddedArb(orgId: string, earliestOpening: string): fc.Arbitrary<Draft> {
  return draft(
    fc.record({
      openedOn: dateBetween(earliestOpening, '2026-01-31'),
      lead: fc.integer({ min: 0, max: 30 }),
      channel: channelArb,
      declaredMembers: headcountArb,
      plannedUsers: headcountArb,
    }),
    (v, id): ContractEvent => {
      const appliedOn = addDays(v.openedOn, -v.lead);
      return {
        id,
        type: 'IdServiceAdded',
        time: `${appliedOn}T11:00:00+09:00`,
        data: {
          orgId,
          appliedOn,
          openedOn: v.openedOn,
          declaredMembers: v.declaredMembers,
          plannedUsers: v.plannedUsers,
          ...(v.channel ? { channel: v.channel } : {}),
        },
      };
    },
  );
}

function headcountChangedArb(orgId: string): fc.Arbitrary<Draft> {
  return draft(
    fc.record({
      changedOn: dateBetween('2025-08-15', '2026-03-31'),
      declaredMembers: headcountArb,
      plannedUsers: headcountArb,
    }),
    (v, id): ContractEvent => ({
      id,
      type: 'HeadcountChanged',
      time: `${v.changedOn}T12:00:00+09:00`,
      data: { orgId, changedOn: v.changedOn, declaredMembers: v.declaredMembers, plannedUsers: v.plannedUsers },
    }),
  );
}

function contractClosedArb(orgId: string): fc.Arbitrary<Draft> {
  return draft(
    // Closing dates stay within the final close's reach (see the note on FINAL_AS_OF).
    fc.record({ closedOn: dateBetween('2025-09-01', '2026-03-31'), notice: fc.integer({ min: 0, max: 20 }) }),
    (v, id): ContractEvent => ({
      id,
      type: 'ContractClosed',
      time: `${addDays(v.closedOn, -v.notice)}T13:00:00+09:00`,
      data: { orgId, closedOn: v.closedOn },
    }),
  );
}

function lifecycleArb(orgId: string): fc.Arbitrary<Draft> {
  return draft(
    fc.record({
      idId: fc.constantFrom(...ID_IDS),
      registers: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) }),
      time: instantArb,
    }),
    (v, id): IdentityEvent =>
      v.registers
        ? { id, type: 'IdRegistered', time: v.time, data: { orgId, idId: v.idId } }
        : { id, type: 'IdRevoked', time: v.time, data: { orgId, idId: v.idId, reason: 'revoked' } },
  );
}

function verificationArb(holderOrgId: string): fc.Arbitrary<Draft> {
  return draft(
    fc.record({ verifierOrgId: fc.constantFrom(...ORGS, 'outsider'), time: instantArb }),
    (v, id): IdentityEvent => ({
      id,
      type: 'CredentialVerified',
      time: v.time,
      data: { holderOrgId, holderIdId: 'h1', verifierOrgId: v.verifierOrgId },
    }),
  );
}

/** One draft in `present` cases out of `present + absent`, else none. */
const optional = (arb: fc.Arbitrary<Draft>, present: number, absent: number): fc.Arbitrary<readonly Draft[]> =>
  fc.oneof(
    { weight: present, arbitrary: arb.map((value): readonly Draft[] => [value]) },
    { weight: absent, arbitrary: fc.constant<readonly Draft[]>([]) },
  );

function organisationArb(orgId: string, earliestOpening: string): fc.Arbitrary<readonly Draft[]> {
  return fc
    .tuple(
      optional(contractOpenedArb(orgId, earliestOpening), 5, 1), // no contract in 1 of 6
      optional(contractOpenedArb(orgId, earliestOpening), 1, 4), // a competing application in 1 of 5
      optional(idServiceAddedArb(orgId, earliestOpening), 1, 4),
      fc.array(headcountChangedArb(orgId), { maxLength: 2 }),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant<readonly Draft[]>([]) },
        { weight: 3, arbitrary: fc.array(contractClosedArb(orgId), { minLength: 1, maxLength: 1 }) },
        { weight: 1, arbitrary: fc.array(contractClosedArb(orgId), { minLength: 2, maxLength: 2 }) },
      ),
      fc.array(lifecycleArb(orgId), { maxLength: 14 }),
      fc.array(verificationArb(orgId), { maxLength: 8 }),
    )
    .map((parts) => parts.flat());
}

function worldFor(tariffCase: TariffCase): fc.Arbitrary<World> {
  const org = (orgId: string) => organisationArb(orgId, tariffCase.earliestOpening);
  return fc
    .record({
      orgs: fc.tuple(org('org-a'), fc.option(org('org-b'), { nil: null }), fc.option(org('org-c'), { nil: null })),
      schedule: fc.subarray([...SCHEDULE_CANDIDATES]),
    })
    .map(({ orgs, schedule }) => {
      const drafts = orgs.flatMap((drafts) => drafts ?? []);
      // Unique ids whose string order is unrelated to generation order (ties are broken by id).
      const items = drafts.map((d, index) => ({
        event: d.make(`ev-${pad(d.idKey)}-${pad(index, 3)}`),
        delivery: d.delivery,
      }));
      return { tariffName: tariffCase.name, items, schedule: [...schedule].sort((a, b) => epochMs(a) - epochMs(b)) };
    });
}

const worldArb: fc.Arbitrary<World> = fc.constantFrom(...TARIFF_CASES).chain(worldFor);

// ---------------------------------------------------------------------------------------
// Running closes

/** Every copy of every item, ordered by the copies' sort keys (ties in generation order). */
function permutedDelivery(items: readonly Delivered[]): InputEvent[] {
  return items
    .flatMap((item, index) => item.delivery.copies.map((key) => ({ key, index, event: item.event })))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ event }) => event);
}

const tariffCaseOf = (world: World): TariffCase => TARIFF_CASES.find((c) => c.name === world.tariffName)!;
const tariffOf = (world: World): Tariff => tariffCaseOf(world).tariff;
const allEvents = (world: World): InputEvent[] => world.items.map((item) => item.event);
const slotOf = (world: World, item: Delivered): number => Math.min(item.delivery.slot, world.schedule.length);
const hasLateEvents = (world: World): boolean => world.items.some((item) => slotOf(world, item) > 0);

/** All events, once each, in generation order; then every close of the schedule and the final one. */
function runInOrder(world: World, events: readonly InputEvent[]): Billing {
  const billing = new Billing(tariffOf(world)).given(...events);
  for (const asOf of [...world.schedule, FINAL_AS_OF]) billing.close(asOf);
  return billing;
}

interface LateRunOptions {
  /** How the events of one arrival are delivered: permuted, some more than once, by default. */
  readonly deliver?: (items: readonly Delivered[]) => InputEvent[];
  /** Whether every close is run a second time at once (what that issues goes to `repeats`). */
  readonly repeatCloses?: boolean;
}

/**
 * Events arrive in their slots between the closes of the schedule; the last slot
 * arrives before the final close.
 */
function runWithLateEvents(world: World, options: LateRunOptions = {}): { billing: Billing; repeats: ChargeEvent[] } {
  const { deliver = permutedDelivery, repeatCloses = false } = options;
  const billing = new Billing(tariffOf(world));
  const repeats: ChargeEvent[] = [];
  const asOfs = [...world.schedule, FINAL_AS_OF];
  asOfs.forEach((asOf, index) => {
    billing.given(...deliver(world.items.filter((item) => slotOf(world, item) === index)));
    billing.close(asOf);
    if (repeatCloses) repeats.push(...billing.close(asOf));
  });
  return { billing, repeats };
}

function fromScratch(world: World): Billing {
  const billing = new Billing(tariffOf(world)).given(...allEvents(world));
  billing.close(FINAL_AS_OF);
  return billing;
}

// ---------------------------------------------------------------------------------------
// Sums

interface Sum {
  quantity: number;
  amount: number;
}

const keyOf = (charge: ChargeEvent['data']): string => `${charge.orgId}|${charge.kind}|${charge.period}`;

/** Quantity and amount issued per organisation, kind and period, keeping non-zero sums only. */
function usageSums(charges: readonly ChargeEvent[]): Record<string, Sum> {
  const sums = new Map<string, Sum>();
  for (const { data } of charges) {
    if (isInitialFeeKind(data.kind)) continue;
    const sum = sums.get(keyOf(data)) ?? { quantity: 0, amount: 0 };
    sums.set(keyOf(data), { quantity: sum.quantity + data.quantity, amount: sum.amount + data.amount });
  }
  return Object.fromEntries(
    [...sums].filter(([, sum]) => sum.quantity !== 0 || sum.amount !== 0).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Initial fee plus true-ups, per organisation. */
function initialFeeTotals(charges: readonly ChargeEvent[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const { data } of charges) {
    if (isInitialFeeKind(data.kind)) totals.set(data.orgId, (totals.get(data.orgId) ?? 0) + data.amount);
  }
  return totals;
}

/** The rounding of §4, independently of the domain's: half-up rounds halves towards +∞. */
function roundedSumOfLines(charge: ChargeEvent['data'], rounding: Tariff['rounding']): number {
  const exact = charge.lines.reduce((sum, line) => sum.plus(line.amount), new DecimalJs(0));
  // `+ 0` turns the −0 that a negative fraction may round to (−0.5 half-up) into 0.
  return (
    exact.toDecimalPlaces(0, rounding === 'floor' ? DecimalJs.ROUND_FLOOR : DecimalJs.ROUND_HALF_CEIL).toNumber() + 0
  );
}

/** A deterministic shuffle (mulberry32), for replaying the store in a random order. */
function shuffled<T>(values: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const result = [...values];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Units, recounted

/**
 * The units of a usage charge, recounted from the organisation's events stored before it,
 * independently of the domain's timelines and counters: each ID's events in event order,
 * an active spell from a registration of an inactive ID to a revocation of an active one.
 * (The period's bounds and the event order are the domain's: what is recounted is what counts.)
 */
function recountedUnits(charge: ChargeEvent['data'], history: readonly StoredEvent[], tariff: Tariff): ChargeUnit[] {
  const own = history.filter((event) => !isChargeEvent(event));
  const contract = admit(charge.orgId, orderedApplications(own), tariff).contract;
  const window = billingWindowOf(contract);
  // A period the contract no longer bills counts nothing (its charges are reversed).
  if (!isBillable(window, charge.period, tariff.verificationYear.startMonth)) return [];
  const period: BillingPeriod = periodNamed(charge.period, window, tariff.verificationYear.startMonth, 0);
  const dayOf = (event: StoredEvent) => dayOfInstant(parseInstant(event.time).epochMs);
  const inPeriod = (day: number) => day >= period.firstDay && day <= period.lastDay;
  const inOrder = [...own].sort((a, b) => (eventOrderKey(a) < eventOrderKey(b) ? -1 : 1));
  if (charge.kind === 'verification') {
    return inOrder.flatMap((event) =>
      event.type === 'CredentialVerified' &&
      event.data.verifierOrgId !== event.data.holderOrgId &&
      inPeriod(dayOf(event))
        ? [{ event: event.id, verifierOrgId: event.data.verifierOrgId }]
        : [],
    );
  }
  const units: ChargeUnit[] = [];
  const idIds = [
    ...new Set(inOrder.flatMap((e) => (e.type === 'IdRegistered' || e.type === 'IdRevoked' ? [e.data.idId] : []))),
  ];
  for (const idId of idIds.sort()) {
    let activeSince: string | null = null;
    let registration: string | null = null;
    for (const event of inOrder) {
      if ((event.type !== 'IdRegistered' && event.type !== 'IdRevoked') || event.data.idId !== idId) continue;
      if (charge.kind === 'monthly-fee' && dayOf(event) > period.lastDay) break;
      if (event.type === 'IdRegistered' && activeSince === null) {
        activeSince = event.id;
        if (registration === null && inPeriod(dayOf(event))) registration = event.id;
      } else if (event.type === 'IdRevoked' && activeSince !== null) {
        activeSince = null;
      }
    }
    if (charge.kind === 'monthly-fee' && activeSince !== null) units.push({ idId, event: activeSince });
    if (charge.kind === 'id-registration' && registration !== null) units.push({ idId, event: registration });
  }
  return units;
}

function orderedApplications(events: readonly StoredEvent[]): ContractEvent[] {
  return events.filter(isContractEvent).sort((a, b) => (eventOrderKey(a) < eventOrderKey(b) ? -1 : 1));
}

// ---------------------------------------------------------------------------------------
// Properties

const issuedCharges = (billing: Billing) => billing.issued.map(({ type, id, data }) => ({ type, id, data }));

/** 150 runs each keep the file at a few seconds; PROPERTY_RUNS=5000 searches harder. */
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) };

describe('close properties (billing-rules.md §2–§5)', () => {
  it('1. issues the same charges whatever the arrival order and however often events are redelivered (§5)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const reference = runInOrder(world, allEvents(world));
        const permuted = runInOrder(world, permutedDelivery(world.items));
        expect(issuedCharges(permuted)).toEqual(issuedCharges(reference));

        // The same when events arrive between closes: within each arrival, order and copies do not matter.
        const inOrder = runWithLateEvents(world, { deliver: (items) => items.map((item) => item.event) }).billing;
        expect(issuedCharges(runWithLateEvents(world).billing)).toEqual(issuedCharges(inOrder));
      }),
      RUNS,
    );
  });

  it('2. issues, with its adjustments for late events, what a from-scratch close of all events issues (§5)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const incremental = runWithLateEvents(world).billing.issued;
        const scratch = fromScratch(world).issued;

        expect(usageSums(incremental)).toEqual(usageSums(scratch));

        // The initial fee is never refunded (§2.3, §5): late events can only leave more charged.
        const charged = initialFeeTotals(incremental);
        const required = initialFeeTotals(scratch);
        for (const orgId of new Set([...charged.keys(), ...required.keys()])) {
          const [total, expected] = [charged.get(orgId) ?? 0, required.get(orgId) ?? 0];
          if (!hasLateEvents(world)) expect({ orgId, total }).toEqual({ orgId, total: expected });
          else if (tariffCaseOf(world).lateEventsNeverLowerInitialFee) {
            expect({ orgId, total, atLeast: total >= expected }).toEqual({ orgId, total, atLeast: true });
          }
        }
      }),
      RUNS,
    );
  });

  it('3. issues every amount as the one rounding of the exact sum of its lines (§4)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const { rounding } = tariffOf(world);
        for (const charge of [
          ...runWithLateEvents(world, { repeatCloses: true }).billing.issued,
          ...fromScratch(world).issued,
        ]) {
          expect({ chargeId: charge.id, amount: charge.data.amount }).toEqual({
            chargeId: charge.id,
            amount: roundedSumOfLines(charge.data, rounding),
          });
          for (const line of charge.data.lines) {
            if ('credit' in line || line.unitPrice === undefined) continue; // a credit, or an initial-fee tier
            const tierAmount = new DecimalJs(line.unitPrice).times(line.quantity).plus(line.flatAmount ?? 0);
            expect(new DecimalJs(line.amount).equals(tierAmount)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('4. issues nothing when a close is run again at the same as-of (§5)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        expect(runWithLateEvents(world, { repeatCloses: true }).repeats).toEqual([]);
      }),
      RUNS,
    );
  });

  it('5. numbers revisions per organisation, kind and period and never issues a zero or a refunded initial fee (§2.3, §4, §5)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const issued = runWithLateEvents(world, { repeatCloses: true }).billing.issued;
        const earlier = new Map<string, ChargeEvent[]>();
        for (const charge of issued) {
          const { data } = charge;
          const before = earlier.get(keyOf(data)) ?? [];
          expect(charge.id).toBe(data.chargeId);
          expect(data.chargeId).toBe(chargeIdOf(data.orgId, data.kind, data.period, data.revision));
          expect({ key: keyOf(data), revision: data.revision }).toEqual({ key: keyOf(data), revision: before.length });
          if (charge.type === 'ChargeIssued') {
            expect({ revision: data.revision, adjusts: data.adjusts }).toEqual({ revision: 0, adjusts: null });
            expect({ chargeId: data.chargeId, quantityIsZero: data.quantity === 0 }).toEqual({
              chargeId: data.chargeId,
              quantityIsZero: false,
            });
          } else {
            expect(data.revision).toBeGreaterThanOrEqual(1);
            const original = before.find((c) => c.data.revision === 0);
            expect(original?.type).toBe('ChargeIssued');
            expect(data.adjusts).toBe(original?.data.chargeId);
          }
          if (isInitialFeeKind(data.kind))
            expect({ chargeId: data.chargeId, negative: data.amount < 0 }).toEqual({
              chargeId: data.chargeId,
              negative: false,
            });
          earlier.set(keyOf(data), [...before, charge]);
        }
      }),
      RUNS,
    );
  });

  it('6. issues nothing when the store (input events and charges) is replayed in any order (§5)', () => {
    fc.assert(
      fc.property(worldArb, fc.integer(), (world, seed) => {
        const { billing } = runWithLateEvents(world);
        const store: StoredEvent[] = [...allEvents(world), ...billing.issued];
        const state = initialBillingState();
        for (const event of shuffled([...store, ...store], seed)) evolve(state, event); // every event twice
        for (const asOf of [...world.schedule, FINAL_AS_OF]) {
          expect(
            closeDecider(tariffOf(world)).decide({ asOfMs: epochMs(asOf), closeGraceMs: 60 * 60 * 1000 }, state),
          ).toEqual([]);
        }
      }),
      RUNS,
    );
  });
  it('7. explains every charge by what its decision counted: usage units recount, unitCount sums the revisions (interfaces.md §3)', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const tariff = tariffOf(world);
        const decider = closeDecider(tariff);
        const { billing } = runWithLateEvents(world);
        const quantities = new Map<string, number>();
        for (const charge of billing.issued) {
          const { data } = charge;
          const total = (quantities.get(keyOf(data)) ?? 0) + data.quantity;
          quantities.set(keyOf(data), total);
          const question = lineageQuestion(billing.stored, charge);
          const lineage = chargeLineage(decider, question);
          const what = { chargeId: data.chargeId, kind: data.kind, revision: data.revision };
          // The history kept to the types its kind depends on explains it the same.
          const types: ReadonlySet<string> = new Set(eventTypesBehind(data.kind));
          const kept = (events: readonly StoredEvent[]) => events.filter((event) => types.has(event.type));
          const lean = chargeLineage(decider, {
            charge,
            history: kept(question.history),
            previous: question.previous && {
              charge: question.previous.charge,
              storedAfter: kept(question.history.slice(0, question.previous.storedAfter)).length,
            },
          });
          expect({ ...what, lineage: lean }).toEqual({ ...what, lineage });
          if (isInitialFeeKind(data.kind)) {
            // One unit, the basis that set the requirement: every revision's quantity adds up to it.
            expect({
              ...what,
              unitCount: lineage.unitCount,
              basis: (lineage.units[0] as { basis?: number }).basis,
            }).toEqual({ ...what, unitCount: 1, basis: total });
          } else {
            expect({ ...what, unitCount: lineage.unitCount }).toEqual({ ...what, unitCount: total });
            expect({ ...what, units: lineage.units }).toEqual({
              ...what,
              units: recountedUnits(data, question.history, tariff),
            });
          }
          if (charge.type === 'ChargeAdjusted') {
            expect({ ...what, moved: lineage.added!.length - lineage.removed!.length }).toEqual({
              ...what,
              moved: isInitialFeeKind(data.kind) ? 0 : data.quantity,
            });
          } else {
            expect({ ...what, added: lineage.added, removed: lineage.removed }).toEqual({
              ...what,
              added: null,
              removed: null,
            });
          }
        }
      }),
      RUNS,
    );
  });
});
