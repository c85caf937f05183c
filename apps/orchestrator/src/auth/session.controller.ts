import { Controller, Get, Req } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import { sessionView } from '@workbench/services';
import type { AuthenticatedRequest } from './api-key.guard';

@ApiTags('session')
@ApiSecurity('api-key')
@Controller('session')
export class SessionController {
  /** The caller's key name, role and what that role may do (the web app hides the rest). */
  @Get()
  get(@Req() req: AuthenticatedRequest) {
    return sessionView(req.apiKey as NonNullable<AuthenticatedRequest['apiKey']>);
  }
}
