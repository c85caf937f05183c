import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldError } from '@workbench/services';

export class FieldErrorDto implements FieldError {
  @ApiProperty({ description: 'dotted path of the refused field in the request body', example: 'params.kMax' })
  field!: string;
  @ApiProperty({ description: 'what was wrong and what was expected', example: 'kMax (4) must be at least kMin (6)' })
  message!: string;
}

/** The body of every error answer (ErrorsFilter); `errors` when fields of the request are to blame. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'what to fix; a refused body lists one `field: problem` line per problem',
  })
  message!: string | string[];
  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'the refused fields, each located by its path in the request body, for a form to show by its inputs',
  })
  errors?: FieldErrorDto[];
}
