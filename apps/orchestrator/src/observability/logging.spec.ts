import { Writable } from 'node:stream';
import express from 'express';
import pinoHttp from 'pino-http';
import request from 'supertest';
import { createPino, httpLogging } from './logging';
import { pinoWorkbenchLogger } from './structured-logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('structured logs', () => {
  it('writes the services’ lines as JSON with run id, queue, attempt and plugin as fields', () => {
    const out = capture();
    const logger = pinoWorkbenchLogger(createPino('info', out.stream));
    logger.warn('run r1 attempt 2/3 failed: boom (will retry)', {
      queue: 'train',
      attempt: 2,
      runId: 'r1',
      plugin: 'segmenter-kmeans',
    });
    logger.log('plain line');
    const [failed, plain] = out.lines();
    expect(failed).toMatchObject({
      level: 40,
      msg: 'run r1 attempt 2/3 failed: boom (will retry)',
      queue: 'train',
      attempt: 2,
      runId: 'r1',
      plugin: 'segmenter-kmeans',
    });
    expect(typeof failed['time']).toBe('string');
    expect(plain).toMatchObject({ level: 30, msg: 'plain line' });
    expect(plain).not.toHaveProperty('runId');
  });

  it('logs each request once, with API keys redacted, and leaves out the health and metrics polls', async () => {
    const out = capture();
    const app = express();
    app.use(pinoHttp(httpLogging(createPino('info', out.stream))));
    app.get(['/runs/:id', '/health', '/metrics'], (_req, res) => void res.json({}));
    await request(app)
      .get('/runs/r1')
      .set('X-API-Key', 'wb_secret_key')
      .set('Authorization', 'Bearer wb_secret_key')
      .expect(200);
    await request(app).get('/health').expect(200);
    await request(app).get('/metrics').expect(200);
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', url: '/runs/r1', headers: { 'x-api-key': '[redacted]', authorization: '[redacted]' } },
      res: { statusCode: 200 },
    });
    expect(JSON.stringify(lines)).not.toContain('wb_secret_key');
  });
});
