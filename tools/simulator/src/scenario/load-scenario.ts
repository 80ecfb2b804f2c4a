import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema, type Scenario } from './scenario.schema';

/** A scenario that cannot be used, with one line per problem (`queues[1].channel: …`). */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid scenario ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out || '(root)';
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`);
}

/** Validates a scenario object (already parsed from JSON or YAML). */
export function parseScenario(input: unknown, source = '(inline)'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) throw new ScenarioError(source, problemsOf(result.error));
  return result.data;
}

/** Parses scenario text: YAML (a superset of JSON) unless the name says `.json`. */
export function parseScenarioText(text: string, source = '(inline)'): Scenario {
  let raw: unknown;
  try {
    raw = extname(source).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : error instanceof Error ? error.message : String(error);
    throw new ScenarioError(source, [`not valid ${extname(source).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${detail}`]);
  }
  return parseScenario(raw, source);
}

/** Reads and validates a scenario file (`.json`, `.yaml`, `.yml`). */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(path, [`cannot be read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseScenarioText(text, path);
}
