import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from '@workbench/services';

function fieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [
      ...Object.values(e.constraints ?? {}).map((message) => ({ field, message })),
      ...fieldErrors(e.children ?? [], field),
    ];
  });
}

/**
 * Every body and query is validated: unknown fields are refused and each problem names its field path, in
 * `message` as `field: problem` lines (what clients have always read) and in `errors` as `{ field, message }`.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const located = fieldErrors(errors);
      return new BadRequestException({
        message: located.map((e) => `${e.field}: ${e.message}`),
        errors: located,
      });
    },
  });
}
