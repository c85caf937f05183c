import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@workbench/persistence';
import type { ApiKeyView, CreatedApiKeyView } from '@workbench/services';
import { ApiDate, ApiNullableString } from '../common/api-schema';

export class ApiKeyDto implements ApiKeyView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ description: 'first characters of the secret' }) prefix!: string;
  @ApiDate() createdAt!: Date;
  @ApiDate(undefined, true) lastUsedAt!: Date | null;
  @ApiDate(undefined, true) revokedAt!: Date | null;
  @ApiNullableString('who revoked it') revokedBy!: string | null;
  @ApiDate('it stops working at this time; null: it does not expire', true) expiresAt!: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto implements CreatedApiKeyView {
  @ApiProperty({ description: 'the secret, sent as X-API-Key; shown in this response only' }) key!: string;
}
