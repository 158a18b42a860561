import { createHash } from 'node:crypto';
import { ESDB_EVENT_ID_NAMESPACE, EsdbStreamNames, esdbEventIdOf } from '../../libs/adapters/src/esdb/esdb-names';

/** RFC 9562 UUIDv5, written out independently of the uuid package. */
function referenceUuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(Buffer.from(name, 'utf8'))
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('ESDB event ids', () => {
  it('are the UUIDv5 of the CloudEvent id: the same id always maps to the same UUID', () => {
    for (const id of [
      '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11',
      'evt-1',
      '株式会社アクメ🎌|x',
      ' padded ',
      'a'.repeat(128),
    ]) {
      expect(esdbEventIdOf(id)).toBe(referenceUuidV5(id, ESDB_EVENT_ID_NAMESPACE));
      expect(esdbEventIdOf(id)).toBe(esdbEventIdOf(id));
      expect(esdbEventIdOf(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('keep ids apart that differ in case, whitespace or normalisation, and never pass a UUID through', () => {
    const ids = ['evt-1', 'EVT-1', 'evt-1 ', 'é', 'e\u0301'];
    expect(new Set(ids.map(esdbEventIdOf)).size).toBe(ids.length);
    const uuid = '0f8a4f7e-6a51-4c55-9d2e-1b9f8e6b2b11';
    expect(esdbEventIdOf(uuid)).not.toBe(uuid);
  });

  it('pin the namespace: changing it would orphan every stored guard', () => {
    expect(ESDB_EVENT_ID_NAMESPACE).toBe('c5d1f145-8624-4005-b125-f9e6874fd5fe');
    expect(esdbEventIdOf('evt-1')).toBe(referenceUuidV5('evt-1', 'c5d1f145-8624-4005-b125-f9e6874fd5fe'));
    expect(() => esdbEventIdOf('')).toThrow(TypeError);
  });
});

describe('EsdbStreamNames', () => {
  it('names the organisation streams, guards and the outbox checkpoint', () => {
    const names = new EsdbStreamNames();
    expect(names.organisation('acme')).toBe('billing-org-acme');
    expect(names.organisation('株式会社 アクメ-1')).toBe('billing-org-株式会社 アクメ-1');
    expect(names.guard(esdbEventIdOf('e'))).toBe(`billing-id-${esdbEventIdOf('e')}`);
    expect(names.outboxCheckpoint).toBe('billing-outbox-checkpoint');
    expect(() => names.guard('not-a-uuid')).toThrow(TypeError);
    expect(() => names.organisation('')).toThrow(TypeError);
  });

  it('tells its organisation streams from guards, system and foreign streams', () => {
    const names = new EsdbStreamNames('t1a2b3');
    expect(names.isOrganisationStream('t1a2b3-org-acme')).toBe(true);
    for (const other of [
      't1a2b3-id-x',
      't1a2b3-outbox-checkpoint',
      'billing-org-acme',
      '$stats-127.0.0.1:2113',
      '$$t1a2b3-org-acme',
      '$ce-t1a2b3',
    ]) {
      expect(names.isOrganisationStream(other)).toBe(false);
    }
  });

  it.each(['', 'Billing', 'bill-ing', '1billing', 'a'.repeat(41), 'billing_x'])('refuses the prefix %j', (prefix) => {
    expect(() => new EsdbStreamNames(prefix)).toThrow(RangeError);
  });
});
