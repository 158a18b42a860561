import { ValidationArguments, ValidationTypes, getMetadataStorage } from 'class-validator';

/**
 * A DTO's class-validator rules, compiled once into plain function calls.
 *
 * Why: `plainToInstance` + `validateSync` cost about 15 µs per event (metadata lookups
 * on every call, a scan of every registered class for inherited rules, error objects),
 * which caps one consumer near 60 000 events/s. The compiled form reads the same
 * metadata and calls the same constraint instances, so the DTO stays the one contract.
 *
 * It only answers "would validateSync find nothing wrong?". Rejections are always
 * re-run through class-validator, which words the reasons: this is a shortcut for the
 * common case, never a second definition of the rules. A DTO using a feature compiled
 * here without a faithful equivalent (nested or async validation, `each`, groups) is
 * refused when first used rather than checked differently.
 */
export interface CompiledDto<T extends object> {
  accepts(plain: Readonly<Record<string, unknown>>): boolean;
  /**
   * The DTO carrying the declared fields of input `accepts` said yes to. An object
   * value (the envelope's `data`) is carried as it is, not as the empty placeholder
   * `plainToInstance` makes of it: the fast path goes on to read it.
   */
  instantiate(plain: Readonly<Record<string, unknown>>): T;
}

type Condition = (object: Readonly<Record<string, unknown>>, value: unknown) => boolean;
type Check = (value: unknown, object: Readonly<Record<string, unknown>>) => boolean;

interface CompiledField {
  readonly property: string;
  readonly conditions: readonly Condition[];
  readonly checks: readonly Check[];
}

function compileFields(cls: new () => object): CompiledField[] {
  const storage = getMetadataStorage();
  // The arguments validateSync uses without groups: every rule, none group-filtered.
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false);
  const byProperty = storage.groupByPropertyName(metadatas);
  const targetName = cls.name;
  return Object.entries(byProperty).map(([property, rules]) => {
    const conditions: Condition[] = [];
    const checks: Check[] = [];
    for (const rule of rules) {
      const where = `${targetName}.${property}`;
      if (rule.groups?.length || rule.each || rule.validateIf) {
        throw new Error(`${where}: groups, each and validateIf are not supported by the compiled intake check`);
      }
      if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        conditions.push(...(rule.constraints as Condition[]));
      } else if (rule.type === ValidationTypes.CUSTOM_VALIDATION) {
        for (const constraint of storage.getTargetValidatorConstraints(rule.constraintCls)) {
          if (constraint.async)
            throw new Error(`${where}: async constraints are not supported by the compiled intake check`);
          const instance = constraint.instance;
          // The arguments validateSync passes, so built-in constraints reading them
          // (`@IsIn` reads its list from `constraints`) behave the same here. One object per
          // rule, refilled for each call: validation is synchronous and a constraint reads its
          // arguments during the call, and a fresh one per field and event was most of the
          // garbage intake made.
          const args: ValidationArguments = {
            value: undefined,
            object: {},
            property,
            targetName,
            constraints: rule.constraints,
          };
          checks.push((value, object) => {
            args.value = value;
            args.object = object;
            return instance.validate(value, args) === true;
          });
        }
      } else if (rule.type !== ValidationTypes.WHITELIST) {
        throw new Error(`${where}: ${rule.type} rules are not supported by the compiled intake check`);
      }
    }
    return { property, conditions, checks };
  });
}

function holdsAll(
  conditions: readonly Condition[],
  object: Readonly<Record<string, unknown>>,
  value: unknown,
): boolean {
  for (const condition of conditions) if (!condition(object, value)) return false;
  return true;
}

export function compileDto<T extends object>(cls: new () => T): CompiledDto<T> {
  // Compiled on first use: decorators of classes declared later in a module graph
  // may not have run when this is called.
  let fields: CompiledField[] | undefined;
  const compiled = (): CompiledField[] => {
    fields ??= compileFields(cls);
    // forbidUnknownValues: a class without rules is refused by validateSync.
    if (fields.length === 0) throw new Error(`${cls.name} declares no validation rules`);
    return fields;
  };
  return {
    accepts(plain) {
      for (const { property, conditions, checks } of compiled()) {
        const value = plain[property];
        if (!holdsAll(conditions, plain, value)) continue;
        for (const check of checks) if (!check(value, plain)) return false;
      }
      return true;
    },
    instantiate(plain) {
      const instance = new cls();
      const target = instance as unknown as Record<string, unknown>;
      for (const { property } of compiled()) target[property] = plain[property];
      return instance;
    },
  };
}
