import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import { Public } from '../auth/roles.decorator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly workbench: Workbench) {}

  /** Liveness and database reachability; needs no API key. */
  @Public()
  @Get()
  async check() {
    try {
      await this.workbench.orm.em.fork().getConnection().execute('select 1');
    } catch (e) {
      throw new ServiceUnavailableException(`database unreachable: ${(e as Error).message}`);
    }
    return { status: 'ok', database: 'up', queue: this.workbench.queue.kind, role: this.workbench.config.role };
  }
}
