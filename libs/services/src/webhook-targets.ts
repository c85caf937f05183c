import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { InvalidRequestError } from './errors';

/**
 * Addresses a webhook may not reach unless the config allows them: "this network", private, shared
 * (CGNAT), loopback, link-local (cloud metadata at 169.254.169.254), benchmarking, multicast and
 * reserved ranges, and their IPv6 counterparts.
 */
const PRIVATE_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const privateRanges = new BlockList();
for (const [address, prefix, family] of PRIVATE_RANGES) privateRanges.addSubnet(address, prefix, family);

/** `a.b.c.d/n` or an IPv6 `x::/n` (a bare address is one host). */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, bits] = cidr.split('/');
  const version = isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d+$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Which addresses webhooks may be delivered to: public ones, plus the private ranges the config lists. */
export class WebhookTargets {
  private readonly allowed = new BlockList();

  /** @param allowPrivate CIDRs (WORKBENCH_WEBHOOK_ALLOW) that may be reached though private, e.g. `10.1.2.0/24` or `127.0.0.1`. */
  constructor(allowPrivate: readonly string[] = []) {
    for (const cidr of allowPrivate) {
      const parsed = parseCidr(cidr);
      if (!parsed) throw new InvalidRequestError(`'${cidr}' is not an IP address or CIDR range`);
      this.allowed.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
  }

  /** Why this resolved address is refused, or null when a webhook may reach it. */
  refusal(address: string): string | null {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
    const mapped = family === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
    if (mapped) return this.refusal(mapped);
    if (!privateRanges.check(address, family) || this.allowed.check(address, family)) return null;
    return `${address} is a private, loopback, link-local or reserved address (allow it with WORKBENCH_WEBHOOK_ALLOW)`;
  }

  /** Checks a webhook URL when a policy is saved: http(s), no credentials, and every address its host resolves to allowed. */
  async check(url: string): Promise<void> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InvalidRequestError(`webhookUrl '${url}' is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new InvalidRequestError('webhookUrl must be an http:// or https:// URL');
    if (parsed.username || parsed.password)
      throw new InvalidRequestError('webhookUrl must not carry a user name or password');
    const addresses = await resolveAll(parsed.hostname.replace(/^\[|\]$/g, '')).catch((e: Error) => {
      throw new InvalidRequestError(`webhookUrl host '${parsed.hostname}' does not resolve: ${e.message}`);
    });
    for (const a of addresses) {
      const why = this.refusal(a.address);
      if (why) throw new InvalidRequestError(`webhookUrl host '${parsed.hostname}' is refused: ${why}`);
    }
  }

  /**
   * A DNS lookup for the HTTP client that refuses a disallowed address at connection time: the address
   * checked is the one connected to, so a name that changes its answer after the policy was saved
   * (DNS rebinding) still cannot reach a private address.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const refused = addresses.map((a) => this.refusal(a.address)).find((why) => why !== null);
      if (refused)
        return callback(Object.assign(new Error(`webhook refused: ${refused}`), { code: 'EWEBHOOKREFUSED' }), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };

  /** POSTs a JSON body to an allowed URL; resolves with the HTTP status. No redirects are followed. */
  post(url: string, body: unknown, timeoutMs: number): Promise<number> {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return Promise.reject(new Error(`webhook ${url}: only http and https are allowed`));
    // A literal IP address is connected to without a lookup: check it here.
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const refused = isIP(host) ? this.refusal(host) : null;
    if (refused) return Promise.reject(new Error(`webhook refused: ${refused}`));
    const payload = Buffer.from(JSON.stringify(body));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          lookup: this.lookup,
          timeout: timeoutMs,
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}
