import { Controller, Get } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';

@ApiTags('plugins')
@ApiSecurity('api-key')
@Controller('plugins')
export class PluginsController {
  constructor(private readonly workbench: Workbench) {}

  /** The plugins this server can run, with their versions. */
  @Get()
  list() {
    return this.workbench.registry.list();
  }
}
