import { assertPublicTarget, isPrivateAddress } from './target-guard';

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
