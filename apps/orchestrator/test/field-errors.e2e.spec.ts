import type { INestApplication } from '@nestjs/common';
import type { Role } from '@workbench/persistence';
import request from 'supertest';
import { createKeys, SAMPLE, startApp, testConfig } from './helpers';

// A form shows each refusal beside its field: every 400 whose cause is a field of the request carries
// `errors: [{ field, message }]`, the field as its dotted path in the body, beside the `message` clients read.
describe('400 bodies name each refused field in `errors`', () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());
  const create = (body: Record<string, unknown>) =>
    http().post('/segmentations').set('X-API-Key', keys.analyst).send(body);
  const base = { plugin: 'segmenter-kmeans', dataset: 'retail' };

  beforeAll(async () => {
    app = await startApp(testConfig());
    keys = await createKeys(app);
    await http().post('/datasets').set('X-API-Key', keys.analyst).field('name', 'retail').attach('file', SAMPLE);
    await create({ ...base, name: 'km', params: { k: 3 } }).expect(201);
  });
  afterAll(async () => {
    await app.close();
  });

  it('locates the request validation errors, and keeps the field: message lines', async () => {
    const res = await create({ name: 'has space', plugin: 3, dataset: 'retail', kpis: [{ plugin: 7 }] }).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        {
          field: 'name',
          message: "name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit",
        },
        { field: 'plugin', message: 'plugin must be a string' },
        { field: 'kpis.0.plugin', message: 'plugin must be a string' },
      ]),
    );
    expect(res.body.message).toEqual(expect.arrayContaining(['plugin: plugin must be a string']));
  });

  it("locates the plugin's params problems under params, a cross-field rule included", async () => {
    const res = await create({ ...base, name: 'km2', params: { k: 1, kMin: 6, kMax: 4, engine: 'gpu' } }).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'params.k', message: 'k must not be less than 2' },
        { field: 'params.kMax', message: 'kMax (4) must be at least kMin (6)' },
        { field: 'params.engine', message: 'engine must be one of the following values: fast, ml-kmeans' },
      ]),
    );
    expect(res.body.problems).toEqual(expect.arrayContaining([{ path: 'k', message: 'k must not be less than 2' }]));
    expect(res.body.message).toContain("invalid params for 'segmenter-kmeans': ");
  });

  it("locates a KPI evaluator's params and an unknown evaluator or plugin", async () => {
    const evaluatorParams = await create({
      ...base,
      name: 'km3',
      kpis: [{ plugin: 'kpi-standard' }, { plugin: 'kpi-standard', params: { nope: 1 } }],
    }).expect(400);
    expect(evaluatorParams.body.errors).toEqual([
      { field: 'kpis.1.params.nope', message: 'property nope should not exist' },
    ]);
    const unknownEvaluator = await create({ ...base, name: 'km3', kpis: [{ plugin: 'kpi-nope' }] }).expect(400);
    expect(unknownEvaluator.body.errors).toEqual([
      { field: 'kpis.0.plugin', message: expect.stringContaining("kpis.0.plugin: no plugin named 'kpi-nope'") },
    ]);
    const unknownPlugin = await create({ ...base, name: 'km3', plugin: 'segmenter-nope' }).expect(400);
    expect(unknownPlugin.body.errors).toEqual([
      { field: 'plugin', message: expect.stringContaining("no plugin named 'segmenter-nope'") },
    ]);
  });

  it('locates a limit over the cap and a taken name (409)', async () => {
    const greedy = await create({ ...base, name: 'km4', limits: { memoryMb: 100_000 } }).expect(400);
    expect(greedy.body).toMatchObject({
      message: "limits.memoryMb 100000 must be a whole number from 64 to 8192 (the server's cap)",
      errors: [
        {
          field: 'limits.memoryMb',
          message: "limits.memoryMb 100000 must be a whole number from 64 to 8192 (the server's cap)",
        },
      ],
    });
    const taken = await create({ ...base, name: 'km' }).expect(409);
    expect(taken.body.errors).toEqual([{ field: 'name', message: expect.stringContaining("named 'km' already") }]);
  });

  it("locates a run's merged params and its seed, and queues nothing", async () => {
    const submit = (body: Record<string, unknown>) =>
      http().post('/segmentations/km/runs').set('X-API-Key', keys.analyst).send(body);
    const crossed = await submit({ params: { kMin: 5, kMax: 3 }, seed: 2 ** 31 }).expect(400);
    expect(crossed.body.errors).toEqual([{ field: 'seed', message: 'seed must not be greater than 2147483647' }]);
    const params = await submit({ params: { k: undefined, kMin: 5, kMax: 3 } }).expect(400);
    expect(params.body.errors).toEqual([{ field: 'params.kMax', message: 'kMax (3) must be at least kMin (5)' }]);
    const runs = await http().get('/segmentations/km/runs').set('X-API-Key', keys.viewer).expect(200);
    expect(runs.body).toEqual([]);
  });

  it('describes the 400 body with its errors in /docs-json', async () => {
    const doc = (await http().get('/docs-json').set('X-API-Key', keys.viewer).expect(200)).body;
    for (const [path, method] of [
      ['/segmentations', 'post'],
      ['/segmentations/{id}/runs', 'post'],
    ]) {
      expect(doc.paths[path][method].responses['400'].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ErrorBodyDto',
      });
    }
    expect(doc.components.schemas.ErrorBodyDto.properties.errors).toMatchObject({
      type: 'array',
      items: { $ref: '#/components/schemas/FieldErrorDto' },
    });
  });

  it('leaves errors out when no field is to blame', async () => {
    const res = await http().get('/segmentations/nothing-here').set('X-API-Key', keys.viewer).expect(404);
    expect(res.body).not.toHaveProperty('errors');
  });
});
