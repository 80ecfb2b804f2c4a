export * from './eventually';
export * from './factories';
export * from './isolation';
export * from './test-app';
