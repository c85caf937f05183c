import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

/** At most this many customers in one online request: more is a batch (upload them as a dataset version). */
export const MAX_ONLINE_CUSTOMERS = 1000;

/** Refuses a field given together with `other`: the two select different modes of one route. */
function NotWith(other: string) {
  return (object: object, property: string) =>
    registerDecorator({
      name: 'notWith',
      target: object.constructor,
      propertyName: property,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          value === undefined || (args.object as Record<string, unknown>)[other] === undefined,
        defaultMessage: () =>
          `give either ${other} (score a stored dataset version as a queued job) or ${property} (score these customers now), not both`,
      },
    });
}

export class ScoreCustomerDto {
  @ApiProperty({ example: 'C-1042' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  id!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }], nullable: true },
    description: "the customer's features as the model sees them: numbers, category names, or null for missing",
    example: { recency_days: 12, frequency: 4, monetary: 310.5 },
  })
  @IsObject()
  features!: Record<string, number | string | null>;
}

/** `dataset` (and `version`): a queued batch scoring; `customers`: those customers scored in the response. */
export class ScoreRequestDto {
  @ApiPropertyOptional({
    description: "batch: dataset name or id to score (the segmentation's own or another with the same kind of data)",
    example: 'retail',
  })
  @ValidateIf((o: ScoreRequestDto) => o.customers === undefined || o.dataset !== undefined)
  // One check with one message: a missing, empty or non-string dataset all mean the same mistake.
  @Matches(/\S/, { message: 'name the dataset to score (a queued batch) or send customers (scored now)' })
  dataset?: string;

  @ApiPropertyOptional({ description: 'batch: version of the dataset; the one a run would train on when absent' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({
    type: [ScoreCustomerDto],
    description: `online: 1 to ${MAX_ONLINE_CUSTOMERS} customers' feature rows, scored in the response`,
  })
  @IsOptional()
  @NotWith('dataset')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ONLINE_CUSTOMERS)
  @ValidateNested({ each: true })
  @Type(() => ScoreCustomerDto)
  customers?: ScoreCustomerDto[];
}
