import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@workbench/persistence';
import type { SessionView } from '@workbench/services';

export class SessionPermissionsDto {
  @ApiProperty() read!: boolean;
  @ApiProperty() runSegmentations!: boolean;
  @ApiProperty() compareRuns!: boolean;
  @ApiProperty() moveAliases!: boolean;
  @ApiProperty() uploadData!: boolean;
  @ApiProperty() addPolicies!: boolean;
  @ApiProperty() registerPlugins!: boolean;
  @ApiProperty() manageKeys!: boolean;
}

export class SessionDto implements SessionView {
  @ApiProperty({ description: "the key's name" }) name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({
    type: SessionPermissionsDto,
    description: 'what the role may do (the server checks each route all the same)',
  })
  may!: SessionPermissionsDto;
}
