import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Form fields sent with the CSV file (multipart/form-data, file field `file`). */
export class UploadDatasetDto {
  @ApiProperty({ description: 'dataset name; an upload to an existing name makes a new version', example: 'online-retail-customers' })
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$/, { message: "name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit" })
  name!: string;

  @ApiPropertyOptional({ enum: ['customers'], default: 'customers', description: 'table kind (transactions arrive with the data issue)' })
  @IsOptional()
  @IsIn(['customers'])
  kind?: 'customers';

  @ApiPropertyOptional({ description: 'source column holding the customer id (auto-detected when absent)', example: 'customer_id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerIdColumn?: string;

  @ApiPropertyOptional({ description: 'numeric column holding revenue per customer (auto-detected when absent)', example: 'monetary' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  revenueColumn?: string;

  @ApiPropertyOptional({ enum: ['reject', 'skip'], default: 'reject', description: 'reject the file on any bad row, or skip bad rows and report them' })
  @IsOptional()
  @IsIn(['reject', 'skip'])
  policy?: 'reject' | 'skip';
}
