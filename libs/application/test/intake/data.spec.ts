import { COUNT, IDENTIFIER, VALID_DATA, reasonFor, recordFor, withData } from './fixtures';

const IDENTIFIER_FIELDS: readonly [string, string][] = [
  ['IdRegistered', 'orgId'],
  ['IdRegistered', 'idId'],
  ['IdRevoked', 'orgId'],
  ['IdRevoked', 'idId'],
  ['CredentialVerified', 'holderOrgId'],
  ['CredentialVerified', 'holderIdId'],
  ['CredentialVerified', 'verifierOrgId'],
  ['ContractOpened', 'orgId'],
  ['IdServiceAdded', 'orgId'],
  ['HeadcountChanged', 'orgId'],
  ['ContractClosed', 'orgId'],
];
const OPTIONAL_IDENTIFIERS: readonly [string, string][] = [
  ['CredentialVerified', 'verifierIdId'],
  ['ContractOpened', 'channel'],
  ['IdServiceAdded', 'channel'],
];
const DATE_FIELDS: readonly [string, string][] = [
  ['ContractOpened', 'appliedOn'],
  ['ContractOpened', 'openedOn'],
  ['IdServiceAdded', 'appliedOn'],
  ['IdServiceAdded', 'openedOn'],
  ['HeadcountChanged', 'changedOn'],
  ['ContractClosed', 'closedOn'],
];
const COUNT_FIELDS: readonly [string, string][] = ['ContractOpened', 'IdServiceAdded', 'HeadcountChanged'].flatMap(
  (type): [string, string][] => [
    [type, 'declaredMembers'],
    [type, 'plannedUsers'],
  ],
);

describe('intake: data identifiers', () => {
  it.each(IDENTIFIER_FIELDS)('%s.%s is required', (type, field) => {
    expect(reasonFor(withData(type, { [field]: undefined }))).toBe(`data.${field}: is required`);
    expect(reasonFor(withData(type, { [field]: null }))).toBe(`data.${field}: is required`);
  });

  it.each([...IDENTIFIER_FIELDS, ...OPTIONAL_IDENTIFIERS])('%s.%s must be a string', (type, field) => {
    expect(reasonFor(withData(type, { [field]: 123 }))).toBe(`data.${field}: must be a string`);
    expect(reasonFor(withData(type, { [field]: ['acme'] }))).toBe(`data.${field}: must be a string`);
  });

  it.each([...IDENTIFIER_FIELDS, ...OPTIONAL_IDENTIFIERS])(
    '%s.%s must be 1–128 printable characters',
    (type, field) => {
      for (const bad of ['', 'a\nb', '\t', 'x\u0000', '\u007f', '\u0085', 'y'.repeat(129)]) {
        expect(reasonFor(withData(type, { [field]: bad }))).toBe(`data.${field}: ${IDENTIFIER}`);
      }
      expect(recordFor(withData(type, { [field]: 'y'.repeat(128) })).event.data).toMatchObject({
        [field]: 'y'.repeat(128),
      });
      expect(recordFor(withData(type, { [field]: '株式会社アクメ' })).event.data).toMatchObject({
        [field]: '株式会社アクメ',
      });
    },
  );

  it.each(OPTIONAL_IDENTIFIERS)('%s.%s is optional: absent or null, it is left out', (type, field) => {
    expect(recordFor(withData(type, { [field]: undefined })).event.data).not.toHaveProperty(field);
    expect(recordFor(withData(type, { [field]: null })).event.data).not.toHaveProperty(field);
  });
});

describe('intake: IdRevoked reason', () => {
  it.each(['revoked', 'expired', 'deleted'])('accepts %s', (reason) => {
    expect(recordFor(withData('IdRevoked', { reason })).event.data).toEqual({
      orgId: 'acme',
      idId: 'm-000123',
      reason,
    });
  });

  it('is optional', () => {
    expect(recordFor(withData('IdRevoked', { reason: undefined })).event.data).toEqual({
      orgId: 'acme',
      idId: 'm-000123',
    });
  });

  it.each([['lost'], ['REVOKED'], [1], [['revoked']]])('rejects %j', (reason) => {
    expect(reasonFor(withData('IdRevoked', { reason }))).toBe(
      'data.reason: must be one of "revoked", "expired", "deleted"',
    );
  });
});

describe('intake: data dates', () => {
  it.each(DATE_FIELDS)('%s.%s is required', (type, field) => {
    expect(reasonFor(withData(type, { [field]: undefined }))).toBe(`data.${field}: is required`);
  });

  it.each(DATE_FIELDS)('%s.%s must be a real calendar date', (type, field) => {
    expect(reasonFor(withData(type, { [field]: '2025-02-30' }))).toBe(
      `data.${field}: 2025-02-30 is not a calendar date`,
    );
    expect(reasonFor(withData(type, { [field]: '2025-13-01' }))).toBe(
      `data.${field}: 2025-13-01 is not a calendar date`,
    );
    expect(recordFor(withData(type, { [field]: '2024-02-29' })).event.data).toMatchObject({ [field]: '2024-02-29' });
  });

  it.each(DATE_FIELDS)('%s.%s must be YYYY-MM-DD', (type, field) => {
    for (const bad of ['2025-10-5', '2025/10/05', '2025-10-05T00:00:00+09:00', '20251005']) {
      expect(reasonFor(withData(type, { [field]: bad }))).toBe(`data.${field}: must be a date YYYY-MM-DD`);
    }
    expect(reasonFor(withData(type, { [field]: 20251005 }))).toBe(`data.${field}: must be a string`);
  });
});

describe('intake: data counts', () => {
  it.each(COUNT_FIELDS)('%s.%s is required', (type, field) => {
    expect(reasonFor(withData(type, { [field]: undefined }))).toBe(`data.${field}: is required`);
  });

  it.each(COUNT_FIELDS)('%s.%s must be a safe integer ≥ 0', (type, field) => {
    for (const bad of [-1, 1.5, '80', 2 ** 53, 1e21, true, [3]]) {
      expect(reasonFor(withData(type, { [field]: bad }))).toBe(`data.${field}: ${COUNT}`);
    }
    expect(recordFor(withData(type, { [field]: 0 })).event.data).toMatchObject({ [field]: 0 });
    expect(recordFor(withData(type, { [field]: 2 ** 53 - 1 })).event.data).toMatchObject({ [field]: 2 ** 53 - 1 });
  });

  it('stores -0 as 0, so that it compares equal to a resend with 0', () => {
    const data = recordFor(withData('HeadcountChanged', { declaredMembers: -0 })).event.data;
    expect(Object.is((data as { declaredMembers: number }).declaredMembers, 0)).toBe(true);
  });
});

describe('intake: ContractOpened services', () => {
  it('accepts an empty list: the admission rules reject it later as NO_SERVICE_SELECTED, so it must be stored', () => {
    expect(recordFor(withData('ContractOpened', { services: [] })).event.data).toMatchObject({ services: [] });
  });

  it.each([[['entry-exit']], [['id']], [['entry-exit', 'id']]])('accepts %j', (services) => {
    expect(recordFor(withData('ContractOpened', { services })).event.data).toMatchObject({ services });
  });

  it('stores the services in a canonical order', () => {
    expect(recordFor(withData('ContractOpened', { services: ['id', 'entry-exit'] })).event.data).toMatchObject({
      services: ['entry-exit', 'id'],
    });
  });

  it('is required and must be an array', () => {
    expect(reasonFor(withData('ContractOpened', { services: undefined }))).toBe('data.services: is required');
    expect(reasonFor(withData('ContractOpened', { services: 'id' }))).toBe(
      'data.services: must be an array of "entry-exit", "id"',
    );
  });

  it('names the first element that is not a service', () => {
    expect(reasonFor(withData('ContractOpened', { services: ['entry-exit', 'parking'] }))).toBe(
      'data.services[1]: must be "entry-exit" or "id"',
    );
    expect(reasonFor(withData('ContractOpened', { services: [{ constructor: 1 }] }))).toBe(
      'data.services[0]: must be "entry-exit" or "id"',
    );
  });

  it('rejects a service listed twice', () => {
    expect(reasonFor(withData('ContractOpened', { services: ['id', 'entry-exit', 'id'] }))).toBe(
      'data.services[2]: "id" is listed twice',
    );
  });

  it('is not a field of IdServiceAdded: sent there, it is dropped', () => {
    expect(recordFor(withData('IdServiceAdded', { services: ['id'] })).event.data).toEqual(VALID_DATA.IdServiceAdded);
  });
});
