import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateComparisonDto {
  @ApiProperty({
    description: 'run A: id, `segmentation@v3`, `segmentation@latest` or `segmentation@champion`',
    example: 'customers-kmeans@champion',
  })
  @IsString()
  @Length(1, 300)
  runA!: string;

  @ApiProperty({ description: 'run B, same forms as run A', example: 'customers-kmeans@latest' })
  @IsString()
  @Length(1, 300)
  runB!: string;
}
