export * from './coalescing-runner';
export * from './group-commit';
