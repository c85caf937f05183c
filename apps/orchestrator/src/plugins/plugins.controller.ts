import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
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
   * Registers an external plugin (admins only: a plugin is code that runs with the worker's rights) from
   * a folder in WORKBENCH_PLUGIN_DIRS or an installed npm package. The folder is checked (regular files,
   * bounded size) and loaded in a child process first; the manifest, SDK range and params class are
   * checked; a taken name is a 409, a refused or broken plugin a 400, and the server keeps serving either way.
   */
  @Post()
  @RequireRole('admin')
  add(@Body() body: AddPluginDto, @Req() req: AuthenticatedRequest) {
    return this.workbench.plugins.add(body.source, req.apiKey?.name ?? 'unknown');
  }

  /** Disables one version (`name@version`, URL-encoded): no new runs, not loaded at the next start; recorded with who did it. */
  @Delete(':ref')
  @RequireRole('admin')
  disable(@Param('ref') ref: string, @Req() req: AuthenticatedRequest) {
    return this.workbench.plugins.disable(ref, req.apiKey?.name ?? 'unknown');
  }
}
