/** The message of a thrown value: an Error's message, anything else as a string (for logs and problem details). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
