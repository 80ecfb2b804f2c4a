// Ops dashboard: queue tiles, agent wall, alert and kudos feeds, last-hour charts and Erlang C advice,
// live from the analytics event stream (SSE), for the tenant of the signed-in supervisor's token.
import {
  analyticsStream, api, claimsOf, dataOf, el, fill, FIRST_READING_DELAY_MS, forgetToken, formatClock, formatDuration, formatPercent, formatSeconds,
  keepToken, notifySocket, runSoon, signInForm, takeToken,
} from './common.js';

const PAGE = 'dashboard';
const MINUTE_MS = 60_000;
/** The charts' span, and how often at most a live snapshot reloads it (the current minute's volume). */
const CHART_MINUTES = 60;
const MINUTES_RELOAD_MS = 5_000;
const FEED_LIMIT = 50;
const RESYNC_MS = 30_000;
const STATE_LABELS = { available: 'Available', busy: 'Busy', wrap_up: 'Wrap-up', break: 'Break', offline: 'Offline', not_responding: 'Not responding' };
const WELLBEING_LABELS = { ok: 'OK', elevated: 'Elevated', high: 'High strain', critical: 'Critical' };
const STREAM_TYPES = ['analytics.kpi_snapshot', 'analytics.sla_breached', 'analytics.abuse_detected', 'analytics.wellbeing_changed', 'analytics.churn_risk_changed', 'analytics.kudos', 'agent.state_changed'];

const state = {
  token: undefined,
  claims: undefined,
  tenant: undefined,
  queues: new Map(),
  agents: new Map(),
  alerts: [],
  kudos: [],
  /** The last hour by minute start (ms): `{ minute, offered, answered, abandoned, serviceLevel? }` from analytics. */
  minutes: new Map(),
  minutesLoadedAt: undefined,
  minutesTimer: undefined,
  charts: undefined,
  stream: undefined,
  socket: undefined,
};

const $ = (id) => document.getElementById(id);

function setStatus(status) {
  const text = { live: 'Live', connecting: 'Connecting…', offline: 'Offline — retrying' }[status] ?? status;
  $('status').textContent = text;
  $('status').dataset.state = status;
}

// ---------- queues ----------

function upsertQueue(queueId, patch) {
  const queue = state.queues.get(queueId) ?? { queueId };
  Object.assign(queue, patch);
  state.queues.set(queueId, queue);
  return queue;
}

function slClass(serviceLevel, target) {
  if (typeof serviceLevel !== 'number' || !target) return 'neutral';
  const goal = target.percent / 100;
  if (serviceLevel >= goal) return 'good';
  return serviceLevel >= goal - 0.1 ? 'warn' : 'bad';
}

function metric(label, value, extra = {}) {
  return el('div', { class: 'metric', ...extra }, el('dt', { text: label }), el('dd', { text: value }));
}

function renderQueues() {
  const container = $('queue-tiles');
  const queues = [...state.queues.values()].filter((queue) => queue.kpis).sort((a, b) => a.queueId.localeCompare(b.queueId));
  if (queues.length === 0) {
    fill(container, el('p', { class: 'empty', text: 'No queue has had contacts yet.' }));
    return;
  }
  fill(container,
    ...queues.map((queue) => {
      const { kpis, target, staffing } = queue;
      const cls = slClass(kpis.serviceLevel, target);
      const staffed = (kpis.agentsByState?.available ?? 0) + (kpis.agentsByState?.busy ?? 0) + (kpis.agentsByState?.wrap_up ?? 0);
      const advice = staffing
        ? el('p', { class: `advice ${staffing.recommendedAgents > staffed ? 'short' : 'ok'}` },
            el('strong', { text: `Erlang C: ${staffing.recommendedAgents} agent${staffing.recommendedAgents === 1 ? '' : 's'}` }),
            ` for ${target ? `${target.percent}% in ${target.seconds}s` : 'the target'} (expected ${formatPercent(staffing.expectedServiceLevel)}); ${staffed} staffed`)
        : el('p', { class: 'advice', text: 'Erlang C: not enough traffic in the window to advise.' });
      return el(
        'article',
        { class: `tile sl-${cls}`, tabindex: '0', 'data-queue': queue.queueId, 'aria-label': `Queue ${queue.queueId}` },
        el('header', {}, el('h3', { text: queue.queueId }), el('span', { class: 'window', text: windowLabel(queue.window) })),
        el('div', { class: 'sl' },
          el('span', { class: 'sl-value', 'data-field': 'serviceLevel', text: formatPercent(kpis.serviceLevel) }),
          el('span', { class: 'sl-target', text: target ? `target ${target.percent}% in ${target.seconds}s` : 'no target' }),
          queue.breached ? el('span', { class: 'badge bad', text: 'Below target' }) : null),
        el('dl', { class: 'metrics' },
          metric('Waiting', String(kpis.queueDepth ?? 0), { 'data-field': 'waiting' }),
          metric('Longest wait', formatSeconds(kpis.longestWaitSeconds)),
          metric('ASA', formatSeconds(kpis.asaSeconds)),
          metric('Abandoned', `${formatPercent(kpis.abandonmentRate)} (${kpis.abandoned ?? 0})`),
          metric('Offered', String(kpis.offered ?? 0), { 'data-field': 'offered' }),
          metric('Answered', String(kpis.answered ?? 0))),
        advice,
      );
    }),
  );
}

/** A live window is its whole minutes and the current one so far: "last 15 min" for 15 whole minutes. */
function windowLabel(window) {
  if (!window) return '';
  const minutes = Math.floor((new Date(window.to) - new Date(window.from)) / MINUTE_MS);
  return window.kind === 'live' ? `last ${minutes} min` : 'today';
}

function renderSummary(snapshot) {
  if (!snapshot) return;
  const k = snapshot.kpis;
  const byState = k.agentsByState ?? {};
  fill($('summary'),
    el('dl', { class: 'totals' },
      metric('Offered', String(k.offered), { 'data-field': 'tenant-offered' }),
      metric('Answered', String(k.answered)),
      metric('Abandoned', String(k.abandoned)),
      metric('Service level', formatPercent(k.serviceLevel)),
      metric('ASA', formatSeconds(k.asaSeconds)),
      metric('AHT', formatSeconds(k.ahtSeconds)),
      metric('Occupancy', formatPercent(k.occupancy)),
      metric('Waiting', String(k.queueDepth)),
      metric('Agents available', String(byState.available ?? 0)),
      metric('Window', windowLabel(snapshot.window))),
  );
}

// ---------- agents ----------

function upsertAgent(agentId, patch) {
  const agent = state.agents.get(agentId) ?? { agentId };
  Object.assign(agent, patch);
  state.agents.set(agentId, agent);
  return agent;
}

function wellbeingReasons(wellbeing) {
  const factors = (wellbeing?.factors ?? []).filter((factor) => factor.contribution > 0).sort((a, b) => b.contribution - a.contribution);
  return factors.slice(0, 3).map((factor) => factor.detail || factor.factor).join('; ');
}

function renderAgents() {
  const body = $('agent-wall').tBodies[0];
  const agents = [...state.agents.values()].sort((a, b) => (a.name ?? a.agentId).localeCompare(b.name ?? b.agentId));
  if (agents.length === 0) {
    fill(body, el('tr', { class: 'empty' }, el('td', { colspan: '4', text: 'No agents yet.' })));
  } else {
    const now = Date.now();
    fill(body,
      ...agents.map((agent) => {
        // No reading yet (an agent analytics has not measured) is not the same as a reading of OK.
        const level = agent.wellbeing?.level;
        const reasons = wellbeingReasons(agent.wellbeing);
        return el(
          'tr',
          { 'data-agent': agent.agentId, tabindex: '0' },
          el('th', { scope: 'row' }, agent.name ?? agent.agentId, agent.name && agent.name !== agent.agentId ? el('span', { class: 'id', text: ` ${agent.agentId}` }) : null),
          el('td', {}, el('span', { class: `state state-${agent.state ?? 'offline'}`, text: STATE_LABELS[agent.state] ?? agent.state ?? '–' }),
            agent.reason ? el('span', { class: 'reason', text: ` ${agent.reason}` }) : null),
          el('td', { class: 'num', 'data-since': agent.since ?? '', text: agent.since ? formatDuration(now - new Date(agent.since).getTime()) : '–' }),
          el('td', {}, level === undefined
            ? el('span', { class: 'level level-none', title: 'no wellbeing reading yet', text: '–' })
            : el('span', { class: `level level-${level}`, text: WELLBEING_LABELS[level] ?? level }),
            typeof agent.wellbeing?.score === 'number' ? el('span', { class: 'score', title: 'strain score, 0–100', text: ` strain ${Math.round(agent.wellbeing.score)}` }) : null,
            reasons ? el('span', { class: 'reasons', text: reasons }) : null),
        );
      }),
    );
  }
  const counts = {};
  for (const agent of agents) counts[agent.state ?? 'offline'] = (counts[agent.state ?? 'offline'] ?? 0) + 1;
  $('agent-counts').textContent = Object.entries(counts).map(([s, n]) => `${n} ${(STATE_LABELS[s] ?? s).toLowerCase()}`).join(' · ');
}

function tickAgentClocks() {
  const now = Date.now();
  for (const cell of document.querySelectorAll('#agent-wall td[data-since]')) {
    const since = cell.getAttribute('data-since');
    if (since) cell.textContent = formatDuration(now - new Date(since).getTime());
  }
}

// ---------- feeds ----------

/** Adds an item to a feed (or merges it with the same event there) and draws the feed, unless `draw` is false. */
function pushFeed(list, item, id, draw = true) {
  const existing = list.find((entry) => entry.id === item.id);
  if (existing) {
    // The same event from the stream and from the team inbox: keep what each knows.
    existing.notificationId ??= item.notificationId;
    existing.acked ||= item.acked;
  } else {
    list.push(item);
    list.sort((a, b) => String(b.time).localeCompare(String(a.time)));
    list.length = Math.min(list.length, FEED_LIMIT);
  }
  if (draw) renderFeed(id, list);
}

function acknowledge(item) {
  if (!item.notificationId || !state.socket) return;
  state.socket.send({ type: 'ack', id: item.notificationId });
  item.acked = true;
  renderFeed('alerts', state.alerts);
  document.querySelector(`#alerts [data-notification="${CSS.escape(item.notificationId)}"]`)?.focus();
}

/** A feed item's title: names of agents are looked up when it is drawn (the agent wall may load after the item). */
function titleOf(item) {
  return typeof item.title === 'function' ? item.title() : item.title;
}

function renderFeed(id, list) {
  const container = $(id);
  if (list.length === 0) return;
  fill(container,
    ...list.map((item) =>
      el('li', { class: `item severity-${item.severity ?? 'info'}${item.acked ? ' acked' : ''}`, tabindex: '0', 'data-key': item.id, 'data-type': item.type, 'data-notification': item.notificationId },
        el('div', { class: 'line' }, el('span', { class: 'title', text: titleOf(item) }), el('time', { datetime: item.time, text: formatClock(item.time) })),
        item.quote ? el('blockquote', { text: `“${item.quote}”` }) : null,
        item.detail ? el('p', { class: 'detail', text: item.detail }) : null,
        item.notificationId && !item.acked
          ? el('button', { type: 'button', class: 'ack', text: 'Acknowledge', onclick: () => acknowledge(item) })
          : item.acked ? el('span', { class: 'acked-note', text: 'acknowledged' }) : null),
    ),
  );
}

function agentName(agentId) {
  if (!agentId) return 'an agent';
  return state.agents.get(agentId)?.name ?? agentId;
}

function pushKudos(kudos, draw = true) {
  pushFeed(state.kudos, { id: kudos.id, type: 'analytics.kudos', time: kudos.time, severity: 'info', title: () => `Kudos for ${agentName(kudos.agentId)}`, quote: kudos.quote }, 'kudos', draw);
}

/** The last hour's kudos from analytics: the feed is whole for a page opened after them (the stream adds new ones). */
async function loadKudos() {
  try {
    const body = await api(state.token, 'analytics', `/v1/kudos?minutes=${CHART_MINUTES}&limit=${FEED_LIMIT}`);
    for (const kudos of body?.kudos ?? []) pushKudos(kudos, false);
    renderFeed('kudos', state.kudos);
  } catch {
    // The feed shows what the stream brings until the next resync.
  }
}

// ---------- charts ----------

/** The last hour from analytics (per-minute counts and the live service level ending with each minute). */
async function loadMinutes() {
  state.minutesLoadedAt = Date.now();
  try {
    const body = await api(state.token, 'analytics', `/v1/kpis/minutes?minutes=${CHART_MINUTES}`);
    if (Array.isArray(body?.minutes)) {
      state.minutes = new Map(body.minutes.map((m) => [Date.parse(m.minute), m]));
      updateCharts();
    }
  } catch {
    // The charts keep what they show until the next load.
  }
}

/** A live snapshot of the tenant: the current minute's service level at once, the hour again within a few seconds. */
function onLiveSnapshot(kpis) {
  if (typeof kpis.serviceLevel === 'number') {
    const minute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const current = state.minutes.get(minute) ?? { minute: new Date(minute).toISOString(), offered: 0 };
    state.minutes.set(minute, { ...current, serviceLevel: kpis.serviceLevel });
    updateCharts();
  }
  // The current minute's volume: one reload per MINUTES_RELOAD_MS at most, the last snapshot's included.
  if (state.minutesTimer !== undefined) return;
  const wait = Math.max(0, MINUTES_RELOAD_MS - (Date.now() - (state.minutesLoadedAt ?? 0)));
  state.minutesTimer = setTimeout(() => {
    state.minutesTimer = undefined;
    void loadMinutes();
  }, wait);
}

/** Sixty one-minute slots ending with the current minute; minutes without a service level are gaps. */
function chartSeries() {
  const labels = [];
  const volume = [];
  const serviceLevel = [];
  const target = [];
  const goal = [...state.queues.values()].find((queue) => queue.target)?.target?.percent ?? 80;
  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  for (let minute = now - (CHART_MINUTES - 1) * MINUTE_MS; minute <= now; minute += MINUTE_MS) {
    const m = state.minutes.get(minute);
    labels.push(new Date(minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    volume.push(m ? m.offered : null);
    serviceLevel.push(typeof m?.serviceLevel === 'number' ? Math.round(m.serviceLevel * 1000) / 10 : null);
    target.push(goal);
  }
  return { labels, volume, serviceLevel, target };
}

function initCharts() {
  if (typeof window.Chart !== 'function') return;
  const Chart = window.Chart;
  Chart.defaults.color = '#c7d0dc';
  Chart.defaults.borderColor = 'rgba(255,255,255,0.08)';
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const common = { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } };
  state.charts = {
    volume: new Chart($('volume-chart'), {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'Offered', data: [], backgroundColor: '#4aa3ff' }] },
      options: { ...common, scales: { x: { ticks: { maxTicksLimit: 7, maxRotation: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    serviceLevel: new Chart($('sl-chart'), {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          { label: 'Service level %', data: [], borderColor: '#3ecf8e', backgroundColor: '#3ecf8e', spanGaps: true, pointRadius: 3, clip: 6 },
          { label: 'Target %', data: [], borderColor: '#f5b942', borderDash: [6, 4], pointRadius: 0 },
        ],
      },
      options: { ...common, plugins: { legend: { display: true, position: 'bottom' } }, scales: { x: { ticks: { maxTicksLimit: 7, maxRotation: 0 } }, y: { min: 0, max: 100, ticks: { stepSize: 20 } } } },
    }),
  };
  updateCharts();
}

function updateCharts() {
  if (!state.charts) return;
  const { labels, volume, serviceLevel, target } = chartSeries();
  state.charts.volume.data.labels = labels;
  state.charts.volume.data.datasets[0].data = volume;
  state.charts.volume.update('none');
  state.charts.serviceLevel.data.labels = labels;
  state.charts.serviceLevel.data.datasets[0].data = serviceLevel;
  state.charts.serviceLevel.data.datasets[1].data = target;
  state.charts.serviceLevel.update('none');
}

// ---------- events ----------

/** Team-inbox alerts from notify: unacknowledged ones are replayed on connect, new ones pushed; they can be acknowledged. */
function onNotification(message) {
  if (message.type === 'acked') {
    const item = state.alerts.find((entry) => entry.notificationId === message.id);
    if (item) {
      item.acked = true;
      renderFeed('alerts', state.alerts);
    }
    return;
  }
  if (message.type !== 'notification' || message.kind !== 'alert') return;
  onEvent(message.eventType, { specversion: '1.0', id: message.eventId, time: message.eventTime ?? message.createdAt, data: message.data }, { notificationId: message.id, acked: Boolean(message.ackedAt) });
}

function onEvent(type, payload, extra = {}) {
  const data = dataOf(payload);
  if (!data || typeof data !== 'object') return;
  const time = payload?.time ?? new Date().toISOString();
  const id = payload?.id ?? `${type}:${time}`;
  switch (type) {
    case 'analytics.kpi_snapshot':
      if (data.window?.kind === 'day') return;
      if (data.scope === 'tenant') {
        state.tenantSnapshot = data;
        renderSummary(data);
        onLiveSnapshot(data.kpis);
      } else if (data.queueId) {
        const known = state.queues.has(data.queueId) && state.queues.get(data.queueId).target;
        const queue = upsertQueue(data.queueId, { kpis: data.kpis, staffing: data.staffing, window: data.window });
        if (queue.target) queue.breached = typeof data.kpis.serviceLevel === 'number' && data.kpis.serviceLevel < queue.target.percent / 100;
        if (!known) void loadQueueTarget(data.queueId);
        renderQueues();
      }
      return;
    case 'analytics.sla_breached':
      upsertQueue(data.queueId, { target: data.target, breached: true });
      renderQueues();
      pushFeed(state.alerts, { ...extra, id, type, time, severity: 'high', title: `Queue ${data.queueId} below its service level`,
        detail: `${formatPercent(data.serviceLevel)} against ${data.target.percent}% in ${data.target.seconds}s` }, 'alerts');
      return;
    case 'analytics.abuse_detected':
      pushFeed(state.alerts, { ...extra, id, type, time, severity: data.severity, title: () => `Abusive caller (${data.categories.map((c) => c.replaceAll('_', ' ')).join(', ')}) with ${agentName(data.agentId)}`,
        quote: data.quote, detail: `Interaction ${data.interactionId}${data.customerId ? ` · customer ${data.customerId}` : ''}` }, 'alerts');
      return;
    case 'analytics.wellbeing_changed':
      upsertAgent(data.agentId, { wellbeing: { level: data.level, score: data.score, factors: data.factors } });
      renderAgents();
      if (data.level === 'high' || data.level === 'critical') {
        pushFeed(state.alerts, { ...extra, id, type, time, severity: data.level === 'critical' ? 'critical' : 'high', title: () => `${agentName(data.agentId)}: ${WELLBEING_LABELS[data.level]}`,
          detail: wellbeingReasons(data) }, 'alerts');
      }
      return;
    case 'analytics.churn_risk_changed':
      if (data.level === 'high') {
        pushFeed(state.alerts, { ...extra, id, type, time, severity: 'medium', title: `Customer ${data.customerId} at high churn risk`,
          detail: data.reasons.map((reason) => reason.detail).slice(0, 3).join('; ') }, 'alerts');
      }
      return;
    case 'analytics.kudos':
      pushKudos({ id, time, ...data });
      return;
    case 'agent.state_changed':
      upsertAgent(data.agentId, { state: data.state, since: time, reason: data.reason });
      renderAgents();
      // However many agents sign in at once (a shift starting), their first readings come in one request.
      if (!state.agents.get(data.agentId)?.wellbeing) {
        runSoon('readings', FIRST_READING_DELAY_MS, async () => {
          try {
            await applyLevels(await api(state.token, 'analytics', '/v1/agents'));
            renderAgents();
          } catch {
            // The next resync reads them.
          }
        });
      }
      return;
    default:
      return;
  }
}

async function loadQueueTarget(queueId) {
  try {
    const sla = await api(state.token, 'analytics', `/v1/queues/${encodeURIComponent(queueId)}/sla`);
    upsertQueue(queueId, { target: sla.target });
    renderQueues();
  } catch {
    // The tile shows "no target" until the next resync.
  }
}

/** Full picture from the REST endpoints: on start and every RESYNC_MS, to heal anything missed. */
async function resync() {
  const kudos = loadKudos();
  const [overview, routingAgents, wellbeing] = await Promise.allSettled([
    api(state.token, 'analytics', '/v1/kpis'),
    api(state.token, 'routing', '/v1/agents'),
    api(state.token, 'analytics', '/v1/agents'),
  ]);
  if (overview.status === 'fulfilled' && overview.value) {
    const { tenant, queues, agents } = overview.value;
    if (tenant) {
      state.tenantSnapshot = tenant;
      renderSummary(tenant);
    }
    for (const queue of queues ?? []) upsertQueue(queue.queueId, { kpis: queue.kpis, staffing: queue.staffing, window: queue.window, target: queue.target, breached: queue.breached });
    for (const agent of agents ?? []) upsertAgent(agent.agentId, { state: agent.state, since: agent.since });
  }
  if (routingAgents.status === 'fulfilled') {
    for (const agent of routingAgents.value?.items ?? []) {
      upsertAgent(agent.id, { name: agent.name, state: agent.state, since: agent.stateSince, reason: agent.stateReason });
    }
  }
  if (wellbeing.status === 'fulfilled') await applyLevels(wellbeing.value);
  const failed = [overview, routingAgents].find((result) => result.status === 'rejected');
  if (failed && failed.reason?.status === 401) return signOut('Your token was refused; sign in again.');
  renderQueues();
  renderAgents();
  // Agents' names may have arrived after the feeds' items.
  await kudos;
  renderFeed('alerts', state.alerts);
  renderFeed('kudos', state.kudos);
}

/** Every agent's level from analytics' `GET /v1/agents`, with the reasons of those above OK that have none yet. */
async function applyLevels(answer) {
  for (const agent of answer?.agents ?? []) {
    if (agent.wellbeing) {
      const current = state.agents.get(agent.agentId)?.wellbeing;
      upsertAgent(agent.agentId, { wellbeing: { ...current, ...agent.wellbeing, factors: agent.wellbeing.level === current?.level ? current?.factors : undefined } });
    }
  }
  await Promise.all([...state.agents.values()].filter((agent) => agent.wellbeing && agent.wellbeing.level !== 'ok' && !agent.wellbeing.factors).slice(0, 20).map(loadWellbeing));
}

async function loadWellbeing(agent) {
  try {
    const wellbeing = await api(state.token, 'analytics', `/v1/agents/${encodeURIComponent(agent.agentId)}/wellbeing`);
    upsertAgent(agent.agentId, { wellbeing: { level: wellbeing.level, score: wellbeing.score, factors: wellbeing.factors } });
  } catch {
    // Keep the level without reasons.
  }
}

function signOut(message) {
  state.stream?.close();
  state.socket?.close();
  forgetToken(PAGE);
  location.hash = '';
  showSignIn(message);
}

function showSignIn(message) {
  $('sign-out').hidden = true;
  $('who').textContent = '';
  setStatus('Signed out');
  const main = $('main');
  main.hidden = true;
  const holder = el('div', { id: 'sign-in-holder', class: 'sign-in-holder' });
  document.body.append(holder);
  signInForm(holder, {
    title: 'Operations dashboard',
    hint: message ?? 'A supervisor or admin token (npm run token -- --tenant demo --role supervisor).',
    accept: (claims) => (claims.role === 'supervisor' || claims.role === 'admin' ? undefined : `A ${claims.role} token cannot open the dashboard; use a supervisor or admin token.`),
    onToken: (token) => {
      keepToken(PAGE, token);
      location.reload();
    },
  });
}

function start(token) {
  state.token = token;
  state.claims = claimsOf(token);
  state.tenant = state.claims.tenant;
  $('who').textContent = `Tenant ${state.tenant} · ${state.claims.sub ?? state.claims.role}`;
  $('sign-out').hidden = false;
  $('sign-out').addEventListener('click', () => signOut());
  initCharts();
  state.stream = analyticsStream(token, { onEvent: (type, payload) => onEvent(type, payload), onStatus: setStatus, types: STREAM_TYPES });
  state.socket = notifySocket(token, { onMessage: onNotification });
  void resync();
  void loadMinutes();
  setInterval(() => void resync(), RESYNC_MS);
  setInterval(() => void loadMinutes(), RESYNC_MS);
  setInterval(tickAgentClocks, 1000);
  setInterval(updateCharts, 30_000);
}

const token = takeToken(PAGE);
const claims = token ? claimsOf(token) : undefined;
if (token && claims && (claims.role === 'supervisor' || claims.role === 'admin')) start(token);
else showSignIn(token ? 'That token is not a supervisor or admin token.' : undefined);
