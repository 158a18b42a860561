import { decodeStructured } from '../../src/intake';
import { CONTEXT, accepted, event, recordFor } from './fixtures';

/** /work/shared/spec/examples/worked-example/events-1.ndjson (and a line of events-2), verbatim. */
const WORKED_EXAMPLE = [
  '{"specversion": "1.0", "id": "a96461d7-6983-59fd-813f-28afb6f1a612", "source": "contract-management", "type": "ContractOpened", "time": "2025-10-05T10:00:00+09:00", "data": {"orgId": "acme", "appliedOn": "2025-10-05", "openedOn": "2025-10-10", "services": ["entry-exit", "id"], "declaredMembers": 80, "plannedUsers": 120}}',
  '{"specversion": "1.0", "id": "86555420-395c-55eb-9cb6-7c5779c90b2b", "source": "identity-platform", "type": "IdRegistered", "time": "2025-10-10T09:00:00+09:00", "data": {"orgId": "acme", "idId": "a"}}',
  '{"specversion": "1.0", "id": "462d9776-a600-5b18-b922-b97877a8600c", "source": "identity-platform", "type": "IdRegistered", "time": "2025-10-11T09:00:00+09:00", "data": {"orgId": "acme", "idId": "b"}}',
  '{"specversion": "1.0", "id": "e03ccd3d-9621-57a6-b326-22951db17a55", "source": "identity-platform", "type": "IdRegistered", "time": "2025-10-12T09:00:00+09:00", "data": {"orgId": "acme", "idId": "c"}}',
  '{"specversion": "1.0", "id": "2fbe8d13-643e-5512-95ff-2b00de6dc42a", "source": "identity-platform", "type": "IdRevoked", "time": "2025-10-20T09:00:00+09:00", "data": {"orgId": "acme", "idId": "c", "reason": "revoked"}}',
  '{"specversion": "1.0", "id": "512e4d8a-1a13-5583-a56d-9b382347a86a", "source": "identity-platform", "type": "IdRegistered", "time": "2025-10-25T09:00:00+09:00", "data": {"orgId": "acme", "idId": "c"}}',
  '{"specversion": "1.0", "id": "7c97fe9f-22a3-5a49-9e27-720d3f82b4d0", "source": "identity-platform", "type": "IdRevoked", "time": "2025-10-31T23:59:59+09:00", "data": {"orgId": "acme", "idId": "b", "reason": "expired"}}',
  '{"specversion": "1.0", "id": "3d435676-82ba-568b-b29d-162d4627610f", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-13T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "a", "verifierOrgId": "beta", "verifierIdId": "beta-0"}}',
  '{"specversion": "1.0", "id": "b5038f55-4fa4-52a6-b819-baffd2a9c5cc", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-14T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "a", "verifierOrgId": "beta", "verifierIdId": "beta-1"}}',
  '{"specversion": "1.0", "id": "1c507d90-cb9b-5dec-80ef-5484fa97c3bc", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-15T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "a", "verifierOrgId": "beta", "verifierIdId": "beta-2"}}',
  '{"specversion": "1.0", "id": "4ccf0e66-399a-5637-929d-92a67286af2f", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-16T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "a", "verifierOrgId": "beta", "verifierIdId": "beta-3"}}',
  '{"specversion": "1.0", "id": "d39792f8-5614-5309-ab0d-bfa21352d3ef", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-20T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "c", "verifierOrgId": "acme", "verifierIdId": "a"}}',
  '{"specversion": "1.0", "id": "a1912e9c-6988-593e-b3ec-0ac7c5c98da1", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-21T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "c", "verifierOrgId": "acme", "verifierIdId": "a"}}',
  '{"specversion": "1.0", "id": "9c853296-7754-5fcc-ae2c-78c8c6240bed", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-22T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "c", "verifierOrgId": "acme", "verifierIdId": "a"}}',
  '{"specversion": "1.0", "id": "2b7b6585-739e-5747-9ba3-aa8a07d387ab", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-10-23T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "c", "verifierOrgId": "acme", "verifierIdId": "a"}}',
  '{"specversion": "1.0", "id": "c1fee1a8-3a46-5420-9ac4-7454cfb19bad", "source": "identity-platform", "type": "CredentialVerified", "time": "2025-12-01T12:00:00+09:00", "data": {"holderOrgId": "acme", "holderIdId": "c", "verifierOrgId": "beta"}}',
];

// The worked example has no IdServiceAdded, HeadcountChanged or ContractClosed: these
// follow interfaces.md §1 in the same style.
const OTHER_TYPES = [
  '{"specversion": "1.0", "id": "5b0e3c1e-0d7f-4a52-9a55-3c1f1b7f0a01", "source": "contract-management", "type": "IdServiceAdded", "time": "2025-10-06T10:00:00+09:00", "data": {"orgId": "beta", "appliedOn": "2025-10-06", "openedOn": "2025-11-01", "channel": "secom-smartphone-id", "declaredMembers": 30, "plannedUsers": 10}}',
  '{"specversion": "1.0", "id": "5b0e3c1e-0d7f-4a52-9a55-3c1f1b7f0a02", "source": "contract-management", "type": "HeadcountChanged", "time": "2025-10-20T10:00:00+09:00", "data": {"orgId": "acme", "changedOn": "2025-10-20", "declaredMembers": 150, "plannedUsers": 120}}',
  '{"specversion": "1.0", "id": "5b0e3c1e-0d7f-4a52-9a55-3c1f1b7f0a03", "source": "contract-management", "type": "ContractClosed", "time": "2025-10-31T18:00:00+09:00", "data": {"orgId": "acme", "closedOn": "2025-10-31"}}',
];

// A receipt clock after every example's time (the December verification included).
const LATER = { ...CONTEXT, nowMs: Date.parse('2026-01-01T00:00:00+09:00') };

describe('intake: valid events normalise to the stored record', () => {
  it.each([...WORKED_EXAMPLE, ...OTHER_TYPES])('%s', (line) => {
    const sent = JSON.parse(line) as { id: string; source: string; type: string; time: string; data: object };
    const record = accepted(decodeStructured(line, LATER));
    // Nothing but the known fields, each exactly as sent (these lines are canonical already).
    expect(record).toEqual({
      source: sent.source,
      event: { id: sent.id, type: sent.type, time: sent.time, data: sent.data },
    });
    expect(JSON.stringify(record.event.data)).toBe(JSON.stringify(sent.data));
    expect(Object.keys(record.event)).toEqual(['id', 'type', 'time', 'data']);
  });

  it('gives each type its data in a fixed key order, whatever order the producer used', () => {
    const expectations: Record<string, string[]> = {
      IdRegistered: ['orgId', 'idId'],
      IdRevoked: ['orgId', 'idId', 'reason'],
      CredentialVerified: ['holderOrgId', 'holderIdId', 'verifierOrgId', 'verifierIdId'],
      ContractOpened: ['orgId', 'appliedOn', 'openedOn', 'services', 'channel', 'declaredMembers', 'plannedUsers'],
      IdServiceAdded: ['orgId', 'appliedOn', 'openedOn', 'declaredMembers', 'plannedUsers'],
      HeadcountChanged: ['orgId', 'changedOn', 'declaredMembers', 'plannedUsers'],
      ContractClosed: ['orgId', 'closedOn'],
    };
    for (const [type, keys] of Object.entries(expectations)) {
      const straight = recordFor(event(type));
      const reversed = event(type);
      reversed.data = Object.fromEntries(Object.entries(reversed.data as object).reverse());
      const shuffled = recordFor(Object.fromEntries(Object.entries(reversed).reverse()));
      expect(Object.keys(straight.event.data)).toEqual(keys);
      expect(JSON.stringify(shuffled)).toBe(JSON.stringify(straight));
    }
  });
});
