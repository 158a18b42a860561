import { Charge, ChargeEvent } from '@smartme/domain';

export const CHARGE_SOURCE = 'smartme-billing';

/** A charge event exactly as invoicing receives it on `billing.charges` (interfaces.md §2). */
export interface ChargeCloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: ChargeEvent['type'];
  readonly time: string;
  readonly subject: string;
  readonly data: Charge;
}

export function toChargeCloudEvent(event: ChargeEvent): ChargeCloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: CHARGE_SOURCE,
    type: event.type,
    time: event.time,
    subject: event.data.orgId,
    data: inContractOrder(event.data),
  };
}

/** The fields in the order of interfaces.md §2, whatever order storage returned them in (jsonb sorts keys). */
function inContractOrder(charge: Charge): Charge {
  const {
    chargeId,
    orgId,
    kind,
    period,
    quantity,
    amount,
    currency,
    tariffVersion,
    termsVersion,
    revision,
    adjusts,
    lines,
  } = charge;
  return {
    chargeId,
    orgId,
    kind,
    period,
    quantity,
    amount,
    currency,
    tariffVersion,
    termsVersion,
    revision,
    adjusts,
    lines: lines.map((line) =>
      'credit' in line
        ? { credit: line.credit, quantity: line.quantity, amount: line.amount }
        : {
            from: line.from,
            to: line.to,
            quantity: line.quantity,
            ...(line.unitPrice !== undefined ? { unitPrice: line.unitPrice } : {}),
            ...(line.flatAmount !== undefined ? { flatAmount: line.flatAmount } : {}),
            amount: line.amount,
          },
    ),
  };
}
