export * from './deployment';
export * from './infra';
export * from './processes';
export * from './services';
export * from './snapshot';
