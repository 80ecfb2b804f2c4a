/** Injection token for the validated {@link PlatformConfig}. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
/** Injection token for the raw environment the config was read from (overridden in tests). */
export const ENVIRONMENT = Symbol('ENVIRONMENT');
/** Injection token for the service's own validated env (platform schema merged with the service schema). */
export const SERVICE_ENV = Symbol('SERVICE_ENV');
