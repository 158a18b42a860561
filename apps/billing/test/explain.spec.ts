import { join } from 'node:path';
import { WORKED_EXAMPLE, billing, ndjson, tempDir } from '../../../test/support/cli';
import { RunningService, startService } from './support';

type Charge = { type: string; data: { chargeId: string; kind: string; period: string; revision: number } };
type Explanation = {
  charge: Charge;
  tariffVersion: string;
  termsVersion: string;
  lines: unknown[];
  events: { id: string }[];
  unitCount: number;
  units: Record<string, unknown>[];
  added: Record<string, unknown>[] | null;
  removed: Record<string, unknown>[] | null;
  truncated: boolean;
};

/** The worked example's input events (test/fixtures/worked-example), by what they are. */
const EVENTS = {
  contractOpened: 'a96461d7-6983-59fd-813f-28afb6f1a612',
  registeredA: '86555420-395c-55eb-9cb6-7c5779c90b2b',
  registeredB: '462d9776-a600-5b18-b922-b97877a8600c',
  registeredC: 'e03ccd3d-9621-57a6-b326-22951db17a55',
  revokedC: '2fbe8d13-643e-5512-95ff-2b00de6dc42a',
  reregisteredC: '512e4d8a-1a13-5583-a56d-9b382347a86a',
  revokedB: '7c97fe9f-22a3-5a49-9e27-720d3f82b4d0',
  lateRevokedA: '9ab4f762-8935-5003-a338-e389406af669',
};

/** What the October monthly fee (2 IDs active at month end) was computed from, in event-time order. */
const OCTOBER_LIFECYCLE = [
  { id: EVENTS.registeredA, type: 'IdRegistered', time: '2025-10-10T09:00:00+09:00' },
  { id: EVENTS.registeredB, type: 'IdRegistered', time: '2025-10-11T09:00:00+09:00' },
  { id: EVENTS.registeredC, type: 'IdRegistered', time: '2025-10-12T09:00:00+09:00' },
  { id: EVENTS.revokedC, type: 'IdRevoked', time: '2025-10-20T09:00:00+09:00' },
  { id: EVENTS.reregisteredC, type: 'IdRegistered', time: '2025-10-25T09:00:00+09:00' },
  { id: EVENTS.revokedB, type: 'IdRevoked', time: '2025-10-31T23:59:59+09:00' },
];

/** `billing explain --charge ID` and `GET /v1/charges/{chargeId}/explain` on the worked example. */
describe('charge lineage (explain)', () => {
  const data = tempDir();
  const store = ['--data', data, '--tariff', join(WORKED_EXAMPLE, 'tariff.json')];
  /** The last output of the CLI per charge, to compare the HTTP answers with. */
  const printed = new Map<string, string>();
  const explain = async (chargeId: string) => {
    const result = await billing(['explain', '--charge', chargeId, ...store]);
    expect(result).toMatchObject({ code: 0 });
    printed.set(chargeId, result.stdout);
    return JSON.parse(result.stdout) as Explanation;
  };
  /** Every charge issued so far: what the closes printed. */
  const issued: Charge[] = [];
  const close = async (asOf: string) => {
    const result = await billing(['close', '--as-of', asOf, '--format', 'ndjson', ...store]);
    expect(result.code).toBe(0);
    issued.push(...ndjson<Charge>(result.stdout));
  };
  const charge = (kind: string, period: string, revision = 0) =>
    issued.find((c) => c.data.kind === kind && c.data.period === period && c.data.revision === revision)!;
  let octoberFee: Charge;

  beforeAll(async () => {
    expect((await billing(['ingest', join(WORKED_EXAMPLE, 'events-1.ndjson'), ...store])).code).toBe(0);
    await close('2025-11-01T01:00:00+09:00');
    octoberFee = charge('monthly-fee', '2025-10');
  });

  it("explains October's monthly fee by the ID registrations and revocations up to the month end", async () => {
    expect(await explain(octoberFee.data.chargeId)).toEqual({
      charge: octoberFee,
      tariffVersion: '2025-10',
      termsVersion: '2025-10',
      lines: [{ from: 1, to: 100, quantity: 2, unitPrice: '300', amount: '600' }],
      events: OCTOBER_LIFECYCLE,
      unitCount: 2,
      units: [
        { idId: 'a', event: EVENTS.registeredA },
        { idId: 'c', event: EVENTS.reregisteredC },
      ],
      added: null,
      removed: null,
      truncated: false,
    });
  });

  it('prints the object in the contract order as one ndjson line, and cuts long lists at --limit', async () => {
    const result = await billing(['explain', '--charge', octoberFee.data.chargeId, '--format', 'ndjson', ...store]);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(JSON.parse(result.stdout))).toEqual([
      'charge',
      'tariffVersion',
      'termsVersion',
      'lines',
      'events',
      'unitCount',
      'units',
      'added',
      'removed',
      'truncated',
    ]);
    const cut = await billing(['explain', '--charge', octoberFee.data.chargeId, '--limit', '1', ...store]);
    expect(JSON.parse(cut.stdout)).toMatchObject({
      unitCount: 2,
      units: [{ idId: 'a', event: EVENTS.registeredA }],
      events: [OCTOBER_LIFECYCLE[0]],
      truncated: true,
    });
    expect((await billing(['explain', '--charge', octoberFee.data.chargeId, '--limit', '0', ...store])).code).toBe(2);
  });

  it('prints tables for a person: the charge and its figures, then each list', async () => {
    const result = await billing(['explain', '--charge', octoberFee.data.chargeId, '--format', 'table', ...store]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('units (2)');
    expect(result.stdout).toContain(EVENTS.reregisteredC);
    expect(result.stdout).toContain('events (6)');
    expect(result.stdout).not.toContain('added (');
  });

  it('explains the initial fee by the application that opened the ID service', async () => {
    const lineage = await explain(charge('initial-fee', '2025-10').data.chargeId);
    expect(lineage.events).toEqual([
      { id: EVENTS.contractOpened, type: 'ContractOpened', time: '2025-10-05T10:00:00+09:00' },
    ]);
    expect(lineage.lines).toEqual([{ from: 101, to: null, quantity: 120, amount: '300000' }]);
    expect(lineage).toMatchObject({
      unitCount: 1,
      units: [{ basis: 120, source: 'application', event: EVENTS.contractOpened }],
    });
  });

  it('explains the registrations of October by the lifecycle events of October', async () => {
    expect((await explain(charge('id-registration', '2025-10').data.chargeId)).events).toEqual(OCTOBER_LIFECYCLE);
  });

  it('lists a late event under the adjustment it caused, not under the original charge', async () => {
    expect((await billing(['ingest', join(WORKED_EXAMPLE, 'events-2.ndjson'), ...store])).code).toBe(0);
    await close('2025-12-01T02:00:00+09:00');
    expect((await explain(octoberFee.data.chargeId)).events.map((e) => e.id)).toEqual(
      OCTOBER_LIFECYCLE.map((e) => e.id),
    );
    const adjustment = await explain(charge('monthly-fee', '2025-10', 1).data.chargeId);
    expect(adjustment.charge).toMatchObject({
      type: 'ChargeAdjusted',
      data: { adjusts: octoberFee.data.chargeId, quantity: -1 },
    });
    // What the adjustment took away, against the original; 2 − 1 units, as its quantities add up.
    expect(adjustment).toMatchObject({
      unitCount: 1,
      units: [{ idId: 'c', event: EVENTS.reregisteredC }],
      added: [],
      removed: [{ idId: 'a', event: EVENTS.registeredA }],
      truncated: false,
    });
    expect(adjustment.events.map((e) => e.id)).toEqual([
      EVENTS.registeredA,
      EVENTS.registeredB,
      EVENTS.registeredC,
      EVENTS.lateRevokedA,
      EVENTS.revokedC,
      EVENTS.reregisteredC,
      EVENTS.revokedB,
    ]);
  });

  it('explains the verification year by the verifications of other organisations', async () => {
    await close('2026-01-01T02:00:00+09:00');
    const lineage = await explain(charge('verification', '2025').data.chargeId);
    expect(lineage.unitCount).toBe(7);
    expect(lineage.units.map((unit) => unit.verifierOrgId)).toEqual(Array(7).fill('beta'));
    expect(lineage.units.map((unit) => unit.event)).toEqual(lineage.events.map((e) => e.id));
    // Four by beta in October (acme's own four are internal, not billed), three in December.
    expect(lineage.events.map((e) => e.id)).toEqual([
      '3d435676-82ba-568b-b29d-162d4627610f',
      'b5038f55-4fa4-52a6-b819-baffd2a9c5cc',
      '1c507d90-cb9b-5dec-80ef-5484fa97c3bc',
      '4ccf0e66-399a-5637-929d-92a67286af2f',
      'c1fee1a8-3a46-5420-9ac4-7454cfb19bad',
      '0ce98288-7e90-5560-95af-914df41c23ad',
      'd7267736-6db3-5821-9544-7504d418926d',
    ]);
  });

  it('fails with exit code 1 and one line for an unknown charge', async () => {
    const result = await billing(['explain', '--charge', 'no-such-charge', ...store]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'billing: explain: no charge has the id no-such-charge\n' });
  });

  it('needs --charge (a usage error)', async () => {
    expect((await billing(['explain', ...store])).code).toBe(2);
  });

  describe('over HTTP', () => {
    const token = 'api-token-0123456789';
    let service: RunningService;
    const get = (path: string, auth: string | null = token) =>
      fetch(`${service.base}${path}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });

    beforeAll(async () => {
      service = await startService({ BILLING_DATA_DIR: data, BILLING_API_TOKEN: token });
    });

    afterAll(() => service.app.close());

    it('answers exactly what the CLI printed, for every kind', async () => {
      // The embedded store has one owner at a time: the CLI ran before the service started.
      expect(printed.size).toBe(5);
      // With a limit, lists are cut as the CLI cuts them.
      const cut = await get(`/v1/charges/${octoberFee.data.chargeId}/explain?limit=1`);
      expect(await cut.json()).toMatchObject({ unitCount: 2, units: [{ idId: 'a' }], truncated: true });
      for (const [chargeId, stdout] of printed) {
        const response = await get(`/v1/charges/${chargeId}/explain`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(JSON.parse(stdout));
      }
      expect(JSON.parse(printed.get(octoberFee.data.chargeId)!)).toMatchObject({
        charge: octoberFee,
        events: OCTOBER_LIFECYCLE,
      });
    });

    it('answers an unknown charge with a 404 problem document naming chargeId, and needs the token', async () => {
      const response = await get('/v1/charges/no-such-charge/explain');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toEqual({
        type: 'about:blank',
        title: 'charge not found',
        status: 404,
        detail: 'no charge has the id no-such-charge',
        field: 'chargeId',
      });
      expect((await get(`/v1/charges/${octoberFee.data.chargeId}/explain`, null)).status).toBe(401);
      const badLimit = await get(`/v1/charges/${octoberFee.data.chargeId}/explain?limit=0`);
      expect(badLimit.status).toBe(400);
      expect(await badLimit.json()).toMatchObject({ status: 400, field: 'limit' });
    });
  });
});
