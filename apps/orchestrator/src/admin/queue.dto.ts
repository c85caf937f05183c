import { ApiProperty } from '@nestjs/swagger';
import { QUEUE_NAMES, type JobInfo, type JobState, type QueueName } from '@workbench/jobs';
import type { QueueJobsView } from '@workbench/services';
import { ApiDate, ApiNullableNumber, ApiNullableString } from '../common/api-schema';

const JOB_STATES: JobState[] = ['waiting', 'active', 'delayed', 'completed', 'failed'];

export class QueueJobDto implements JobInfo {
  @ApiProperty({ enum: QUEUE_NAMES }) queue!: QueueName;
  @ApiProperty({
    description: 'the id of what the job processes (a run, comparison, retrain request, event or scoring)',
  })
  id!: string;
  @ApiProperty({ enum: JOB_STATES, description: 'delayed: waiting for a retry after a failed attempt' })
  state!: JobState;
  @ApiProperty({ description: 'attempts started so far (0 before the first)' }) attempt!: number;
  @ApiProperty() maxAttempts!: number;
  @ApiNullableNumber('the last progress reported, 0..1') progress!: number | null;
  @ApiNullableString() progressNote!: string | null;
  @ApiDate('null for a job Bull failed after it stalled too often (its record is gone)', true) enqueuedAt!: Date | null;
  @ApiDate('start of its latest attempt', true) startedAt!: Date | null;
  @ApiDate(undefined, true) finishedAt!: Date | null;
  @ApiNullableString('the message of its latest failed attempt') error!: string | null;
}

export class QueueJobsDto implements QueueJobsView {
  @ApiProperty({ enum: ['inline', 'bull'], description: 'inline: the in-process queue of this server; bull: Redis' })
  kind!: 'inline' | 'bull';
  @ApiNullableString(
    'where the Bull dashboard is (after POST /admin/queue/dashboard-session); null for the in-process queue',
  )
  dashboard!: string | null;
  @ApiProperty({
    type: [QueueJobDto],
    description: 'live jobs first (active, waiting, delayed), then the last 100 finished per queue, newest first',
  })
  jobs!: QueueJobDto[];
}

export class DashboardSessionDto {
  @ApiProperty({ example: '/queues', description: 'open this in the same browser' }) dashboard!: string;
  @ApiDate('when the cookie stops being sent; open the dashboard again from the web app after it') expiresAt!: Date;
}
