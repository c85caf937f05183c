import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';

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

  @ApiPropertyOptional({
    description: "params for this version, merged over the segmentation's and validated by the plugin",
    example: { k: 5 },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}
