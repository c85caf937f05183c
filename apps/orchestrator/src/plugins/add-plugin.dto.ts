import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class AddPluginDto {
  @ApiProperty({
    description: 'plugin folder on the server (readable by every worker) or an installed npm package name',
    example: '/srv/plugins/my-model',
  })
  @IsString()
  @Length(1, 1000)
  source!: string;
}
