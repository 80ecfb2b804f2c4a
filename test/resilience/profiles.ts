import { SERVICES } from '@switchboard/cluster';
import {
  killAndRestart,
  killEachInTurn,
  killNatsNode,
  killReplica,
  restartNats,
  restartPostgres,
  restartRedis,
  type ScenarioOptions,
} from './scenario';

/** Service settings that make recovery observable within a test: quick redelivery, fast cycles, loopback webhooks. */
const SERVICE_ENV = {
  // A crashed replica's unacknowledged messages come back after 10 s instead of 30 s (shorter waits let a
  // handler stalled by a saturated CPU look dead, and its message use up deliveries).
  NATS_ACK_WAIT_MS: '10000',
  SHUTDOWN_GRACE_MS: '3000',
};
const PER_SERVICE = {
  intake: { INTAKE_RATE_LIMIT_PER_SECOND: '100000', INTAKE_ARCHIVE_ACK_WAIT_MS: '10000', INTAKE_ARCHIVE_FLUSH_MS: '20' },
  routing: { ROUTING_TICK_MS: '200' },
  notify: {
    NOTIFY_ALLOW_PRIVATE_TARGETS: 'true',
    NOTIFY_RATE_LIMIT_PER_MINUTE: '100000',
    NOTIFY_DELIVERY_POLL_MS: '200',
    NOTIFY_BACKOFF_BASE_MS: '200',
    NOTIFY_BACKOFF_MAX_MS: '2000',
    NOTIFY_DELIVERY_TIMEOUT_MS: '3000',
  },
};

/**
 * The fault suite in full (`npm run test:faults`): one replica of each service on servers of its own; each
 * service killed with -9 and restarted in turn, then NATS, PostgreSQL and Redis each killed and restarted, with
 * steady load throughout.
 */
export function faultProfile(): ScenarioOptions {
  return {
    deployment: { natsNodes: 1, replicas: 1, env: SERVICE_ENV, serviceEnv: PER_SERVICE },
    traffic: { agents: 12, interactionsPerSecond: 1.5, customerUtterances: 3, holdMs: 1000 },
    warmupMs: 8000,
    gapMs: 5000,
    faults: [...SERVICES.map((s) => killAndRestart(s)), restartNats(0, 3000), restartPostgres(3000), restartRedis(3000)],
    drainTimeoutMs: 180_000,
    settleTimeoutMs: 120_000,
  };
}

/**
 * The short form that runs in `npm test`: the same faults back to back with little load in between.
 */
export function shortFaultProfile(): ScenarioOptions {
  return {
    ...faultProfile(),
    traffic: { agents: 6, interactionsPerSecond: 1, customerUtterances: 2, holdMs: 500 },
    warmupMs: 3000,
    gapMs: 1000,
    faults: [killEachInTurn(SERVICES, 1000), restartNats(0, 1000), restartPostgres(1000), restartRedis(1000)],
    drainTimeoutMs: 180_000,
    settleTimeoutMs: 120_000,
  };
}

/**
 * Scale-out on one machine (`npm run test:scale`): a 3-node NATS cluster with every stream replicated ×3 and two
 * replicas of each service; under load one NATS node and one replica of each service are killed and stay down.
 */
export function scaleProfile(): ScenarioOptions {
  return {
    deployment: { natsNodes: 3, streamReplicas: 3, replicas: 2, env: SERVICE_ENV, serviceEnv: PER_SERVICE },
    traffic: { agents: 12, interactionsPerSecond: 1.5, customerUtterances: 3, holdMs: 1000 },
    warmupMs: 15_000,
    gapMs: 6000,
    faults: [killNatsNode(0), ...SERVICES.map((s) => killReplica(s, 1))],
    // More load after the last kill: the survivors carry it alone.
    tailMs: 15_000,
    drainTimeoutMs: 180_000,
    settleTimeoutMs: 120_000,
  };
}
