import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKey, Role } from '@workbench/persistence';
import { hasRole, Workbench } from '@workbench/services';
import type { Request } from 'express';
import { IS_PUBLIC, REQUIRED_ROLE } from './roles.decorator';

export type AuthenticatedRequest = Request & { apiKey?: ApiKey };

/**
 * Every route needs an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) with at least
 * the role the route declares; routes that declare none need 'viewer'.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly workbench: Workbench,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? 'viewer';
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.header('authorization');
    const key = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? request.header('x-api-key');
    if (!key) throw new UnauthorizedException("missing API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
    const apiKey = await this.workbench.apiKeys.authenticate(key);
    if (!apiKey) throw new UnauthorizedException('invalid or revoked API key');
    if (!hasRole(apiKey.role, required)) {
      throw new ForbiddenException(`this action needs the ${required} role; the key '${apiKey.name}' has the ${apiKey.role} role`);
    }
    request.apiKey = apiKey;
    return true;
  }
}
