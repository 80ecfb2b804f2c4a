export * from './database.health';
export * from './database.module';
export * from './idempotency.service';
export * from './schema';
export * from './prepared';
export * from './statistics-keeper';
