import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$/;
const NAME_MESSAGE = "name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

/**
 * Form fields sent with the CSV file (multipart/form-data, file field `file`) to `POST /datasets/:id/versions`;
 * `POST /datasets` adds the name. Both routes validate these fields with these decorators, so a typo is refused on both.
 */
export class UploadFieldsDto {
  @ApiPropertyOptional({
    enum: ['customers', 'transactions', 'table'],
    default: 'customers',
    description:
      'a customers table (one row per customer), a transactions table, or an extra table named by `table` (marketing_spend, survey, …) for the KPI evaluators',
  })
  @IsOptional()
  @IsIn(['customers', 'transactions', 'table'])
  kind?: 'customers' | 'transactions' | 'table';

  @ApiPropertyOptional({ description: 'kind table: the name KPI evaluators read it by', example: 'marketing_spend' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, {
    message: 'table must be 1-64 lowercase letters, digits or _, starting with a letter',
  })
  table?: string;

  @ApiPropertyOptional({
    description: 'transactions: column with the timestamp (auto-detected when absent)',
    example: 'InvoiceDate',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  timestampColumn?: string;

  @ApiPropertyOptional({
    description: 'transactions: column with the amount; or give quantityColumn and unitPriceColumn',
    example: 'amount',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  amountColumn?: string;

  @ApiPropertyOptional({ example: 'Quantity' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  quantityColumn?: string;

  @ApiPropertyOptional({ example: 'UnitPrice' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  unitPriceColumn?: string;

  @ApiPropertyOptional({ description: 'transactions: order or invoice id column', example: 'InvoiceNo' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  orderIdColumn?: string;

  @ApiPropertyOptional({
    enum: ['YYYY-MM-DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY'],
    description: 'transactions: date format (auto-detected; ambiguous day/month orders must be named)',
  })
  @IsOptional()
  @IsIn(['YYYY-MM-DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY'])
  dateFormat?: 'YYYY-MM-DD' | 'YYYYMMDD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

  @ApiPropertyOptional({ enum: ['.', ','], default: '.', description: 'decimal separator of numbers' })
  @IsOptional()
  @IsIn(['.', ','])
  decimal?: '.' | ',';

  @ApiPropertyOptional({ description: "field delimiter: one character, or 'whitespace'", default: ',' })
  @IsOptional()
  @Matches(/^(.|whitespace|tab)$/u, { message: "delimiter must be one character, 'tab' or 'whitespace'" })
  delimiter?: string;

  @ApiPropertyOptional({
    enum: ['net', 'exclude'],
    default: 'net',
    description: 'transactions: returns and cancellations netted against sales, or excluded',
  })
  @IsOptional()
  @IsIn(['net', 'exclude'])
  returns?: 'net' | 'exclude';

  @ApiPropertyOptional({
    description: 'source column holding the customer id (auto-detected when absent)',
    example: 'customer_id',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerIdColumn?: string;

  @ApiPropertyOptional({
    description: 'numeric column holding revenue per customer (auto-detected when absent)',
    example: 'monetary',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  revenueColumn?: string;

  @ApiPropertyOptional({
    enum: ['utf-8', 'latin1', 'windows-1252'],
    default: 'utf-8',
    description: 'text encoding of the file; UTF-8 is checked (a bad byte is a 400 naming its line and offset)',
  })
  @IsOptional()
  @IsIn(['utf-8', 'latin1', 'windows-1252'])
  encoding?: 'utf-8' | 'latin1' | 'windows-1252';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'true',
    description: "'false': the file has no header line; name its columns with `columns`",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  header?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      'column names a,b,c in file order: required with header=false; with a header they replace its names (e.g. to tell duplicates apart)',
    example: 'master_id,sample_id,date,cds,sales',
  })
  @IsOptional()
  @Matches(/^[^,]+(,[^,]+)*$/, { message: 'columns must be comma-separated names, none empty' })
  @MaxLength(10_000)
  columns?: string;

  @ApiPropertyOptional({
    enum: [',', '.', ' ', "'"],
    description: 'thousands separator of numbers (default: none; a number such as 1,234 is reported)',
  })
  @IsOptional()
  @IsIn([',', '.', ' ', "'"])
  thousands?: ',' | '.' | ' ' | "'";

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      "'true': strip a currency symbol ($, £, €) before or after numbers (default: such a number is reported)",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  currency?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['keep', 'exclude'],
    default: 'keep',
    description:
      'transactions: lines worth 0 (free samples, adjustments) kept as orders, or excluded and counted in the report',
  })
  @IsOptional()
  @IsIn(['keep', 'exclude'])
  zeroAmounts?: 'keep' | 'exclude';

  @ApiPropertyOptional({
    enum: ['reject', 'skip'],
    default: 'reject',
    description: 'reject the file on any bad row, or skip bad rows and report them',
  })
  @IsOptional()
  @IsIn(['reject', 'skip'])
  policy?: 'reject' | 'skip';

  @ApiPropertyOptional({
    enum: ['first', 'all'],
    default: 'first',
    description:
      "'all': the report lists every rejected row (to download them all; a stored version keeps them in its report); default: the first 100, all of them counted",
  })
  @IsOptional()
  @IsIn(['first', 'all'])
  problems?: 'first' | 'all';

  @ApiPropertyOptional({
    description:
      "the client's id for this upload: the ingest's progress is published on GET /events/stream as {type:'ingest', uploadId, fraction, rows}",
    example: 'u-7f3a9c',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'uploadId must be 1-64 letters, digits, _ or -' })
  uploadId?: string;
}

/** `POST /datasets`: the fields and the dataset's name. */
export class UploadDatasetDto extends UploadFieldsDto {
  @ApiProperty({
    description: 'dataset name; an upload to an existing name makes a new version',
    example: 'online-retail-customers',
  })
  @Matches(NAME, { message: NAME_MESSAGE })
  name!: string;
}

/** `POST /datasets/:id/versions`: the dataset is in the path; a `name` field, if sent, must be that dataset's name. */
export class UploadVersionDto extends UploadFieldsDto {
  @ApiPropertyOptional({ description: "the dataset's name (optional: the path names the dataset)" })
  @IsOptional()
  @Matches(NAME, { message: NAME_MESSAGE })
  name?: string;
}
