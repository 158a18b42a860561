import { ContractClosed, ContractOpened, HeadcountChanged, IdServiceAdded, Service } from '@smartme/domain';
import { IsOptional } from 'class-validator';
import { IsCount } from './count.validator';
import { IsIdentifier } from './identifier.validator';
import { IsJstDate } from './jst-date.validator';
import { IsServices } from './services.validator';

// Fields are declared in the order of interfaces.md §1, which is the order reasons
// list their problems in. No base class for the headcount pair: inherited fields
// would be reported first.

type ContractOpenedData = ContractOpened['data'];
type IdServiceAddedData = IdServiceAdded['data'];
type HeadcountChangedData = HeadcountChanged['data'];
type ContractClosedData = ContractClosed['data'];

export class ContractOpenedDataDto implements ContractOpenedData {
  @IsIdentifier()
  orgId!: string;

  @IsJstDate()
  appliedOn!: string;

  @IsJstDate()
  openedOn!: string;

  @IsServices()
  services!: Service[];

  /** The application channel, e.g. `secom-smartphone-id` (Annex 3). */
  @IsOptional()
  @IsIdentifier()
  channel?: string;

  @IsCount()
  declaredMembers!: number;

  @IsCount()
  plannedUsers!: number;
}

export class IdServiceAddedDataDto implements IdServiceAddedData {
  @IsIdentifier()
  orgId!: string;

  @IsJstDate()
  appliedOn!: string;

  @IsJstDate()
  openedOn!: string;

  @IsOptional()
  @IsIdentifier()
  channel?: string;

  @IsCount()
  declaredMembers!: number;

  @IsCount()
  plannedUsers!: number;
}

export class HeadcountChangedDataDto implements HeadcountChangedData {
  @IsIdentifier()
  orgId!: string;

  @IsJstDate()
  changedOn!: string;

  @IsCount()
  declaredMembers!: number;

  @IsCount()
  plannedUsers!: number;
}

export class ContractClosedDataDto implements ContractClosedData {
  @IsIdentifier()
  orgId!: string;

  @IsJstDate()
  closedOn!: string;
}
