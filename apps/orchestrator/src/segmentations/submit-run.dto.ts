import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class SubmitRunDto {
  @ApiPropertyOptional({ description: 'version of the dataset to train on; the latest when absent' })
  @IsOptional()
  @IsInt()
  @Min(1)
  datasetVersion?: number;

  @ApiPropertyOptional({ description: 'random seed; a random one is drawn and recorded when absent' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  seed?: number;
}
