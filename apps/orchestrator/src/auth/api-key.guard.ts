import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ApiKey, Role } from '@workbench/persistence';
import { hasRole, Workbench } from '@workbench/services';
import type { Request } from 'express';
import { IS_PUBLIC, REQUIRED_ROLE } from './roles.decorator';

export type AuthenticatedRequest = Request & { apiKey?: ApiKey };

const MINUTE_MS = 60_000;

/**
 * Every route needs an API key (`Authorization: Bearer <key>` or `X-API-Key: <key>`) with at least
 * the role the route declares; routes that declare none need 'viewer'. Failed authentications are
 * counted per client address (@nestjs/throttler's storage, in this process): past
 * WORKBENCH_AUTH_FAILURES_PER_MINUTE the client gets 429 for a minute, whatever key it sends.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly workbench: Workbench,
    @Inject(ThrottlerStorage) private readonly failures: ThrottlerStorageService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? 'viewer';
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const apiKey = await authenticateRequest(request, this.workbench, this.failures);
    assertRole(apiKey, required);
    request.apiKey = apiKey;
    return true;
  }
}

/** 403 unless the key has at least the `required` role. */
export function assertRole(apiKey: ApiKey, required: Role): void {
  if (!hasRole(apiKey.role, required)) {
    throw new ForbiddenException(
      `this action needs the ${required} role; the key '${apiKey.name}' has the ${apiKey.role} role`,
    );
  }
}

/** The key a request sends: `Authorization: Bearer <key>`, else `X-API-Key`. */
export function requestKey(request: Request): string | undefined {
  const header = request.header('authorization');
  return header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? request.header('x-api-key');
}

/** The value of the cookie named `name`, if the request has it. */
function requestCookie(request: Request, name: string): string | undefined {
  for (const pair of (request.header('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(at + 1).trim()) || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The request's active API key; 401 without one, 429 for a client past its failed-authentication limit.
 * `cookie`: where a request without the key's header may instead carry a token for that key (see
 * `ApiKeysService.issueToken`), issued for the purpose named like the cookie; only the queue dashboard takes one.
 */
export async function authenticateRequest(
  request: Request,
  workbench: Workbench,
  failures: ThrottlerStorageService,
  cookie?: string,
): Promise<ApiKey> {
  const client = `auth-failures:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
  const record = failures.storage.get(client);
  if (record?.isBlocked && record.blockExpiresAt > Date.now()) throw tooMany(record.blockExpiresAt);
  const key = requestKey(request);
  const token = key === undefined && cookie ? requestCookie(request, cookie) : undefined;
  const apiKey = key
    ? await workbench.apiKeys.authenticate(key)
    : token && cookie
      ? await workbench.apiKeys.authenticateToken(token, cookie)
      : null;
  if (apiKey) return apiKey;
  const counted = await failures.increment(
    client,
    MINUTE_MS,
    workbench.config.authFailuresPerMinute,
    MINUTE_MS,
    'auth-failures',
  );
  if (counted.isBlocked) throw tooMany(Date.now() + counted.timeToBlockExpire * 1000);
  throw new UnauthorizedException(
    key
      ? 'invalid, expired or revoked API key'
      : token
        ? `invalid, expired or revoked ${cookie} session: open it again from the web app's Admin page`
        : "missing API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
  );
}

const tooMany = (until: number) =>
  new HttpException(
    `too many failed authentications from this client; retry in ${Math.max(1, Math.ceil((until - Date.now()) / 1000))} s`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
