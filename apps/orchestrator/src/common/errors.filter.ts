import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { IngestError } from '@workbench/data';
import { QueueUnavailableError } from '@workbench/jobs';
import { PluginContractError, UnknownPluginError } from '@workbench/engine';
import { FeatureRequirementError, ParamsValidationError, PluginDefinitionError } from '@workbench/plugin-sdk';
import { ConflictError, InvalidRequestError, NotFoundError } from '@workbench/services';
import type { Response } from 'express';

/** Domain errors → HTTP status; the body always has `statusCode`, `error` and a `message` a user can act on. */
@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.describe(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    response.status(status).json({ statusCode: status, error: HttpStatus[status] ?? 'Error', ...body });
  }

  private describe(e: unknown): { status: number; body: Record<string, unknown> } {
    if (e instanceof HttpException) {
      const payload = e.getResponse();
      const message = typeof payload === 'string' ? payload : (payload as { message?: unknown }).message;
      return { status: e.getStatus(), body: { message } };
    }
    // body-parser's own refusals (a body over the limit: 413; malformed JSON: 400) carry their status.
    const parser = e as { type?: unknown; status?: unknown; expose?: unknown; message?: string };
    if (
      typeof parser.type === 'string' &&
      parser.type.startsWith('entity.') &&
      typeof parser.status === 'number' &&
      parser.status >= 400 &&
      parser.status < 500
    ) {
      return {
        status: parser.status,
        body: {
          message:
            parser.type === 'entity.too.large'
              ? 'the request body is larger than the server accepts'
              : (parser.message ?? 'bad request body'),
        },
      };
    }
    if (e instanceof RangeError && /call stack/i.test(e.message))
      return { status: 400, body: { message: 'the request body is nested too deeply' } };
    if (e instanceof IngestError) return { status: 400, body: { message: e.message, report: e.report } };
    if (e instanceof ParamsValidationError) return { status: 400, body: { message: e.message, problems: e.problems } };
    if (e instanceof PluginDefinitionError) return { status: 400, body: { message: e.message, problems: e.problems } };
    if (e instanceof FeatureRequirementError || e instanceof UnknownPluginError || e instanceof InvalidRequestError) {
      return { status: 400, body: { message: e.message } };
    }
    if (e instanceof NotFoundError) return { status: 404, body: { message: e.message } };
    if (e instanceof ConflictError) return { status: 409, body: { message: e.message } };
    if (e instanceof UniqueConstraintViolationException)
      return { status: 409, body: { message: 'this conflicts with something stored meanwhile; retry' } };
    if (e instanceof PluginContractError) return { status: 500, body: { message: e.message } };
    // Redis away: nothing was submitted (see RunsService.submit); the client may try again later.
    if (e instanceof QueueUnavailableError) return { status: 503, body: { message: e.message, queue: e.queue } };
    return { status: 500, body: { message: 'internal error; the server log has the details' } };
  }
}
