import type { AnyCloudEvent } from '@switchboard/contracts';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { requestJson } from './http';
import type { TokenIssuer } from './tokens';

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/** Intake's public HTTP API: CloudEvents, the Twilio integration and its signed voice status callbacks. */
export class IntakeClient {
  constructor(
    readonly baseUrl: string,
    private readonly tokens: TokenIssuer,
  ) {}

  /** `POST /v1/events` with one event; resolves once intake answered 202 (JetStream has it). */
  send(event: AnyCloudEvent, signal?: AbortSignal): Promise<IngestResult> {
    return requestJson<IngestResult>('POST', `${this.baseUrl}/v1/events`, {
      token: this.tokens.ingest(),
      body: event,
      headers: { 'content-type': 'application/cloudevents+json' },
      signal,
    });
  }

  /** `POST /v1/events` with a batch (at most 500). */
  sendBatch(events: AnyCloudEvent[], signal?: AbortSignal): Promise<IngestResult> {
    return requestJson<IngestResult>('POST', `${this.baseUrl}/v1/events`, {
      token: this.tokens.ingest(),
      body: events,
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      signal,
    });
  }

  /** `PUT /v1/integrations/twilio` (idempotent). */
  configureTwilio(authToken: string, defaultQueueId?: string): Promise<unknown> {
    return requestJson('PUT', `${this.baseUrl}/v1/integrations/twilio`, {
      token: this.tokens.admin(),
      body: { authToken, ...(defaultQueueId ? { defaultQueueId } : {}) },
    });
  }

  /**
   * A Twilio voice status callback, form-encoded and signed as Twilio signs it (HMAC-SHA1 of the URL and
   * the sorted parameters with the tenant's auth token).
   */
  twilioCallback(params: Record<string, string>, options: { authToken: string; queueId?: string; signal?: AbortSignal }): Promise<IngestResult> {
    const query = options.queueId ? `?queueId=${encodeURIComponent(options.queueId)}` : '';
    const url = `${this.baseUrl}/v1/webhooks/twilio/${this.tokens.tenant}/voice${query}`;
    return requestJson<IngestResult>('POST', url, {
      raw: { contentType: 'application/x-www-form-urlencoded', text: new URLSearchParams(params).toString() },
      headers: { 'x-twilio-signature': getExpectedTwilioSignature(options.authToken, url, params) },
      signal: options.signal,
    });
  }
}
