import {
  ContractClosed,
  ContractEvent,
  ContractOpened,
  HeadcountChanged,
  IdServiceAdded,
  headcountBasis,
} from '../events/contract-events';
import { Tariff, TermsVersion } from '../tariff/tariff';
import { termsVersionOn } from '../tariff/version-in-force';
import { parseJstDate } from '../time/jst-date';
import { ApplicationDecision, RejectionReason } from './application-decision';
import { Contract, isOpenOn } from './contract';

export interface Admission {
  readonly decisions: readonly ApplicationDecision[];
  readonly contract: Contract | null;
}

/**
 * Judges an organisation's applications under Article 4 and the terms version in force
 * on each application date (§3). `applications` must be in event-time order, ties by
 * event id (see OrganisationContracts), so the first accepted ContractOpened makes the
 * contract whatever order they arrived in.
 */
export function admit(orgId: string, applications: readonly ContractEvent[], tariff: Tariff): Admission {
  let contract: Contract | null = null;
  const decisions: ApplicationDecision[] = [];
  for (const application of applications) {
    const { reason, next, terms, appliedOn } = judge(contract, application, tariff);
    if (!reason) contract = next;
    decisions.push({
      eventId: application.id,
      orgId,
      type: application.type,
      appliedOn,
      status: reason ? 'rejected' : 'accepted',
      reason,
      termsVersion: terms.id,
    });
  }
  return { decisions, contract };
}

interface Judgement {
  readonly reason: RejectionReason | null;
  readonly next: Contract | null;
  readonly terms: TermsVersion;
  readonly appliedOn: string;
}

function judge(contract: Contract | null, application: ContractEvent, tariff: Tariff): Judgement {
  switch (application.type) {
    case 'ContractOpened':
      return judgeOpening(contract, application, tariff);
    case 'IdServiceAdded':
      return judgeIdServiceAdded(contract, application, tariff);
    case 'HeadcountChanged':
      return judgeHeadcountChange(contract, application, tariff);
    case 'ContractClosed':
      return judgeClosure(contract, application, tariff);
  }
}

function judgeOpening(contract: Contract | null, application: ContractOpened, tariff: Tariff): Judgement {
  const { data } = application;
  const terms = termsVersionOn(tariff, parseJstDate(data.appliedOn));
  const services = new Set(data.services);
  const judged = (reason: RejectionReason | null, next: Contract | null = contract): Judgement => ({
    reason,
    next,
    terms,
    appliedOn: data.appliedOn,
  });
  if (contract) return judged('DUPLICATE_CONTRACT');
  if (services.size === 0) return judged('NO_SERVICE_SELECTED');
  if (services.has('id') && !admitsIdService(terms, services.has('entry-exit'), data.channel)) {
    return judged('ID_SERVICE_REQUIRES_ENTRY_EXIT');
  }
  return judged(null, {
    orgId: data.orgId,
    services,
    idService: services.has('id') ? idServiceOf(application) : null,
    headcountReports: [],
    closedOn: null,
  });
}

/**
 * An entry/exit-only contract gains the ID service. For a contract that already has it,
 * an accepted additional application is a new headcount report (Decision recorded in
 * the issue note): it can only raise the initial fee, never refund it.
 */
function judgeIdServiceAdded(contract: Contract | null, application: IdServiceAdded, tariff: Tariff): Judgement {
  const { data } = application;
  const appliedOn = parseJstDate(data.appliedOn);
  const terms = termsVersionOn(tariff, appliedOn);
  const judged = (reason: RejectionReason | null, next: Contract | null = contract): Judgement => ({
    reason,
    next,
    terms,
    appliedOn: data.appliedOn,
  });
  if (!contract || !isOpenOn(contract, appliedOn)) return judged('UNKNOWN_ORG');
  if (!admitsIdService(terms, contract.services.has('entry-exit'), data.channel)) {
    return judged('ID_SERVICE_REQUIRES_ENTRY_EXIT');
  }
  if (contract.idService) {
    const report = { eventId: application.id, changedOn: parseJstDate(data.openedOn), basis: headcountBasis(data) };
    return judged(null, { ...contract, headcountReports: [...contract.headcountReports, report] });
  }
  // The application's headcounts are the initial-fee basis (§3 Decision): reports filed
  // while the contract had no ID service do not count against it.
  const services = new Set(contract.services).add('id');
  return judged(null, { ...contract, services, idService: idServiceOf(application), headcountReports: [] });
}

/** Headcount reports are obligations, not applications: accepted for any open contract. */
function judgeHeadcountChange(contract: Contract | null, application: HeadcountChanged, tariff: Tariff): Judgement {
  const { data } = application;
  const changedOn = parseJstDate(data.changedOn);
  const terms = termsVersionOn(tariff, changedOn);
  if (!contract || !isOpenOn(contract, changedOn)) {
    return { reason: 'UNKNOWN_ORG', next: contract, terms, appliedOn: data.changedOn };
  }
  const report = { eventId: application.id, changedOn, basis: headcountBasis(data) };
  return {
    reason: null,
    next: { ...contract, headcountReports: [...contract.headcountReports, report] },
    terms,
    appliedOn: data.changedOn,
  };
}

/** The first closure stands; a later one finds no open contract to close. */
function judgeClosure(contract: Contract | null, application: ContractClosed, tariff: Tariff): Judgement {
  const { data } = application;
  const terms = termsVersionOn(tariff, parseJstDate(data.closedOn));
  if (!contract || contract.closedOn !== null) {
    return { reason: 'UNKNOWN_ORG', next: contract, terms, appliedOn: data.closedOn };
  }
  return {
    reason: null,
    next: { ...contract, closedOn: parseJstDate(data.closedOn) },
    terms,
    appliedOn: data.closedOn,
  };
}

/** Article 4 ¶3: from the cut-over, the ID service needs entry/exit or an Annex 3 channel. */
function admitsIdService(terms: TermsVersion, hasEntryExit: boolean, channel: string | undefined): boolean {
  return (
    !terms.idServiceRequiresEntryExit ||
    hasEntryExit ||
    (channel !== undefined && terms.annex3Channels.includes(channel))
  );
}

function idServiceOf(application: ContractOpened | IdServiceAdded) {
  const { data } = application;
  return {
    eventId: application.id,
    openedOn: parseJstDate(data.openedOn),
    headcount: { declaredMembers: data.declaredMembers, plannedUsers: data.plannedUsers },
    basis: headcountBasis(data),
  };
}
