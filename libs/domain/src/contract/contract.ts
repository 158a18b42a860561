import { Headcount, Service } from '../events/contract-events';
import { DayNumber } from '../time/jst-date';

/** A headcount report that may raise the initial fee (初期費用の適用, ※1). */
export interface HeadcountReport {
  readonly eventId: string;
  readonly changedOn: DayNumber;
  readonly basis: number;
}

/** The ID service of a contract: billed from the month of `openedOn` (開通月). */
export interface IdService {
  readonly eventId: string;
  readonly openedOn: DayNumber;
  readonly headcount: Headcount;
  /** max(declaredMembers, plannedUsers) at introduction. */
  readonly basis: number;
}

/** An organisation's accepted contract, as the accepted applications made it. */
export interface Contract {
  readonly orgId: string;
  readonly services: ReadonlySet<Service>;
  readonly idService: IdService | null;
  readonly headcountReports: readonly HeadcountReport[];
  readonly closedOn: DayNumber | null;
}

export function isOpenOn(contract: Contract, day: DayNumber): boolean {
  return contract.closedOn === null || day <= contract.closedOn;
}
