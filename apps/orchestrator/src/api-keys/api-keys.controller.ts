import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { apiKeyView, ApiKeysService, createdApiKeyView } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { RequireRole } from '../auth/roles.decorator';
import { ApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { CreateApiKeyDto } from './create-api-key.dto';

@ApiTags('api-keys')
@ApiSecurity('api-key')
@Controller('api-keys')
@RequireRole('admin')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The secret is in this response only.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, apiKey } = await this.apiKeys.create(
      body.name,
      body.role,
      body.expiresAt ? new Date(body.expiresAt) : undefined,
    );
    return createdApiKeyView(apiKey, key);
  }

  @Get()
  @ApiOperation({ summary: 'All API keys', description: 'Without their secrets.' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(): Promise<ApiKeyDto[]> {
    return (await this.apiKeys.list()).map(apiKeyView);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Its next request gets 401 on every API process (keys are checked in the database on each request).',
  })
  @ApiOkResponse({ type: ApiKeyDto })
  async revoke(@Param('id') id: string, @Req() req: AuthenticatedRequest): Promise<ApiKeyDto> {
    return apiKeyView(await this.apiKeys.revoke(id, req.apiKey?.name ?? 'unknown'));
  }
}
