import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AssignmentDto } from './run.dto';

/** One page of a run's assignments: `offset` rows skipped, at most `limit` returned, optionally of one segment. */
export class AssignmentsPageDto {
  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ description: 'only rows of this segment key' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  segment?: number;
}

/** One page of rows and the number of rows there are in all (of the segment, when one was asked for). */
export class AssignmentsPageResultDto {
  @ApiProperty() total!: number;
  @ApiProperty() offset!: number;
  @ApiProperty() limit!: number;
  @ApiProperty({ type: [AssignmentDto] }) rows!: AssignmentDto[];
}
