import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from './metrics';

/**
 * Times every HTTP request, labelled by its route pattern (`/runs/:id`, not the id, so the series stay
 * few); requests that matched no route count as `unmatched`. Middleware, not an interceptor, so requests
 * refused by the key guard or the body parser are timed too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpDuration.startTimer({ method: req.method });
    res.once('finish', () => {
      const pattern = (req.route as { path?: string } | undefined)?.path;
      end({ route: pattern ? `${req.baseUrl}${pattern}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  }
}
