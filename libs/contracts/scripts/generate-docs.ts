import { z } from 'zod';
import { stringify } from 'yaml';
import {
  CLOUDEVENT_CONTENT_TYPE,
  EVENT_CATALOG,
  EVENT_TYPES,
  eventSchema,
  streamForType,
  type EventCatalogEntry,
  type EventType,
} from '../src/index';

/**
 * Pure generation of the published contract documents from the zod schemas: one JSON Schema
 * (2020-12) per event type and the AsyncAPI 3.0 document. `generate.ts` writes them to docs/;
 * a spec regenerates them in memory and compares with the checked-in files.
 */

export const ASYNCAPI_PATH = 'docs/asyncapi.yaml';
export const SCHEMAS_DIR = 'docs/schemas';
export const CONTRACTS_DOC_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

function catalogEntry(type: EventType): EventCatalogEntry {
  const entry = EVENT_CATALOG.find((candidate) => candidate.type === type);
  if (!entry) throw new Error(`EVENT_CATALOG has no entry for "${type}"`);
  return entry;
}

/** The JSON Schema (2020-12) of the full CloudEvent of one type, as a producer must send it. */
export function buildJsonSchema(type: EventType): JsonSchema {
  const generated = z.toJSONSchema(eventSchema(type), {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: `urn:switchboard:event:${type}`,
    title: type,
    description: catalogEntry(type).summary,
    ...rest,
  };
}

/** JSON Schemas of every event type, keyed by type, in registry order. */
export function buildJsonSchemas(): Record<EventType, JsonSchema> {
  const schemas = {} as Record<EventType, JsonSchema>;
  for (const type of EVENT_TYPES) schemas[type] = buildJsonSchema(type);
  return schemas;
}

/** File name (relative to docs/schemas) → file content. */
export function renderJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [type, schema] of Object.entries(buildJsonSchemas())) {
    files.set(`${type}.json`, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return files;
}

function camelCase(type: string): string {
  return type.replace(/[._]([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function producerDescription(entry: EventCatalogEntry): string {
  if (entry.producer === entry.publishedBy) return `Published by the ${entry.producer} service.`;
  const origin = entry.producer === 'telephony' ? 'Telephony and messaging systems' : 'The agent UI';
  return `${origin} submit it to ${entry.publishedBy} (POST /v1/events or a vendor adapter), which validates, de-duplicates and publishes it.`;
}

/** The AsyncAPI 3.0.0 document: one channel, message and send operation per event type. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const jsonSchemas = buildJsonSchemas();

  for (const type of EVENT_TYPES) {
    const entry = catalogEntry(type);
    const id = camelCase(type);
    const stream = streamForType(type);
    channels[id] = {
      address: `cc.{tenant}.${type}`,
      title: type,
      summary: entry.summary,
      description: `Stored in the ${stream.name} stream (${stream.subjects.join(', ')}).`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      parameters: { tenant: { $ref: '#/components/parameters/tenant' } },
    };
    operations[`send${id.charAt(0).toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      title: `Send ${type}`,
      summary: entry.summary,
      description: producerDescription(entry),
      tags: [{ name: `producer:${entry.producer}` }, { name: `publisher:${entry.publishedBy}` }],
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
    messages[id] = {
      name: type,
      title: type,
      summary: entry.summary,
      contentType: CLOUDEVENT_CONTENT_TYPE,
      headers: { $ref: '#/components/schemas/natsHeaders' },
      payload: { $ref: `#/components/schemas/${id}` },
    };
    const { $schema: _schema, $id: _id, ...schema } = jsonSchemas[type];
    schemas[id] = schema;
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchboard events',
      version: CONTRACTS_DOC_VERSION,
      description: [
        'Events exchanged by the Switchboard contact-center services over NATS JetStream.',
        '',
        'Every message is a CloudEvents 1.0 structured-mode JSON event with the extension attributes `tenantid`',
        'and, where a trace exists, `traceparent`. The subject is `cc.<tenant>.<type>`; the event id is the',
        'JetStream message id (server-side de-duplication) and the idempotency key of every consumer.',
        'Adding an optional field keeps a type; a breaking change is a new type with a `.v2` suffix published',
        'beside the old one. Generated from libs/contracts; do not edit by hand (`npm run contracts:generate`).',
      ].join('\n'),
    },
    defaultContentType: CLOUDEVENT_CONTENT_TYPE,
    servers: {
      nats: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        description: 'Local NATS server with JetStream. Production runs a 3-node cluster with replicated streams.',
      },
    },
    channels,
    operations,
    components: {
      parameters: {
        tenant: {
          description: 'Tenant id: 1-40 characters of a-z, 0-9 and "-", starting with a letter or digit.',
          examples: ['acme'],
        },
      },
      messages,
      schemas: {
        natsHeaders: {
          type: 'object',
          properties: {
            'Nats-Msg-Id': { type: 'string', description: 'The event id, for JetStream de-duplication.' },
            traceparent: { type: 'string', description: 'W3C Trace Context, when the event has one.' },
          },
        },
        ...schemas,
      },
    },
  };
}

export function renderAsyncApiYaml(): string {
  return stringify(buildAsyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false });
}
