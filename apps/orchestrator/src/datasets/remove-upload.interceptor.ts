import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { unlink } from 'node:fs/promises';
import { catchError, from, mergeMap, type Observable } from 'rxjs';

/**
 * Deletes the request's uploaded file before the answer goes out, whatever the outcome: ingested, a body
 * that fails validation (the pipes run after the upload is written), a dataset that does not exist, a
 * refused file. The handler reads the upload and never keeps it. Listed after FileInterceptor.
 */
@Injectable()
export class RemoveUploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    const remove = async () => {
      if (request.file?.path) await unlink(request.file.path).catch(() => undefined);
    };
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        await remove();
        return body;
      }),
      catchError((error: unknown) =>
        from(
          remove().then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}
