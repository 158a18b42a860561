import { BillingMonth, billingMonth, calendarMonthOf, yearOfMonth } from './billing-month';

/**
 * A billing year: twelve billing months from the tariff's `verificationYear.startMonth`.
 * It is named by the calendar year of its first month (interfaces.md §2: `2025`).
 */
export interface BillingYear {
  readonly name: number;
  readonly firstMonth: BillingMonth;
  readonly lastMonth: BillingMonth;
}

export function billingYearOf(month: BillingMonth, startMonth: number): BillingYear {
  const name = calendarMonthOf(month) >= startMonth ? yearOfMonth(month) : yearOfMonth(month) - 1;
  return billingYearNamed(name, startMonth);
}

export function billingYearNamed(name: number, startMonth: number): BillingYear {
  const firstMonth = billingMonth(name, startMonth);
  return { name, firstMonth, lastMonth: firstMonth + 11 };
}
