import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { assertPublicTarget, isPrivateAddress, isPrivateLiteral, publicOnlyLookup } from './target-guard';

describe('webhook target guard', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1'])(
    'refuses %s',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111'])('accepts %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );

  it('refuses a literal private host unless allowed', async () => {
    await expect(assertPublicTarget('http://127.0.0.1:9/hook', false)).rejects.toMatchObject({ code: 'NOTIFY.TARGET_PRIVATE', status: 422 });
    await expect(assertPublicTarget('http://[::1]:9/hook', false)).rejects.toMatchObject({ code: 'NOTIFY.TARGET_PRIVATE' });
    await expect(assertPublicTarget('http://127.0.0.1:9/hook', true)).resolves.toBeUndefined();
  });

  it('resolves names and checks every address', async () => {
    await expect(assertPublicTarget('http://localhost:9/hook', false)).rejects.toMatchObject({ code: 'NOTIFY.TARGET_PRIVATE' });
  });
});

describe('connection-time guard', () => {
  it('refuses to connect to a name that resolves to a private address, and to private literals', async () => {
    const server = createServer((_req, res) => res.end('inside'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const agent = new Agent({ connect: { lookup: publicOnlyLookup } });
    try {
      await expect(request(`http://localhost:${port}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'NOTIFY.TARGET_PRIVATE' });
      expect(isPrivateLiteral(`http://127.0.0.1:${port}/`)).toBe(true);
      expect(isPrivateLiteral('http://[::1]:9/')).toBe(true);
      expect(isPrivateLiteral('https://hooks.example.com/x')).toBe(false);
      expect(isPrivateLiteral('http://8.8.8.8/x')).toBe(false);
    } finally {
      await agent.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
