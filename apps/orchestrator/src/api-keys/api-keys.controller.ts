import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import { RequireRole } from '../auth/roles.decorator';
import { CreateApiKeyDto } from './create-api-key.dto';

@ApiTags('api-keys')
@ApiSecurity('api-key')
@Controller('api-keys')
@RequireRole('admin')
export class ApiKeysController {
  constructor(private readonly workbench: Workbench) {}

  /** Creates a key; the secret is in this response only. */
  @Post()
  async create(@Body() body: CreateApiKeyDto) {
    const { key, apiKey } = await this.workbench.apiKeys.create(body.name, body.role);
    return { id: apiKey.id, name: apiKey.name, role: apiKey.role, key };
  }

  @Get()
  async list() {
    return (await this.workbench.apiKeys.list()).map((k) => ({
      id: k.id,
      name: k.name,
      role: k.role,
      prefix: k.prefix,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt ?? null,
      revokedAt: k.revokedAt ?? null,
    }));
  }
}
