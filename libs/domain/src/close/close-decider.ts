import { ChargeEvent } from '../charges/charge';
import {
  BillingState,
  OrganisationMaterials,
  evolve,
  initialBillingState,
  materialsOf,
  organisationLedger,
} from '../billing-state';
import { StoredEvent } from '../events/stored-event';
import { Tariff } from '../tariff/tariff';
import { ClosePeriods, Decision, closeDecisions, decideClose } from './decide-close';

/**
 * Emmett's decider shape: a state folded from events (`initialState`, `evolve`) and the
 * events a command decides on it. `Folded` is what the state is folded from, which may be
 * more than what is decided (the close folds input events and decides charges).
 */
export interface Decider<State, Command, Decided, Folded = Decided> {
  initialState(): State;
  evolve(state: State, event: Folded): State;
  decide(command: Command, state: State): Decided[];
}

/**
 * The close, with its tariff: the one way charges are decided. Tests fold events and call
 * `decide`; production reads organisations from the projections a page at a time and calls
 * `decideFor` (decisions never span organisations, and one that cannot be rated must not
 * hold back the others); explain asks `decisionsFor` what an assessment counted.
 */
export interface CloseDecider extends Decider<BillingState, ClosePeriods, ChargeEvent, StoredEvent> {
  readonly tariff: Tariff;
  /** One organisation's charges as of the command's instant. */
  decideFor(command: ClosePeriods, organisation: OrganisationMaterials): ChargeEvent[];
  /** One organisation's assessments with the charges they led to. */
  decisionsFor(command: ClosePeriods, organisation: OrganisationMaterials): Decision[];
}

export function closeDecider(tariff: Tariff): CloseDecider {
  const decideFor = (command: ClosePeriods, organisation: OrganisationMaterials) =>
    decideClose(organisationLedger(organisation, tariff), command, tariff);
  return {
    tariff,
    initialState: () => initialBillingState(),
    evolve,
    // Organisations in id order, each in period order: the output is deterministic.
    decide: (command, state) =>
      [...state.organisations.keys()]
        .sort()
        .flatMap((orgId) => decideFor(command, materialsOf(state.organisations.get(orgId)!))),
    decideFor,
    decisionsFor: (command, organisation) => closeDecisions(organisationLedger(organisation, tariff), command, tariff),
  };
}
