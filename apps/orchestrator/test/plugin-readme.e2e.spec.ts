import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { BUILTIN_PLUGINS_MODULE } from '@workbench/builtin-plugins';
import type { Role } from '@workbench/persistence';
import request from 'supertest';
import { createHttpApp } from '../src/app/bootstrap';
import { createKeys, TEST_PLUGINS, testConfig } from './helpers';

// GET /plugins/:name/readme: the Plugins page shows each plugin's README from here.
describe("a plugin's README over HTTP", () => {
  let app: INestApplication;
  let keys: Record<Role, string>;
  const http = () => request(app.getHttpServer());
  const fixtures = realpathSync(join(__dirname, '../../../libs/services/test/fixtures/plugins'));

  beforeAll(async () => {
    // The apps' own wiring: the shipped plugins' module, which lists their READMEs.
    app = await createHttpApp(testConfig({ pluginDirs: [fixtures] }), {
      plugins: TEST_PLUGINS,
      pluginsModule: BUILTIN_PLUGINS_MODULE,
      logger: false,
    });
    await app.init();
    keys = await createKeys(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it("serves a shipped plugin's README to any key holder", async () => {
    const res = await http().get('/plugins/segmenter-kmeans/readme').set('X-API-Key', keys.viewer).expect(200);
    expect(res.body).toEqual({
      name: 'segmenter-kmeans',
      version: '1.0.0',
      readme: readFileSync(join(__dirname, '../../../plugins/segmenter-kmeans/README.md'), 'utf8'),
    });
  });

  it("serves an external plugin's README.md from its folder, null when it has none", async () => {
    const source = join(fixtures, 'external-bands');
    await http().post('/plugins').set('X-API-Key', keys.admin).send({ source }).expect(201);
    const res = await http().get('/plugins/external-bands/readme').set('X-API-Key', keys.viewer).expect(200);
    expect(res.body).toEqual({
      name: 'external-bands',
      version: '0.2.0',
      readme: readFileSync(join(source, 'README.md'), 'utf8'),
    });
    // A plugin registered as an object (the tests' own) that the shipped plugins' module does not list has none.
    const none = await http().get('/plugins/test-split-median/readme').set('X-API-Key', keys.viewer).expect(200);
    expect(none.body.readme).toBeNull();
  });

  it('answers an unknown plugin with 404', async () => {
    const res = await http().get('/plugins/no-such-plugin/readme').set('X-API-Key', keys.viewer).expect(404);
    expect(res.body.message).toBe("no plugin named 'no-such-plugin' is registered (see GET /plugins)");
  });
});
