export * from './auth.decorators';
export * from './jwt-auth.guard';
export * from './principal';
export * from './sign-token';
