/**
 * Node options every service process runs with (the launchers `npm start`, the cluster tool, the end-to-end system and
 * the container image all use them).
 *
 * `--max-semi-space-size=64` (MB): the young generation's semi-spaces may grow to 64 MB instead of V8's 16 MB. The services'
 * hot paths hold thousands of events in flight across a batch's transaction (group commit); with the default size
 * those short-lived objects outlive two scavenges, are promoted and then cost a full mark-compact of a heap that also
 * holds the analytics models. Measured on the analytics utterance consumer at 5,000/s: 196 µs of process CPU per utterance
 * with the default, 166–191 µs with 32 MB, 151–171 µs with 64 MB (garbage collection had taken a sixth of the CPU).
 */
export const SERVICE_NODE_ARGS: readonly string[] = ['--max-semi-space-size=64'];
