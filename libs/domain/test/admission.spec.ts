import { ContractEvent, admit } from '../src';
import { contractClosed, contractOpened, headcountChanged, idServiceAdded } from './support/events';
import { sampleTariff } from './support/sample-tariff';

const org = 'org-apply';
const decisions = (...applications: ContractEvent[]) =>
  admit(org, applications, sampleTariff).decisions.map((d) => [d.type, d.status, d.reason, d.termsVersion]);

describe('applications under Article 4 and the 2025-10-01 terms change (§3)', () => {
  it('accepts an ID-only application up to 2025-09-30 under the old terms', () => {
    expect(decisions(contractOpened(org, ['id'], { appliedOn: '2025-09-30', openedOn: '2025-10-10' }))).toEqual([
      ['ContractOpened', 'accepted', null, '2025-09'],
    ]);
  });

  it('rejects an ID-only application from 2025-10-01', () => {
    expect(decisions(contractOpened(org, ['id'], { appliedOn: '2025-10-01', openedOn: '2025-10-10' }))).toEqual([
      ['ContractOpened', 'rejected', 'ID_SERVICE_REQUIRES_ENTRY_EXIT', '2025-10'],
    ]);
  });

  it('accepts an ID-only application through an Annex 3 channel', () => {
    expect(
      decisions(
        contractOpened(org, ['id'], {
          appliedOn: '2025-10-01',
          openedOn: '2025-10-10',
          channel: 'secom-smartphone-id',
        }),
      ),
    ).toEqual([['ContractOpened', 'accepted', null, '2025-10']]);
  });

  it('accepts entry/exit with the ID service, and entry/exit alone', () => {
    expect(
      decisions(contractOpened(org, ['entry-exit', 'id'], { appliedOn: '2025-11-01', openedOn: '2025-11-10' }))[0]![1],
    ).toBe('accepted');
    expect(
      decisions(contractOpened(org, ['entry-exit'], { appliedOn: '2025-11-01', openedOn: '2025-11-10' }))[0]![1],
    ).toBe('accepted');
  });

  it('rejects a second opening as a duplicate, even with no service', () => {
    expect(
      decisions(
        contractOpened(org, ['entry-exit'], { appliedOn: '2025-11-01', openedOn: '2025-11-10' }),
        contractOpened(org, [], { appliedOn: '2025-11-02', openedOn: '2025-11-10' }),
      )[1]![2],
    ).toBe('DUPLICATE_CONTRACT');
  });

  it('takes the basis from IdServiceAdded, not from reports filed before the ID service', () => {
    const result = admit(
      org,
      [
        contractOpened(org, ['entry-exit'], { appliedOn: '2025-10-01', openedOn: '2025-10-01' }),
        headcountChanged(org, '2025-10-10', 250, 0),
        idServiceAdded(org, { appliedOn: '2025-11-01', openedOn: '2025-11-05', declaredMembers: 50, plannedUsers: 0 }),
      ],
      sampleTariff,
    );
    expect(result.contract).toMatchObject({ idService: { basis: 50 }, headcountReports: [] });
  });

  it('rejects an application with no service', () => {
    expect(decisions(contractOpened(org, [], { appliedOn: '2025-11-01', openedOn: '2025-11-10' }))[0]![2]).toBe(
      'NO_SERVICE_SELECTED',
    );
  });

  it('makes the first accepted opening in event-time order the contract, whatever the arrival order', () => {
    const late = contractOpened(org, ['entry-exit', 'id'], {
      appliedOn: '2025-11-01',
      openedOn: '2025-11-10',
      time: '2025-11-01T10:00:00',
    });
    const early = contractOpened(org, ['entry-exit', 'id'], {
      appliedOn: '2025-10-20',
      openedOn: '2025-10-25',
      time: '2025-10-20T10:00:00',
    });
    const inOrder = [early, late];
    const result = admit(org, inOrder, sampleTariff);
    expect(result.decisions.map((d) => [d.eventId, d.reason])).toEqual([
      [early.id, null],
      [late.id, 'DUPLICATE_CONTRACT'],
    ]);
    expect(result.contract?.idService?.eventId).toBe(early.id);
  });

  it('rejects changes and closures for an organisation without a contract', () => {
    expect(
      decisions(
        headcountChanged(org, '2025-11-01', 10, 10),
        contractClosed(org, '2025-11-30'),
        idServiceAdded(org, { appliedOn: '2025-11-01', openedOn: '2025-11-10' }),
      ).map((d) => d[2]),
    ).toEqual(['UNKNOWN_ORG', 'UNKNOWN_ORG', 'UNKNOWN_ORG']);
  });

  it('gives an entry/exit contract the ID service through IdServiceAdded, opening then', () => {
    const result = admit(
      org,
      [
        contractOpened(org, ['entry-exit'], { appliedOn: '2025-10-02', openedOn: '2025-10-05' }),
        idServiceAdded(org, {
          appliedOn: '2025-11-02',
          openedOn: '2025-11-20',
          declaredMembers: 150,
          plannedUsers: 40,
        }),
      ],
      sampleTariff,
    );
    expect(result.decisions.map((d) => d.status)).toEqual(['accepted', 'accepted']);
    expect(result.contract?.idService).toMatchObject({
      basis: 150,
      headcount: { declaredMembers: 150, plannedUsers: 40 },
    });
  });

  it('applies the new rule to an additional ID-service application of an old ID-only contract', () => {
    const result = decisions(
      contractOpened(org, ['id'], { appliedOn: '2025-09-01', openedOn: '2025-09-10' }),
      idServiceAdded(org, { appliedOn: '2025-10-15', openedOn: '2025-10-20' }),
      idServiceAdded(org, { appliedOn: '2025-10-16', openedOn: '2025-10-20', channel: 'secom-smartphone-id' }),
    );
    expect(result.map((d) => d[2])).toEqual([null, 'ID_SERVICE_REQUIRES_ENTRY_EXIT', null]);
  });

  it('always accepts headcount reports for a contract, and the first closure only', () => {
    const result = decisions(
      contractOpened(org, ['entry-exit', 'id'], { appliedOn: '2025-10-02', openedOn: '2025-10-05' }),
      headcountChanged(org, '2025-11-01', 1, 1),
      contractClosed(org, '2025-12-31'),
      contractClosed(org, '2026-01-31'),
    );
    expect(result.map((d) => [d[0], d[1]])).toEqual([
      ['ContractOpened', 'accepted'],
      ['HeadcountChanged', 'accepted'],
      ['ContractClosed', 'accepted'],
      ['ContractClosed', 'rejected'],
    ]);
  });
});
