import { applyDecorators, PipeTransform } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { ValidationError } from '../errors/app-error';
import { zodIssues } from '../errors/problem-details';

/** Validates and parses a body, query or param with a zod schema; failures name every bad field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly prefix = '',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) {
      throw new ValidationError('The request is invalid.', zodIssues(result.error, this.prefix));
    }
    return result.data;
  }
}

/** JSON Schema of a zod schema for OpenAPI documents. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
}

/** Documents a zod-validated JSON body in OpenAPI. */
export function ApiZodBody(schema: z.ZodType, description?: string): MethodDecorator {
  return applyDecorators(ApiBody({ schema: openApiSchema(schema) as never, description }));
}

/** Documents each property of a zod object used as the query string. */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  const json = openApiSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  const decorators = Object.entries(json.properties ?? {}).map(([name, property]) =>
    ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property as never }),
  );
  return applyDecorators(...decorators);
}
