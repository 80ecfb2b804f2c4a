/**
 * Switchboard traffic simulator: realistic contact-center load through the services' public APIs.
 *
 *   const sim = new Simulator({ scenario: loadScenarioFile('tools/simulator/scenarios/demo.yaml'), urls, jwtSecret });
 *   await sim.start();   // tenant set up, agents on notify's WebSocket, arrivals begin
 *   …
 *   await sim.stop();    // open contacts ended, agents logged off
 */
export { Simulator, DEFAULT_URLS, type ServiceUrls, type SimulatorOptions } from './runtime/simulator';
export type { SimulatorObserver, ContactOutcome, Logger, LogLevel } from './runtime/context';
export { emptyStats, summarize, type SimulatorStats } from './runtime/stats';
export { ContactRun } from './runtime/contact-run';
export { SimulatedAgent } from './runtime/simulated-agent';
export { setupTenant, agentSpecs, type SimulatedAgentSpec } from './runtime/tenant-setup';
export { plannedArrivals, scriptedPlan, arrivalPlan, recontactPlan, type ContactPlan } from './runtime/contact-plan';
export {
  scenarioSchema,
  expandAgentIds,
  type Scenario,
  type ScenarioInput,
  type AgentGroup,
  type QueueScenario,
  type ScriptedContact,
} from './scenario/scenario.schema';
export { parseScenario, parseScenarioText, loadScenarioFile, ScenarioError } from './scenario/load-scenario';
export { steadyLoadScenario, DEMO_SCENARIO_PATH } from './scenario/builtin';
export { PERSONAS, persona } from './personas/catalog';
export { PERSONA_IDS, renderScript, type Persona, type PersonaId, type Turn } from './personas/persona';
export { createRandom, hashString, type Random } from './core/random';
export { poissonArrivals, take } from './core/arrivals';
export { SimClock, sleepMs } from './core/clock';
export { IntakeClient, type IngestResult } from './clients/intake.client';
export { AnalyticsClient } from './clients/analytics.client';
export { RoutingClient, type AgentView } from './clients/routing.client';
export { NotifySocket, offerDataSchema, type OfferData, type WireNotification } from './clients/notify.socket';
export { TokenIssuer, DEVELOPMENT_JWT_SECRET } from './clients/tokens';
export { HttpError, requestJson } from './clients/http';
