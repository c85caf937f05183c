import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from './config';
import { InvalidRequestError } from './errors';
import { WebhookTargets } from './webhook-targets';

describe('webhook targets', () => {
  const targets = new WebhookTargets();

  it.each([
    [
      'http://169.254.169.254/latest/meta-data/',
      "webhookUrl host '169.254.169.254' is refused: 169.254.169.254 is a private, loopback, link-local or reserved address (allow it with WORKBENCH_WEBHOOK_ALLOW)",
    ],
    [
      'http://127.0.0.1:8080/hook',
      "webhookUrl host '127.0.0.1' is refused: 127.0.0.1 is a private, loopback, link-local or reserved address (allow it with WORKBENCH_WEBHOOK_ALLOW)",
    ],
    ['http://localhost/hook', /^webhookUrl host 'localhost' is refused: (127\.0\.0\.1|::1) is a private/],
    ['http://10.1.2.3/', /10\.1\.2\.3 is a private/],
    ['http://192.168.0.10/', /192\.168\.0\.10 is a private/],
    ['http://[::1]/', /::1 is a private/],
    ['http://[::ffff:169.254.169.254]/', /::ffff:a9fe:a9fe is a private/],
    ['http://[fe80::1]/', /fe80::1 is a private/],
    ['ftp://example.com/x', 'webhookUrl must be an http:// or https:// URL'],
    ['file:///etc/passwd', 'webhookUrl must be an http:// or https:// URL'],
    ['http://user:pw@example.com/', 'webhookUrl must not carry a user name or password'],
    ['not a url', "webhookUrl 'not a url' is not a URL"],
  ])('refuses %s when a policy is saved', async (url, message) => {
    const check = targets.check(url);
    await expect(check).rejects.toThrow(InvalidRequestError);
    await expect(check).rejects.toThrow(message);
  });

  it('allows public addresses, and private ones only when the config lists them', () => {
    expect(targets.refusal('93.184.216.34')).toBeNull();
    expect(targets.refusal('2606:2800:220:1:248:1893:25c8:1946')).toBeNull();
    const allowing = new WebhookTargets(['127.0.0.1', '10.0.0.0/8']);
    expect(allowing.refusal('127.0.0.1')).toBeNull();
    expect(allowing.refusal('10.200.1.1')).toBeNull();
    expect(allowing.refusal('127.0.0.2')).toMatch(/is a private/);
    expect(allowing.refusal('169.254.169.254')).toMatch(/is a private/);
  });

  it('checks the address it connects to: a name resolving to a refused address is never contacted', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // localhost resolves to loopback: refused at connection time although the URL names no address.
      await expect(targets.post(`http://localhost:${port}/`, { x: 1 }, 5_000)).rejects.toThrow(
        /^webhook refused: .* is a private, loopback/,
      );
      await expect(targets.post(`http://127.0.0.1:${port}/`, { x: 1 }, 5_000)).rejects.toThrow(
        /^webhook refused: 127\.0\.0\.1 is a private/,
      );
      expect(hits).toBe(0);
      // Allowed explicitly (as the tests' own loopback hooks are): delivered.
      await expect(
        new WebhookTargets(['127.0.0.1', '::1']).post(`http://localhost:${port}/`, { x: 1 }, 5_000),
      ).resolves.toBe(200);
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it('validates WORKBENCH_WEBHOOK_ALLOW at start', () => {
    expect(loadConfig({ WORKBENCH_WEBHOOK_ALLOW: '127.0.0.1, 10.0.0.0/8,fd00::/8' }).webhookAllow).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    expect(() => loadConfig({ WORKBENCH_WEBHOOK_ALLOW: 'intranet.local' })).toThrow(
      "WORKBENCH_WEBHOOK_ALLOW: 'intranet.local' is not an IP address or CIDR range such as 10.0.0.0/8",
    );
  });
});
