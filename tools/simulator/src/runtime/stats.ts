/** Counters of a run, as the simulator saw them (events counted once intake answered 202). */
export interface SimulatorStats {
  contactsStarted: number;
  contactsAnswered: number;
  contactsCompleted: number;
  contactsAbandoned: number;
  /** Events accepted by intake, by type (`interaction.created`…). Twilio callbacks count as the events they carry. */
  eventsAccepted: Record<string, number>;
  twilioCallbacks: number;
  offersReceived: number;
  offersAccepted: number;
  offersRejected: number;
  offersMissed: number;
  offersLost: number;
  breaksTaken: number;
  kudosReceived: number;
  alertsReceived: number;
  errors: number;
  lastErrors: string[];
}

export function emptyStats(): SimulatorStats {
  return {
    contactsStarted: 0,
    contactsAnswered: 0,
    contactsCompleted: 0,
    contactsAbandoned: 0,
    eventsAccepted: {},
    twilioCallbacks: 0,
    offersReceived: 0,
    offersAccepted: 0,
    offersRejected: 0,
    offersMissed: 0,
    offersLost: 0,
    breaksTaken: 0,
    kudosReceived: 0,
    alertsReceived: 0,
    errors: 0,
    lastErrors: [],
  };
}

export function countEvent(stats: SimulatorStats, type: string, n = 1): void {
  stats.eventsAccepted[type] = (stats.eventsAccepted[type] ?? 0) + n;
}

export function recordError(stats: SimulatorStats, message: string): void {
  stats.errors += 1;
  stats.lastErrors.push(message);
  if (stats.lastErrors.length > 20) stats.lastErrors.shift();
}

/** One line for logs: the essentials of a run so far. */
export function summarize(stats: SimulatorStats): string {
  const events = Object.values(stats.eventsAccepted).reduce((a, b) => a + b, 0);
  return [
    `contacts ${stats.contactsStarted} (answered ${stats.contactsAnswered}, completed ${stats.contactsCompleted}, abandoned ${stats.contactsAbandoned})`,
    `events ${events}`,
    `offers ${stats.offersReceived} (accepted ${stats.offersAccepted}, rejected ${stats.offersRejected}, missed ${stats.offersMissed})`,
    `breaks ${stats.breaksTaken}`,
    `kudos ${stats.kudosReceived}`,
    `alerts ${stats.alertsReceived}`,
    `errors ${stats.errors}`,
  ].join(' · ');
}
