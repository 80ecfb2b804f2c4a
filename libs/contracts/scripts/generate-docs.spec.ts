import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EVENT_TYPES, STREAMS } from '../src/index';
import { ASYNCAPI_PATH, SCHEMAS_DIR, buildAsyncApiDocument, buildJsonSchemas, renderAsyncApiYaml, renderJsonSchemaFiles } from './generate-docs';

const root = join(__dirname, '../../..');
const STALE = 'is out of date with libs/contracts: run `npm run contracts:generate` and commit the result';

function read(relative: string): string | undefined {
  try {
    return readFileSync(join(root, relative), 'utf8');
  } catch {
    return undefined;
  }
}

describe('generated contract documents', () => {
  it('docs/asyncapi.yaml is up to date', () => {
    const current = read(ASYNCAPI_PATH);
    if (current !== renderAsyncApiYaml()) throw new Error(`${ASYNCAPI_PATH} ${STALE}`);
  });

  it('docs/schemas holds exactly the up-to-date schema of every event type', () => {
    const expected = renderJsonSchemaFiles();
    const present = readdirSync(join(root, SCHEMAS_DIR)).filter((name) => name.endsWith('.json')).sort();
    if (JSON.stringify(present) !== JSON.stringify([...expected.keys()].sort())) {
      throw new Error(`${SCHEMAS_DIR} has missing or extra files and ${STALE}`);
    }
    for (const [name, content] of expected) {
      if (read(join(SCHEMAS_DIR, name)) !== content) throw new Error(`${SCHEMAS_DIR}/${name} ${STALE}`);
    }
  });

  it('generates the same output twice (deterministic)', () => {
    expect(renderAsyncApiYaml()).toBe(renderAsyncApiYaml());
  });

  it('emits a JSON Schema 2020-12 per type that requires the envelope and pins the type', () => {
    const schemas = buildJsonSchemas();
    expect(Object.keys(schemas)).toEqual(EVENT_TYPES);
    for (const type of EVENT_TYPES) {
      const schema = schemas[type] as { $schema: string; properties: Record<string, { const?: string }>; required: string[] };
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.properties.type.const).toBe(type);
      expect(schema.required).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'type', 'time', 'tenantid', 'data']));
    }
  });

  describe('AsyncAPI document', () => {
    const document = parse(read(ASYNCAPI_PATH) ?? '') as {
      asyncapi: string;
      info: { title: string; version: string };
      servers: Record<string, { host: string; protocol: string }>;
      channels: Record<string, { address: string; parameters: Record<string, unknown>; messages: Record<string, { $ref: string }> }>;
      operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
      components: { messages: Record<string, { payload: { $ref: string } }>; schemas: Record<string, unknown> };
    };

    it('is an AsyncAPI 3.0.0 document with a NATS server', () => {
      expect(document).toEqual(buildAsyncApiDocument());
      expect(document.asyncapi).toBe('3.0.0');
      expect(document.info.title).toBeTruthy();
      expect(document.info.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(document.servers.nats).toMatchObject({ host: '127.0.0.1:4222', protocol: 'nats' });
    });

    it('has one channel per event type, addressed cc.{tenant}.<type>', () => {
      const addresses = Object.values(document.channels).map((channel) => channel.address);
      expect(addresses).toEqual(EVENT_TYPES.map((type) => `cc.{tenant}.${type}`));
      for (const channel of Object.values(document.channels)) expect(Object.keys(channel.parameters)).toEqual(['tenant']);
    });

    it('has a send operation per channel, and every reference resolves', () => {
      const resolve = (ref: string): unknown =>
        ref
          .replace(/^#\//, '')
          .split('/')
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      const operations = Object.values(document.operations);
      expect(operations).toHaveLength(EVENT_TYPES.length);
      for (const operation of operations) {
        expect(operation.action).toBe('send');
        expect(resolve(operation.channel.$ref)).toBeDefined();
        for (const message of operation.messages) expect(resolve(message.$ref)).toBeDefined();
      }
      for (const message of Object.values(document.components.messages)) expect(resolve(message.payload.$ref)).toBeDefined();
      for (const channel of Object.values(document.channels)) {
        for (const message of Object.values(channel.messages)) expect(resolve(message.$ref)).toBeDefined();
      }
    });

    it('names the stream of each channel', () => {
      const descriptions = Object.values(document.channels).map((channel) => JSON.stringify(channel));
      for (const stream of STREAMS) expect(descriptions.some((text) => text.includes(stream.name))).toBe(true);
    });
  });
});
