import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ASYNCAPI_PATH, renderAsyncApiYaml, renderJsonSchemaFiles, SCHEMAS_DIR } from './generate-docs';

/** Regenerates docs/asyncapi.yaml and docs/schemas/*.json from libs/contracts. */
function main(): void {
  const root = resolve(__dirname, '../../..');
  const schemasDir = join(root, SCHEMAS_DIR);
  mkdirSync(schemasDir, { recursive: true });

  const files = renderJsonSchemaFiles();
  for (const existing of readdirSync(schemasDir)) {
    if (existing.endsWith('.json') && !files.has(existing)) rmSync(join(schemasDir, existing));
  }
  for (const [name, content] of files) writeFileSync(join(schemasDir, name), content);
  writeFileSync(join(root, ASYNCAPI_PATH), renderAsyncApiYaml());

  process.stdout.write(`Wrote ${ASYNCAPI_PATH} and ${files.size} schemas to ${SCHEMAS_DIR}/\n`);
}

main();
