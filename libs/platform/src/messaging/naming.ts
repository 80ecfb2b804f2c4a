/**
 * Namespacing of subjects, stream names and durable consumer names. Production runs with the empty
 * namespace; each test run uses its own (lower-case letters and digits), so runs that share one NATS
 * server never see each other's messages, streams or consumers.
 */

const NAMESPACE = /^[a-z0-9]*$/;
/** Characters NATS allows in stream and consumer names (no `.`, `*`, `>`, whitespace or path separators). */
const NAME = /^[A-Za-z0-9_-]+$/;

export function assertNamespace(namespace: string): void {
  if (!NAMESPACE.test(namespace)) {
    throw new Error(`Invalid NATS namespace "${namespace}": lower-case letters and digits only`);
  }
}

/** `cc.acme.interaction.created` → `ns.cc.acme.interaction.created` (wildcards included). */
export function namespacedSubject(namespace: string, subject: string): string {
  return namespace ? `${namespace}.${subject}` : subject;
}

/** `CC_INTERACTIONS` → `NS_CC_INTERACTIONS`. */
export function namespacedStream(namespace: string, stream: string): string {
  return namespace ? `${namespace.toUpperCase()}_${stream}` : stream;
}

/** `routing-cc_interactions` → `ns-routing-cc_interactions`. */
export function namespacedDurable(namespace: string, durable: string): string {
  return namespace ? `${namespace}-${durable}` : durable;
}

/** The subject without the namespace prefix; undefined when the subject is outside the namespace. */
export function stripNamespace(namespace: string, subject: string): string | undefined {
  if (!namespace) return subject;
  const prefix = `${namespace}.`;
  return subject.startsWith(prefix) ? subject.slice(prefix.length) : undefined;
}

/**
 * Durable name (before namespacing) of a service's consumer: `${service}-${stream}` for the default
 * consumer of a stream, `${service}-${consumer}` for a consumer named in `@OnEvent`.
 */
export function durableName(service: string, stream: string, consumer?: string): string {
  const name = `${service}-${consumer ?? stream.toLowerCase()}`;
  if (!NAME.test(name)) {
    throw new Error(`Invalid consumer name "${name}": letters, digits, "-" and "_" only`);
  }
  return name;
}

/** Functions bound to one namespace. */
export interface Namer {
  readonly namespace: string;
  subject(subject: string): string;
  stream(stream: string): string;
  durable(durable: string): string;
  strip(subject: string): string | undefined;
}

export function namer(namespace: string): Namer {
  assertNamespace(namespace);
  return {
    namespace,
    subject: (subject) => namespacedSubject(namespace, subject),
    stream: (stream) => namespacedStream(namespace, stream),
    durable: (durable) => namespacedDurable(namespace, durable),
    strip: (subject) => stripNamespace(namespace, subject),
  };
}
