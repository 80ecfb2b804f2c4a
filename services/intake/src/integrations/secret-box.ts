import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { SERVICE_ENV } from '@switchboard/platform';
import { decodeKey } from '../config/intake.config';

const VERSION = 'v1';

/**
 * Encrypts integration secrets at rest with AES-256-GCM. The key comes from INTEGRATION_SECRET_KEY, or is
 * derived from JWT_SECRET (HKDF-SHA256) for development. The associated data binds a ciphertext to its
 * tenant and kind, so a secret copied onto another row does not decrypt.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer;

  constructor(@Inject(SERVICE_ENV) env: { INTEGRATION_SECRET_KEY?: string; JWT_SECRET: string }) {
    const configured = env.INTEGRATION_SECRET_KEY ? decodeKey(env.INTEGRATION_SECRET_KEY) : undefined;
    this.key = configured ?? Buffer.from(hkdfSync('sha256', env.JWT_SECRET, 'switchboard-intake', 'integration-secrets', 32));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  open(sealed: string, context: string): string {
    const [version, iv, tag, ciphertext] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('Unknown secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}
