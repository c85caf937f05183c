import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { IngestError } from '@workbench/data';
import { QueueUnavailableError } from '@workbench/jobs';
import { PluginContractError, PluginSandboxError, UnknownPluginError } from '@workbench/engine';
import { FeatureRequirementError, ParamsValidationError, PluginDefinitionError } from '@workbench/plugin-sdk';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  RequestParamsError,
  type FieldError,
} from '@workbench/services';
import type { Response } from 'express';

/** `{ errors }` when some field is to blame, else nothing (the body keeps its old shape). */
const located = (errors: FieldError[]) => (errors.length > 0 ? { errors } : {});

/**
 * Domain errors → HTTP status; the body always has `statusCode`, `error` and a `message` a user can act on,
 * and `errors: [{ field, message }]` when the request's fields are to blame (each located by its dotted
 * path in the body, e.g. `params.kMax`), so a form can show each message beside its field.
 */
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
      const errors = typeof payload === 'string' ? undefined : (payload as { errors?: unknown }).errors;
      return { status: e.getStatus(), body: { message, ...(Array.isArray(errors) && { errors }) } };
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
    if (e instanceof ParamsValidationError) {
      // Params validated outside a request body (a plugin's own call) have no field of the request to blame.
      const errors = e instanceof RequestParamsError ? { errors: e.errors } : {};
      return { status: 400, body: { message: e.message, problems: e.problems, ...errors } };
    }
    if (e instanceof PluginDefinitionError) return { status: 400, body: { message: e.message, problems: e.problems } };
    if (e instanceof InvalidRequestError) return { status: 400, body: { message: e.message, ...located(e.errors) } };
    if (e instanceof FeatureRequirementError || e instanceof UnknownPluginError) {
      return { status: 400, body: { message: e.message } };
    }
    if (e instanceof NotFoundError) return { status: 404, body: { message: e.message } };
    if (e instanceof ConflictError) return { status: 409, body: { message: e.message, ...located(e.errors) } };
    if (e instanceof UniqueConstraintViolationException)
      return { status: 409, body: { message: 'this conflicts with something stored meanwhile; retry' } };
    // The plugin broke its contract or its sandbox's limits (online scoring): the reason is the plugin's, not a secret of the server.
    if (e instanceof PluginContractError || e instanceof PluginSandboxError)
      return { status: 500, body: { message: e.message } };
    // Redis away: nothing was submitted (see RunsService.submit); the client may try again later.
    if (e instanceof QueueUnavailableError) return { status: 503, body: { message: e.message, queue: e.queue } };
    return { status: 500, body: { message: 'internal error; the server log has the details' } };
  }
}
