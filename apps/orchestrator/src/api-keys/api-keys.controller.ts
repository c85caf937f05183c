import { Body, Controller, Delete, Get, Param, Post, Req } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Workbench } from '@workbench/services';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
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
    const { key, apiKey } = await this.workbench.apiKeys.create(body.name, body.role, body.expiresAt ? new Date(body.expiresAt) : undefined);
    return { id: apiKey.id, name: apiKey.name, role: apiKey.role, expiresAt: apiKey.expiresAt ?? null, key };
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
      revokedBy: k.revokedBy ?? null,
      expiresAt: k.expiresAt ?? null,
    }));
  }

  /** Revokes a key: its next request gets 401 on every API process (keys are checked in the database on each request). */
  @Delete(':id')
  async revoke(@Param('id') id: string, @Req() req: AuthenticatedRequest) {
    const k = await this.workbench.apiKeys.revoke(id, req.apiKey?.name ?? 'unknown');
    return { id: k.id, name: k.name, role: k.role, revokedAt: k.revokedAt, revokedBy: k.revokedBy };
  }
}
