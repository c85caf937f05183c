import { HttpException, HttpStatus, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import { ThrottlerStorage, type ThrottlerStorageService } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Workbench, WORKBENCH_VERSION, type WorkbenchConfig } from '@workbench/services';
import { Logger } from 'nestjs-pino';
import { authenticateRequest } from '../auth/api-key.guard';
import { createValidationPipe } from '../common/validation.pipe';
import { AppModule, type AppOptions } from './app.module';

/** The HTTP application (roles api and all), configured as in production; tests call it too. */
export async function createHttpApp(
  config: WorkbenchConfig,
  options: AppOptions & { logger?: false },
): Promise<INestApplication> {
  // forceCloseConnections: at shutdown the open sockets are destroyed. Otherwise a browser tab on the app keeps
  // the server from exiting: its keep-alive connection is never idle (the live stream reconnects, pages refetch),
  // and Node's close only ends idle ones (CI: an API process still up 60 s after SIGTERM).
  const app = await NestFactory.create(AppModule.forRoot(config, options), {
    ...nestLogging(options),
    forceCloseConnections: true,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  // A NUL cannot be part of any id or name here (PostgreSQL refuses it in text): answer 400, not 500.
  app.use((req: Request, res: Response, next: NextFunction) => {
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      path = '\0';
    }
    if (!path.includes('\0')) return next();
    res.status(400).json({
      statusCode: 400,
      error: 'Bad Request',
      message: 'the URL path must not contain a NUL character or a broken %-escape',
    });
  });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Segment Workbench')
      .setDescription(
        'Customer segmentations, versioned runs and KPIs per segment. Every route but /health and /metrics needs an API key.',
      )
      .setVersion(WORKBENCH_VERSION)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  if (!config.publicDocs) {
    // The API's map is for key holders unless WORKBENCH_PUBLIC_DOCS says otherwise; the key is checked
    // (and failures counted) as on every other route.
    const workbench = app.get(Workbench);
    const failures = app.get<ThrottlerStorageService>(ThrottlerStorage);
    app.use(['/docs', '/docs-json', '/docs-yaml'], (req: Request, res: Response, next: NextFunction) => {
      authenticateRequest(req, workbench, failures).then(
        () => next(),
        (e: unknown) => {
          const status = e instanceof HttpException ? e.getStatus() : 500;
          res.status(status).json({
            statusCode: status,
            error: HttpStatus[status],
            message: e instanceof HttpException ? e.message : 'internal error; the server log has the details',
          });
        },
      );
    });
  }
  SwaggerModule.setup('docs', app, document);
  return app;
}

/**
 * A worker process (role worker): the queue consumer. With WORKBENCH_HEALTH_PORT it also serves its own
 * /health, /health/live and /metrics on that port (nothing else: the worker has no API routes).
 */
export async function createWorkerContext(
  config: WorkbenchConfig,
  options: AppOptions & { logger?: false },
): Promise<INestApplicationContext> {
  const module = AppModule.forRoot(config, options);
  const app = config.healthPort
    ? await NestFactory.create(module, nestLogging(options))
    : await NestFactory.createApplicationContext(module, nestLogging(options));
  if (options.logger !== false) app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  if (config.healthPort) await (app as INestApplication).listen(config.healthPort);
  return app;
}

/** Nest's own lines go to the structured (pino) logger once the app is built; until then they are buffered. */
function nestLogging(options: { logger?: false }) {
  return options.logger === false ? { logger: false as const } : { bufferLogs: true };
}
