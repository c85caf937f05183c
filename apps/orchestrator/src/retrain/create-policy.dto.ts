import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class CreatePolicyDto {
  @ApiProperty({
    enum: ['dataset', 'cron'],
    description: 'retrain on each new version of the dataset, or on a cron schedule (UTC)',
  })
  @IsIn(['dataset', 'cron'])
  trigger!: 'dataset' | 'cron';

  @ApiPropertyOptional({ description: 'five-field cron expression, UTC (trigger cron)', example: '0 3 * * 1' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  cron?: string;

  @ApiProperty({
    description:
      'promotion rule over comparison metrics (ari, nmi, silhouette_drop, auc_gain, max_psi, …); otherwise the candidate is flagged',
    example: 'ari >= 0.8 and silhouette_drop <= 0.02',
  })
  @IsString()
  @Length(1, 2000)
  rule!: string;

  @ApiPropertyOptional({
    description: 'called with each outcome, retried with backoff',
    example: 'https://hooks.example.com/workbench',
  })
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'webhookUrl must be an http:// or https:// URL' })
  webhookUrl?: string;
}

export class UpdatePolicyDto {
  @ApiProperty({ description: 'false: the policy stops triggering retrains; true: it triggers again' })
  @IsBoolean()
  enabled!: boolean;
}

export class CheckRuleDto {
  @ApiProperty({
    description: 'promotion rule to check as a policy would (its length is checked by the parser, with a column)',
    example: 'ari >= 0.8 and silhouette_drop <= 0.02',
  })
  @IsString()
  @MaxLength(100_000)
  rule!: string;
}
