import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemException } from './problem';

/** One failed constraint, with the path of its field (`ids`, `items.0.name`). */
interface FieldProblem {
  readonly field: string;
  readonly text: string;
}

function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) => ({ field, text }));
    return [...own, ...fieldProblems(error.children ?? [], `${field}.`)];
  });
}

/** Carries the problems out of `exceptionFactory`, which does not know which part of the request it checked. */
class InvalidInput extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => p.text).join('; '));
  }
}

/**
 * Validates DTO classes (class-validator) of bodies and queries. Unknown properties are
 * refused, and a failure is an RFC 9457 problem document: `detail` lists every problem,
 * `field` names the first field at fault, and the title says where (`invalid body`).
 */
@Injectable()
export class ProblemValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      // One problem per field, the most basic first (see the order of a DTO's decorators).
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new InvalidInput(fieldProblems(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      const where = metadata.type === 'custom' ? 'request' : metadata.type;
      throw new ProblemException(400, `invalid ${where}`, error.message, error.problems[0]?.field ?? where);
    }
  }
}
