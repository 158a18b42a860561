import { ContractEvent } from '../events/contract-events';
import { eventOrderKey } from '../events/event-order';

/**
 * An organisation's applications in the order §3 evaluates them: event time, ties by
 * event id. Inserting keeps that order whatever the arrival order; a known id is ignored.
 */
export function insertApplication(
  applications: readonly ContractEvent[],
  application: ContractEvent,
): readonly ContractEvent[] {
  if (applications.some((existing) => existing.id === application.id)) return applications;
  const key = applicationSortKey(application);
  let index = applications.length;
  while (index > 0 && applicationSortKey(applications[index - 1]!) > key) index--;
  return [...applications.slice(0, index), application, ...applications.slice(index)];
}

/** The evaluation order of applications as one sortable string (the projection stores it). */
export function applicationSortKey(application: ContractEvent): string {
  return eventOrderKey(application);
}
