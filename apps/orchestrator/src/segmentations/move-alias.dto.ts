import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class MoveAliasDto {
  @ApiProperty({ description: 'run to point at: id, version number (`3`) or `segmentation@v3`', example: '3' })
  @IsString()
  @Length(1, 300)
  run!: string;
}
