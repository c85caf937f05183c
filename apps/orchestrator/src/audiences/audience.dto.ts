import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AudienceSubscriptionView } from '@workbench/services';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { NamedRefDto } from '../runs/run.dto';
import { ApiDate } from '../common/api-schema';

export class SubscribeAudiencesDto {
  @ApiProperty({
    description:
      "called after each successful version with each segment's customers who entered and left it since the previous version's matched segment",
    example: 'https://hooks.example.com/audiences',
  })
  @Matches(/^https?:\/\/\S+$/, { message: 'webhookUrl must be an http:// or https:// URL' })
  webhookUrl!: string;

  @ApiPropertyOptional({ description: 'at most this many ids (entered and left) per call', default: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  chunkSize?: number;
}

export class AudienceSubscriptionDto implements AudienceSubscriptionView {
  @ApiProperty() id!: string;
  @ApiProperty({ type: NamedRefDto }) segmentation!: NamedRefDto;
  @ApiProperty({ description: 'shown to scientists and admins only' }) webhookUrl!: string;
  @ApiProperty() chunkSize!: number;
  @ApiProperty() createdBy!: string;
  @ApiDate() createdAt!: Date;
}
