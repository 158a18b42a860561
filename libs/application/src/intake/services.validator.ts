import { SERVICES, Service } from '@smartme/domain';
import { ValidationOptions } from 'class-validator';
import { checkedBy, quote } from './field-problem';

const ELEMENT_PROBLEM = `must be ${SERVICES.map((service) => quote(service)).join(' or ')}`;

function isService(value: unknown): value is Service {
  return typeof value === 'string' && (SERVICES as readonly string[]).includes(value);
}

/**
 * An empty list is valid input on purpose: such an application must be stored and
 * then rejected by the admission rules as NO_SERVICE_SELECTED (§3), where the
 * contractor can see it. Only the first bad element is reported: with two services and
 * no repeats allowed, it is found within three elements however long the list.
 */
export function servicesProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return `must be an array of ${SERVICES.map((service) => quote(service)).join(', ')}`;
  const seen = new Set<Service>();
  for (let index = 0; index < value.length; index += 1) {
    const element: unknown = value[index];
    if (!isService(element)) return `[${index}]: ${ELEMENT_PROBLEM}`;
    if (seen.has(element)) return `[${index}]: ${quote(element)} is listed twice`;
    seen.add(element);
  }
  return null;
}

/** Canonical order, so that the same choice sent in another order is the same content. */
export function normalizeServices(services: readonly Service[]): Service[] {
  return SERVICES.filter((service) => services.includes(service));
}

/** The services applied for: `entry-exit` and/or `id`, each at most once. */
export function IsServices(options?: ValidationOptions): PropertyDecorator {
  return checkedBy('isServices', servicesProblem, options);
}
