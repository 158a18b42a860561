import { ApplicationDecision, PeriodUsage, admit, billingWindowOf, periodNamed, usageOf } from '@smartme/domain';
import { ProjectionStore } from '@smartme/ports';
import { BillingSettings } from './billing-settings';

/** `usage`: the counters behind a period (interfaces.md §3). */
export type UsageReport = { readonly orgId: string; readonly period: string } & PeriodUsage;

/** `contracts`: one line per application. */
export type ContractReport = Omit<ApplicationDecision, 'eventId'>;

/** Read models for operators, computed from the projections with the domain's rules. */
export class Reports {
  constructor(
    private readonly projections: ProjectionStore,
    private readonly settings: BillingSettings,
  ) {}

  async usage(orgId: string, period: string): Promise<UsageReport> {
    const { tariff, closeGraceMs } = this.settings;
    const [org] = await this.projections.organisations([orgId]);
    const contract = org ? admit(orgId, org.applications, tariff).contract : null;
    const billed = periodNamed(period, billingWindowOf(contract), tariff.verificationYear.startMonth, closeGraceMs);
    return org ? { orgId, period, ...usageOf(billed, org.usage) } : { orgId, period, ...emptyUsage(billed.type) };
  }

  async contracts(orgId?: string): Promise<ContractReport[]> {
    const organisations = await this.projections.organisations(orgId ? [orgId] : undefined);
    return organisations.flatMap((org) =>
      admit(org.orgId, org.applications, this.settings.tariff).decisions.map(
        ({ eventId: _eventId, ...decision }) => decision,
      ),
    );
  }
}

function emptyUsage(type: 'month' | 'year'): PeriodUsage {
  return type === 'month'
    ? { registrations: 0, activeAtMonthEnd: 0 }
    : { verificationsCounted: 0, verificationsInternal: 0 };
}
