const STATUS: Record<number, { title: string; code: string }> = {
  400: { title: 'Bad request', code: 'HTTP.BAD_REQUEST' },
  401: { title: 'Unauthorized', code: 'AUTH.UNAUTHORIZED' },
  403: { title: 'Forbidden', code: 'AUTH.FORBIDDEN' },
  404: { title: 'Not found', code: 'HTTP.NOT_FOUND' },
  405: { title: 'Method not allowed', code: 'HTTP.METHOD_NOT_ALLOWED' },
  409: { title: 'Conflict', code: 'HTTP.CONFLICT' },
  413: { title: 'Payload too large', code: 'HTTP.PAYLOAD_TOO_LARGE' },
  415: { title: 'Unsupported media type', code: 'HTTP.UNSUPPORTED_MEDIA_TYPE' },
  422: { title: 'Unprocessable content', code: 'HTTP.UNPROCESSABLE' },
  429: { title: 'Too many requests', code: 'HTTP.TOO_MANY_REQUESTS' },
  503: { title: 'Service unavailable', code: 'HTTP.SERVICE_UNAVAILABLE' },
};

/** The RFC 9110 reason phrase used as a problem title. */
export function statusTitle(status: number): string {
  return STATUS[status]?.title ?? (status >= 500 ? 'Internal server error' : 'Request failed');
}

/** The default stable error code for an HTTP status. */
export function statusCode(status: number): string {
  return STATUS[status]?.code ?? (status >= 500 ? 'INTERNAL' : 'HTTP.REQUEST_FAILED');
}
