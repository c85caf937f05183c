import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { Metrics } from './metrics';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  /** Prometheus scrape endpoint; needs no API key, like /health (it holds counts and timings, no data). */
  @Public()
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics of this process (text exposition format)' })
  @ApiOkResponse({
    description: 'job durations and outcomes per queue and plugin, queue depth, HTTP latency per route, ingested rows',
    schema: { type: 'string' },
  })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
