export * from './app-error';
export * from './error-message';
export * from './http-status';
export * from './problem-details';
export * from './problem-details.filter';
