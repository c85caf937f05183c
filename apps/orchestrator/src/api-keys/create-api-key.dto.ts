import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ROLES, type Role } from '@workbench/persistence';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'who or what uses the key', example: 'nightly-retrain' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({
    description: 'when the key stops working (ISO 8601, in the future); absent: it never expires',
    example: '2027-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time such as 2027-01-31T00:00:00Z' })
  expiresAt?: string;
}
