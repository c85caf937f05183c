import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { sessionView } from '@workbench/services';
import type { AuthenticatedRequest } from './api-key.guard';
import { SessionDto } from './session.dto';

@ApiTags('session')
@ApiSecurity('api-key')
@Controller('session')
export class SessionController {
  /** The caller's key name, role and what that role may do (the web app hides the rest). */
  @Get()
  @ApiOperation({ summary: 'The caller', description: "The calling key's name and role, and what that role may do." })
  @ApiOkResponse({ type: SessionDto })
  get(@Req() req: AuthenticatedRequest): SessionDto {
    return sessionView(req.apiKey as NonNullable<AuthenticatedRequest['apiKey']>);
  }
}
