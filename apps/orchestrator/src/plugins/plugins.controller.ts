import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { AddPluginDto } from './add-plugin.dto';

@ApiTags('plugins')
@ApiSecurity('api-key')
@Controller('plugins')
export class PluginsController {
  constructor(private readonly workbench: Workbench) {}

  /** The plugins this workbench can run, with versions, sources and param JSON schemas. */
  @Get()
  list() {
    return this.workbench.plugins.list();
  }

  /**
   * Registers an external plugin package at run time. The manifest, SDK range and params class are
   * checked; a taken name is a 409, a broken plugin a 400, and the server keeps serving either way.
   */
  @Post()
  @RequireRole('scientist')
  add(@Body() body: AddPluginDto, @Req() req: AuthenticatedRequest) {
    return this.workbench.plugins.add(body.source, req.apiKey?.name ?? 'unknown');
  }
}
