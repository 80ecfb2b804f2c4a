export * from './platform-config';
export * from './platform-config.module';
export * from './tokens';
