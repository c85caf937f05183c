import {
  BeforeApplicationShutdown,
  Controller,
  Get,
  Inject,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { RunsService, Workbench, type WorkbenchConfig } from '@workbench/services';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { CONFIG } from '../app/config.token';
import { LiveStream } from './live-stream';

@ApiTags('events')
@ApiSecurity('api-key')
@Controller('events')
export class EventsController implements BeforeApplicationShutdown {
  /** The open streams, ended at shutdown: an open response would keep the HTTP server from closing. */
  private readonly open = new Set<LiveStream>();
  /**
   * Set when shutdown begins. The web app reconnects when its stream ends, and a stream opened after the others
   * were ended would hold the HTTP server's close forever (seen: a Bull API process that never exited on SIGTERM).
   */
  private closing = false;

  constructor(
    private readonly workbench: Workbench,
    private readonly runs: RunsService,
    @Inject(CONFIG) private readonly config: WorkbenchConfig,
  ) {}

  @Get('stream')
  @ApiOperation({
    summary: 'Live events (Server-Sent Events)',
    description: [
      'What happens to queued work as it happens, from every process (API and workers): one `data:` line of JSON per event,',
      '`{type:"progress", queue, id, fraction, note?}` (a job\'s progress, e.g. a plugin\'s `ctx.progress`),',
      '`{type:"log", queue, id, level, message}` (a plugin\'s `ctx.log`; analyst+),',
      '`{type:"state", kind:"run"|"comparison"|"scoring"|"retrain", id, status}` (a status change) and',
      '`{type:"ingest", uploadId, fraction, rows}` (an upload\'s progress; analyst+).',
      'A `: heartbeat` comment every WORKBENCH_EVENTS_HEARTBEAT_MS (15 s) keeps proxies from closing it; the key is checked then',
      '(and before events, at most once a second), so a revoked key is cut off. Send the key as a header (X-API-Key or',
      'Authorization: Bearer), never in the URL: read it with fetch and a stream reader rather than EventSource.',
    ].join(' '),
  })
  @ApiQuery({
    name: 'run',
    required: false,
    description:
      "only this run's events (id or `<segmentation>@v<n>`-style reference): first its status now, then its progress and log lines; the stream ends after its final status (succeeded, failed or cancelled)",
  })
  @ApiProduces('text/event-stream')
  @ApiNotFoundResponse({ description: 'no such run (with `run`)' })
  @ApiOkResponse({
    description: 'an endless text/event-stream (with `run`: until that run has finished)',
    content: {
      'text/event-stream': {
        schema: { type: 'string', example: 'data: {"type":"progress","queue":"train","id":"…","fraction":0.4}\n\n' },
      },
    },
  })
  async stream(@Req() req: AuthenticatedRequest, @Res() res: Response, @Query('run') runRef?: string): Promise<void> {
    if (this.closing) throw new ServiceUnavailableException('the server is shutting down; reconnect to another one');
    const apiKey = req.apiKey as NonNullable<AuthenticatedRequest['apiKey']>;
    // Resolved before the stream starts, so an unknown run is a plain 404.
    const run = runRef ? await this.runs.resolve(runRef) : undefined;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx and the like would otherwise hold events back in their buffers.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const stream = new LiveStream({
      events: this.workbench.events,
      role: apiKey.role,
      run: run && { id: run.id, status: async () => (await this.runs.get(run.id)).status },
      keyActive: () => this.workbench.apiKeys.isActive(apiKey.id),
      heartbeatMs: this.config.eventsHeartbeatMs,
      write: (chunk) => void res.write(chunk),
      end: () => res.end(),
    });
    // Shutdown may have begun while the run was looked up.
    if (this.closing) {
      stream.close();
      return;
    }
    this.open.add(stream);
    // The client left (or the connection broke): release the subscription and the timer.
    const close = () => {
      stream.close();
      this.open.delete(stream);
    };
    req.on('close', close);
    res.on('close', close);
    await stream.open();
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const stream of this.open) stream.close();
    this.open.clear();
  }
}
