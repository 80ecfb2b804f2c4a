import { createHmac } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { errorMessage, SERVICE_ENV } from '@switchboard/platform';
import { createTransport, type Transporter } from 'nodemailer';
import { Agent, request } from 'undici';
import type { NotifyEnv } from '../config/notify.config';
import type { NotificationRecord } from '../notifications/notification.repository';
import type { Subscription } from '../subscriptions/subscription.repository';
import { isPrivateLiteral, publicOnlyLookup } from '../subscriptions/target-guard';
import { toWire } from '../realtime/wire-message';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error?: string;
}

/** `t=<unix>,v1=<hex hmac_sha256(secret, t + "." + body)>` */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

function summary(n: NotificationRecord): string {
  const p = n.payload;
  const what = typeof p['alert'] === 'string' ? `${p['alert']} alert` : n.kind;
  const about = ['interactionId', 'agentId', 'queueId', 'customerId']
    .filter((k) => typeof p[k] === 'string')
    .map((k) => `${k}=${String(p[k])}`)
    .join(' ');
  return `[${n.severity}] ${what} (${n.eventType}) ${about}`.trim();
}

/** Sends one notification over a subscription's channel: signed webhook, Slack-compatible webhook or e-mail. */
@Injectable()
export class ChannelSender implements OnApplicationShutdown {
  private mailer: Transporter | undefined;
  /** Keep-alive connections per receiver; every new connection's addresses are checked by the lookup. */
  private readonly http: Agent;

  constructor(@Inject(SERVICE_ENV) private readonly env: NotifyEnv) {
    this.http = new Agent({
      connections: env.NOTIFY_DELIVERY_CONCURRENCY,
      keepAliveTimeout: 30_000,
      headersTimeout: env.NOTIFY_DELIVERY_TIMEOUT_MS,
      bodyTimeout: env.NOTIFY_DELIVERY_TIMEOUT_MS,
      connect: { timeout: env.NOTIFY_DELIVERY_TIMEOUT_MS, ...(env.NOTIFY_ALLOW_PRIVATE_TARGETS ? {} : { lookup: publicOnlyLookup }) },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.mailer?.close();
    await this.http.close();
  }

  async send(subscription: Subscription, n: NotificationRecord, deliveryId: string, attempt: number, now: Date): Promise<SendOutcome> {
    switch (subscription.channel) {
      case 'webhook': {
        const body = JSON.stringify({ deliveryId, attempt, tenant: n.tenant, recipient: n.recipient, notification: toWire(n) });
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-switchboard-delivery': deliveryId };
        if (subscription.secret) {
          headers['x-switchboard-signature'] = signatureHeader(subscription.secret, body, Math.floor(now.getTime() / 1000));
        }
        return this.post(subscription.target, body, headers);
      }
      case 'slack': {
        const text = summary(n);
        const body = JSON.stringify({
          text,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${text}*\n\`\`\`${JSON.stringify(n.payload, null, 2).slice(0, 2500)}\`\`\`` } }],
        });
        return this.post(subscription.target, body, { 'content-type': 'application/json' });
      }
      case 'email':
        return this.mail(subscription.target, n);
    }
  }

  /** One message carrying several low-priority notifications. */
  async sendDigest(subscription: Subscription, items: readonly NotificationRecord[], deliveryIds: readonly string[], now: Date): Promise<SendOutcome> {
    const lines = items.map((n) => `- ${summary(n)}`).join('\n');
    const title = `Switchboard digest: ${items.length} notification${items.length === 1 ? '' : 's'}`;
    switch (subscription.channel) {
      case 'webhook': {
        const body = JSON.stringify({ digest: true, deliveryIds, tenant: items[0]?.tenant, notifications: items.map(toWire) });
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-switchboard-delivery': deliveryIds.join(',') };
        if (subscription.secret) {
          headers['x-switchboard-signature'] = signatureHeader(subscription.secret, body, Math.floor(now.getTime() / 1000));
        }
        return this.post(subscription.target, body, headers);
      }
      case 'slack':
        return this.post(subscription.target, JSON.stringify({ text: `${title}\n${lines}` }), { 'content-type': 'application/json' });
      case 'email':
        return this.mailText(subscription.target, title, lines, items.map((n) => n.id).join(','));
    }
  }

  private async post(target: string, body: string, headers: Record<string, string>): Promise<SendOutcome> {
    try {
      // Host names are checked on every new connection (publicOnlyLookup); IP literals here.
      if (!this.env.NOTIFY_ALLOW_PRIVATE_TARGETS && isPrivateLiteral(target)) {
        return { ok: false, statusCode: null, error: 'target is a private or loopback address' };
      }
      // No redirects are followed (undici's request does not follow them).
      const response = await request(target, {
        method: 'POST',
        body,
        headers,
        dispatcher: this.http,
        signal: AbortSignal.timeout(this.env.NOTIFY_DELIVERY_TIMEOUT_MS),
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, statusCode: response.statusCode };
      return { ok: false, statusCode: response.statusCode, error: `HTTP ${response.statusCode}` };
    } catch (error) {
      return { ok: false, statusCode: null, error: errorMessage(error) };
    }
  }

  private mail(to: string, n: NotificationRecord): Promise<SendOutcome> {
    return this.mailText(
      to,
      `Switchboard: ${summary(n)}`,
      `${summary(n)}\n\n${JSON.stringify(n.payload, null, 2)}\n\nEvent ${n.sourceEventId} at ${n.eventTime}`,
      n.id,
    );
  }

  private async mailText(to: string, subject: string, text: string, ids: string): Promise<SendOutcome> {
    if (!this.env.SMTP_URL) return { ok: false, statusCode: null, error: 'SMTP_URL is not configured' };
    this.mailer ??= createTransport(this.env.SMTP_URL);
    try {
      await this.mailer.sendMail({
        from: this.env.SMTP_FROM,
        to,
        subject: subject.slice(0, 250),
        text,
        headers: { 'X-Switchboard-Notification': ids.slice(0, 900) },
      });
      return { ok: true, statusCode: null };
    } catch (error) {
      return { ok: false, statusCode: null, error: errorMessage(error) };
    }
  }
}
