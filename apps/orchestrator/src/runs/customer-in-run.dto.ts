import { ApiProperty } from '@nestjs/swagger';
import type { CustomerFeatureView, CustomerInRunView } from '@workbench/services';
import { ApiNullableNumber } from '../common/api-schema';
import { RunRefDto } from '../comparisons/comparison.dto';
import { SegmentRefDto } from '../comparisons/kpi-deltas.dto';

export class CustomerFeatureDto implements CustomerFeatureView {
  @ApiProperty({ example: 'monetary' }) name!: string;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    nullable: true,
    description: "the customer's value (a category's level for categorical features); null when missing",
  })
  value!: number | string | null;
  @ApiNullableNumber("mean over the customer's segment (numeric features)") segmentMean!: number | null;
  @ApiNullableNumber("mean over all the run's customers") overallMean!: number | null;
  @ApiProperty({ description: "the segmentation's params name it as a model feature" }) inModel!: boolean;
}

export class CustomerInRunDto implements CustomerInRunView {
  @ApiProperty() customerId!: string;
  @ApiProperty({ type: RunRefDto }) run!: RunRefDto;
  @ApiProperty({ type: SegmentRefDto }) segment!: SegmentRefDto;
  @ApiNullableNumber("the model's score, where it has one") score!: number | null;
  @ApiProperty({
    type: [CustomerFeatureDto],
    description: "the features of the run's input, as the run trained on them",
  })
  features!: CustomerFeatureDto[];
}
