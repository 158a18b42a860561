import { Decider } from '../../src';

/**
 * Given/when/then for a decider, in the style of Emmett's DeciderSpecification: the given
 * events are folded with the decider's own `evolve` from its `initialState`, the command is
 * decided on that state, and the outcome is compared.
 */
export interface DeciderThen<Decided> {
  then(expected: readonly Decided[] | ((decided: readonly Decided[]) => void)): void;
  thenNothingHappened(): void;
  thenThrows(matching?: (error: Error) => boolean): void;
}

export const DeciderSpecification = {
  for<State, Command, Decided, Folded>(decider: Decider<State, Command, Decided, Folded>) {
    return (given: readonly Folded[]) => ({
      when(command: Command): DeciderThen<Decided> {
        const decide = (): Decided[] => {
          const state = given.reduce((current, event) => decider.evolve(current, event), decider.initialState());
          return decider.decide(command, state);
        };
        return {
          then(expected) {
            const decided = decide();
            if (typeof expected === 'function') expected(decided);
            else expect(decided).toEqual(expected);
          },
          thenNothingHappened() {
            expect(decide()).toEqual([]);
          },
          thenThrows(matching) {
            let thrown: unknown = null;
            try {
              decide();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(Error);
            if (matching) expect(matching(thrown as Error)).toBe(true);
          },
        };
      },
    });
  },
};
