import type { AgentState, Channel, WellbeingLevel } from '@switchboard/contracts';
import type { OverflowStep, Strategy } from '../engine/engine.types';

export interface AgentRow {
  tenant: string;
  id: string;
  name: string;
  skills: Record<string, number>;
  capacity: Partial<Record<Channel, number>>;
  languages: string[];
  team: string | null;
  started_at: Date | null;
  shift: { start: string; end: string; timeZone: string } | null;
  state: AgentState;
  state_since: Date;
  state_reason: string | null;
  last_offered_at: Date | null;
  strain_level: WellbeingLevel;
  missed_in_row: number;
  wrap_up_until: Date | null;
}

export interface QueueRow {
  tenant: string;
  id: string;
  name: string;
  channel: Channel;
  required_skills: Record<string, number>;
  priority: number;
  sla: { percent: number; seconds: number };
  strategy: Strategy;
  offer_timeout_seconds: number;
  wrap_up_seconds: number;
  overflow: OverflowStep[];
}

export type InteractionStatus = 'queued' | 'offered' | 'assigned' | 'ended';

export interface InteractionRow {
  tenant: string;
  id: string;
  queue_id: string;
  channel: Channel;
  customer_id: string;
  vip: boolean;
  language: string | null;
  priority: number | null;
  status: InteractionStatus;
  queued_at: Date;
  agent_id: string | null;
  assigned_at: Date | null;
  ended_at: Date | null;
  abusive: boolean;
  overflow_step: number;
  declined_by: string[];
  /** The outcome of the last decision logged while waiting (null once re-queued), so a wait is logged once, not every round. */
  logged_outcome: string | null;
  resolved: boolean | null;
  disposition_code: string | null;
  disposed_at: Date | null;
}

export type OfferStatus = 'offered' | 'accepted' | 'rejected' | 'timed_out' | 'rescinded';

export interface OfferRow {
  id: string;
  tenant: string;
  interaction_id: string;
  agent_id: string;
  queue_id: string;
  channel: Channel;
  status: OfferStatus;
  expires_at: Date;
  created_at: Date;
  resolved_at: Date | null;
}

export interface CustomerRow {
  abusive: boolean | null;
  churn_level: string | null;
  contacts: number;
  last_contact_at: Date | null;
  last_agent_id: string | null;
}
