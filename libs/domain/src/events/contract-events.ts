import { JstDate } from '../time/jst-date';
import { BillingEvent } from './billing-event';

export type Service = 'entry-exit' | 'id';
export const SERVICES: readonly Service[] = ['entry-exit', 'id'];

/** What an applicant declares: 組織の所属人数 and 利用予定人数. */
export interface Headcount {
  readonly declaredMembers: number;
  readonly plannedUsers: number;
}

export type ContractOpened = BillingEvent<
  'ContractOpened',
  Headcount & {
    readonly orgId: string;
    readonly appliedOn: JstDate;
    readonly openedOn: JstDate;
    readonly services: readonly Service[];
    readonly channel?: string;
  }
>;

export type IdServiceAdded = BillingEvent<
  'IdServiceAdded',
  Headcount & {
    readonly orgId: string;
    readonly appliedOn: JstDate;
    readonly openedOn: JstDate;
    readonly channel?: string;
  }
>;

export type HeadcountChanged = BillingEvent<
  'HeadcountChanged',
  Headcount & { readonly orgId: string; readonly changedOn: JstDate }
>;

export type ContractClosed = BillingEvent<'ContractClosed', { readonly orgId: string; readonly closedOn: JstDate }>;

export type ContractEvent = ContractOpened | IdServiceAdded | HeadcountChanged | ContractClosed;

/** The initial-fee basis: whichever of the two declared numbers is larger (初期費用の適用). */
export function headcountBasis(headcount: Headcount): number {
  return Math.max(headcount.declaredMembers, headcount.plannedUsers);
}
