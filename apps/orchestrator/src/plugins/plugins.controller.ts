import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PluginsService } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { AddPluginDto } from './add-plugin.dto';
import { PluginDto, PluginReadmeDto } from './plugin.dto';

@ApiTags('plugins')
@ApiSecurity('api-key')
@Controller('plugins')
export class PluginsController {
  constructor(private readonly plugins: PluginsService) {}

  @Get()
  @ApiOperation({
    summary: 'Registered plugins',
    description:
      'The plugins this workbench can run, with versions, sources and param JSON schemas, and the disabled recorded versions.',
  })
  @ApiOkResponse({ type: [PluginDto] })
  list(): Promise<PluginDto[]> {
    return this.plugins.list();
  }

  @Get(':name/readme')
  @ApiOperation({
    summary: "A plugin's README",
    description:
      "The markdown README of a plugin this workbench runs: a shipped plugin's, or the README.md of an external plugin's folder.",
  })
  @ApiOkResponse({ type: PluginReadmeDto })
  readme(@Param('name') name: string): Promise<PluginReadmeDto> {
    return this.plugins.readme(name);
  }

  @Post()
  @RequireRole('scientist')
  @ApiOperation({
    summary: 'Register an external plugin',
    description:
      "Scientists and admins. Only from a folder the server's operator allows in WORKBENCH_PLUGIN_DIRS or an installed npm package, so the operator decides which code may run (isolated, within the plugin limits); the folder is checked " +
      '(regular files, bounded size) and loaded in a child process first; the manifest, SDK range and params class are checked; a taken name is a 409, ' +
      'a refused or broken plugin a 400, and the server keeps serving either way.',
  })
  @ApiCreatedResponse({ type: PluginDto })
  add(@Body() body: AddPluginDto, @Req() req: AuthenticatedRequest): Promise<PluginDto> {
    return this.plugins.add(body.source, req.apiKey?.name ?? 'unknown');
  }

  @Delete(':ref')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Disable a plugin version',
    description: '`name@version`, URL-encoded: no new runs, not loaded at the next start; recorded with who did it.',
  })
  @ApiOkResponse({ type: PluginDto })
  disable(@Param('ref') ref: string, @Req() req: AuthenticatedRequest): Promise<PluginDto> {
    return this.plugins.disable(ref, req.apiKey?.name ?? 'unknown');
  }
}
