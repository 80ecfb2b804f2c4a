// Reference agent console: offers pushed over notify's WebSocket, accept/reject through routing, the
// current conversation (transcript and live sentiment), own wellbeing and kudos, presence and recovery breaks.
import {
  analyticsStream, api, claimsOf, dataOf, el, fill, FIRST_READING_DELAY_MS, forgetToken, formatClock, formatDuration, keepToken, notifySocket, runSoon,
  signInForm, takeToken,
} from './common.js';

const PAGE = 'console';
const STATE_LABELS = { available: 'Available', busy: 'Busy', wrap_up: 'Wrap-up', break: 'Break', offline: 'Offline', not_responding: 'Not responding' };
const WELLBEING_LABELS = { ok: 'OK', elevated: 'Elevated', high: 'High strain', critical: 'Critical' };
const INSIGHTS_POLL_MS = 2000;
/** The transcript replays what was said from this long before the offer was accepted (a reload, a reconnect). */
const TRANSCRIPT_LOOKBACK_MS = 120_000;

const state = {
  token: undefined,
  agentId: undefined,
  socket: undefined,
  offers: new Map(),
  current: undefined,
  kudos: [],
  alerts: [],
  presence: { state: 'offline', since: undefined },
  transcript: undefined,
  /** Whether a wellbeing reading of the agent has been shown. */
  hasReading: false,
};

const $ = (id) => document.getElementById(id);

function setStatus(status) {
  $('status').textContent = { live: 'Live', connecting: 'Connecting…', offline: 'Offline — retrying' }[status] ?? status;
  $('status').dataset.state = status;
}

function say(message) {
  $('presence-message').textContent = message;
}

// ---------- presence ----------

function renderPresence() {
  const { state: s, since, reason } = state.presence;
  const badge = $('my-state');
  badge.className = `state state-${s}`;
  badge.textContent = STATE_LABELS[s] ?? s;
  $('my-state-since').textContent = since ? `for ${formatDuration(Date.now() - new Date(since).getTime())}${reason ? ` · ${reason}` : ''}` : '';
  // The empty offers panel says why no offer comes: drawn again (and announced) only when what it says changes.
  if (state.offers.size === 0 && noOfferShown !== noOfferText()) renderOffers();
}

async function changeState(next, reason) {
  try {
    const agent = await api(state.token, 'routing', `/v1/agents/${encodeURIComponent(state.agentId)}/state`, { method: 'POST', body: reason ? { state: next, reason } : { state: next } });
    state.presence = { state: agent?.state ?? next, since: agent?.stateSince ?? new Date().toISOString(), reason: agent?.stateReason };
    renderPresence();
    say(next === 'break' && reason ? 'Recovery break started. Take the time you need; your supervisor can see it.' : `You are ${STATE_LABELS[next].toLowerCase()}.`);
  } catch (error) {
    say(`Could not change your status: ${error.message}`);
  }
}

// ---------- offers ----------

/** Why no offer comes, by the agent's state, when it is not one that receives offers. */
const NO_OFFER = {
  offline: 'You are offline: choose Available to receive contacts.',
  break: 'You are on a break: choose Available when you are ready for contacts.',
  not_responding: 'Routing stopped offering you contacts after offers went unanswered: choose Available to receive them again.',
};
/** What the empty offers panel says (undefined: offers are shown). */
let noOfferShown;

function noOfferText() {
  return NO_OFFER[state.presence.state] ?? 'No offer right now.';
}

function renderOffers() {
  const container = $('offers');
  const offers = [...state.offers.values()];
  if (offers.length === 0) {
    noOfferShown = noOfferText();
    fill(container, el('p', { class: 'empty', text: noOfferShown }));
    return;
  }
  noOfferShown = undefined;
  fill(container,
    ...offers.map((offer) => {
      const d = offer.data;
      const accept = el('button', { type: 'button', class: 'primary', 'data-action': 'accept', text: 'Accept', onclick: () => void answer(offer, 'accept') });
      return el('article', { class: 'offer', 'data-offer': d.offerId, 'aria-label': `Offer ${d.interactionId}` },
        el('h3', { text: `${d.channel ?? 'contact'} from ${d.customerId ?? 'a customer'}` }),
        el('dl', { class: 'kv' },
          el('dt', { text: 'Queue' }), el('dd', { text: d.queueId ?? '–' }),
          el('dt', { text: 'Waited' }), el('dd', { text: typeof d.waitMs === 'number' ? formatDuration(d.waitMs) : '–' }),
          el('dt', { text: 'Expires in' }), el('dd', { class: 'expires', 'data-expires': d.expiresAt ?? '', text: expiresText(d.expiresAt) })),
        el('div', { class: 'actions' }, accept,
          el('button', { type: 'button', 'data-action': 'reject', text: 'Reject', onclick: () => void answer(offer, 'reject') })));
    }),
  );
  container.querySelector('button[data-action="accept"]')?.focus();
}

function expiresText(expiresAt) {
  if (!expiresAt) return '–';
  const ms = new Date(expiresAt).getTime() - Date.now();
  return ms > 0 ? formatDuration(ms) : 'expired';
}

/** Offers past their expiry (timed out, or answered from another device) leave the list a few seconds later. */
function dropExpiredOffers() {
  let dropped = false;
  for (const [offerId, offer] of state.offers) {
    const expiresAt = offer.data.expiresAt ? new Date(offer.data.expiresAt).getTime() : undefined;
    if (expiresAt !== undefined && Date.now() > expiresAt + 3000) {
      state.offers.delete(offerId);
      state.socket.send({ type: 'ack', id: offer.id });
      dropped = true;
    }
  }
  if (dropped) renderOffers();
}

async function answer(offer, action) {
  const { offerId, interactionId } = offer.data;
  for (const button of document.querySelectorAll(`[data-offer="${CSS.escape(offerId)}"] button`)) button.disabled = true;
  try {
    await api(state.token, 'routing', `/v1/offers/${encodeURIComponent(offerId)}/${action}`, { method: 'POST', body: action === 'reject' ? {} : undefined });
    if (action === 'accept') {
      startConversation({ interactionId, channel: offer.data.channel, customerId: offer.data.customerId, queueId: offer.data.queueId, acceptedAt: new Date().toISOString() });
      say(`Accepted ${interactionId}.`);
    } else {
      say(`Rejected ${interactionId}.`);
    }
  } catch (error) {
    say(error.code === 'ROUTING.OFFER_NOT_OPEN'
      ? `The offer for ${interactionId} is no longer open (answered, timed out or withdrawn).`
      : `Could not ${action} the offer: ${error.message}`);
  }
  state.offers.delete(offerId);
  state.socket.send({ type: 'ack', id: offer.id });
  renderOffers();
}

// ---------- current conversation ----------

/** The conversation in progress survives a reload of the page (this tab only): where it is kept. */
function conversationKey() {
  return `switchboard.console.conversation.${claimsOf(state.token).tenant}.${state.agentId}`;
}

function keepConversation(conversation) {
  try {
    if (conversation) sessionStorage.setItem(conversationKey(), JSON.stringify(conversation));
    else sessionStorage.removeItem(conversationKey());
  } catch {
    // Storage unavailable (private mode, quota): the conversation just does not survive a reload.
  }
}

function keptConversation() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(conversationKey()) ?? 'null');
    return kept && typeof kept.interactionId === 'string' ? kept : undefined;
  } catch {
    return undefined;
  }
}

function startConversation(conversation) {
  stopConversation();
  keepConversation(conversation);
  state.current = { ...conversation, insights: undefined, utterances: [], scores: new Map(), latestCompound: undefined, timer: undefined };
  renderCurrent();
  state.current.timer = setInterval(() => void pollInsights(), INSIGHTS_POLL_MS);
  void pollInsights();
  openTranscript(conversation.interactionId);
}

function stopConversation() {
  if (!state.current) return;
  clearInterval(state.current.timer);
  state.transcript?.close();
  state.transcript = undefined;
}

function openTranscript(interactionId) {
  const acceptedAt = Date.parse(state.current?.acceptedAt ?? '') || Date.now();
  const query = new URLSearchParams({ access_token: state.token, since: new Date(acceptedAt - TRANSCRIPT_LOOKBACK_MS).toISOString() });
  const source = new EventSource(`/api/console/v1/interactions/${encodeURIComponent(interactionId)}/transcript?${query}`);
  state.transcript = source;
  const parse = (event) => {
    if (!state.current || state.current.interactionId !== interactionId) return undefined;
    try {
      return JSON.parse(event.data);
    } catch {
      return undefined;
    }
  };
  source.addEventListener('utterance', (event) => {
    const utterance = parse(event);
    if (!utterance) return;
    const current = state.current;
    if (current.utterances.some((u) => u.key === utterance.key)) return;
    Object.assign(utterance, current.scores.get(utterance.key));
    current.utterances.push(utterance);
    current.utterances.sort((a, b) => (a.offsetMs ?? 0) - (b.offsetMs ?? 0) || a.seq - b.seq);
    renderTranscript();
  });
  source.addEventListener('score', (event) => {
    const score = parse(event);
    if (!score) return;
    const current = state.current;
    current.latestCompound = score.compound;
    // Without an utterance id, a score belongs to the latest customer utterance not scored yet (analytics scores
    // an interaction's utterances in order).
    const utterance = score.key
      ? current.utterances.find((u) => u.key === score.key)
      : [...current.utterances].reverse().find((u) => u.speaker === 'customer' && typeof u.compound !== 'number');
    if (utterance) Object.assign(utterance, { ...score, key: utterance.key });
    else if (score.key) current.scores.set(score.key, score);
    renderTranscript();
    renderInsights();
  });
  source.addEventListener('open', () => {
    if (state.current?.interactionId === interactionId) state.current.transcriptUnavailable = false;
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED && state.current?.interactionId === interactionId) {
      state.current.transcriptUnavailable = true;
      renderTranscript();
    }
  });
}

async function pollInsights() {
  const current = state.current;
  if (!current || current.ended) return;
  try {
    current.insights = await api(state.token, 'analytics', `/v1/interactions/${encodeURIComponent(current.interactionId)}/insights`);
    if (current.insights?.ended) {
      current.ended = true;
      keepConversation(undefined);
      clearInterval(current.timer);
    }
  } catch {
    // Not known to analytics yet (the answer is still on its way); try again on the next tick.
  }
  renderInsights();
}

function renderCurrent() {
  const current = state.current;
  if (!current) {
    fill($('current'), el('p', { class: 'empty', text: 'No conversation in progress.' }));
    return;
  }
  fill($('current'),
    el('dl', { class: 'kv' },
      el('dt', { text: 'Interaction' }), el('dd', { 'data-field': 'interaction', text: current.interactionId }),
      el('dt', { text: 'Customer' }), el('dd', { text: current.customerId ?? '–' }),
      el('dt', { text: 'Channel' }), el('dd', { text: `${current.channel ?? '–'} · queue ${current.queueId ?? '–'}` }),
      el('dt', { text: 'Accepted' }), el('dd', { text: formatClock(current.acceptedAt) })),
    el('div', { id: 'insights' }),
    el('h3', { text: 'Transcript' }),
    el('ol', { id: 'transcript', class: 'transcript', 'aria-live': 'polite' }),
  );
  renderInsights();
  renderTranscript();
}

function sentimentLabel(compound) {
  if (typeof compound !== 'number') return 'no reading yet';
  if (compound >= 0.05) return 'positive';
  if (compound <= -0.05) return 'negative';
  return 'neutral';
}

function renderInsights() {
  const holder = $('insights');
  const current = state.current;
  if (!holder || !current) return;
  const i = current.insights;
  const latest = current.latestCompound ?? i?.sentiment?.end;
  const needle = el('span', { class: 'needle' });
  needle.style.left = `${(((latest ?? 0) + 1) / 2) * 100}%`;
  fill(holder,
    el('p', {}, 'Customer sentiment: ', el('strong', { 'data-field': 'sentiment', text: `${sentimentLabel(latest)}${typeof latest === 'number' ? ` (${latest.toFixed(2)})` : ''}` }),
      current.ended ? el('span', { class: 'badge', text: ' ended' }) : null),
    el('div', { class: 'sentiment-meter', role: 'meter', 'aria-label': 'Customer sentiment', 'aria-valuemin': '-1', 'aria-valuemax': '1', 'aria-valuenow': String(latest ?? 0) },
      needle),
    i ? el('p', { class: 'muted', text: `${i.utterances} customer utterance${i.utterances === 1 ? '' : 's'} · lowest ${i.sentiment?.min?.toFixed?.(2) ?? '–'}${i.abusiveCount ? ` · ${i.abusiveCount} abusive` : ''}${i.gratitude ? ' · grateful' : ''}${i.turnedAround ? ' · turned around' : ''}` }) : null,
  );
}

function renderTranscript() {
  const list = $('transcript');
  const current = state.current;
  if (!list || !current) return;
  if (current.utterances.length === 0) {
    fill(list, el('li', { class: 'empty', text: current.transcriptUnavailable ? 'The transcript is not available.' : 'Waiting for the conversation…' }));
    return;
  }
  fill(list,
    ...current.utterances.map((u) =>
      el('li', { class: `${u.speaker === 'agent' ? 'agent' : 'customer'}${u.abusive ? ' abusive' : ''}` },
        el('span', { class: 'who', text: `${u.speaker}${typeof u.compound === 'number' ? ` · ${sentimentLabel(u.compound)}` : ''}${u.abusive ? ' · abusive' : ''}` }),
        u.text ?? '…'),
    ),
  );
  list.scrollTop = list.scrollHeight;
}

// ---------- wellbeing, kudos, alerts ----------

/** The agent's own wellbeing reading (404 while analytics has none). */
function ownWellbeing() {
  return api(state.token, 'analytics', `/v1/agents/${encodeURIComponent(state.agentId)}/wellbeing`);
}

function renderWellbeing(wellbeing) {
  if (!wellbeing) return;
  state.hasReading = true;
  const factors = (wellbeing.factors ?? []).filter((f) => f.contribution > 0).sort((a, b) => b.contribution - a.contribution);
  fill($('wellbeing'),
    el('p', {}, el('span', { class: `level level-${wellbeing.level}`, 'data-field': 'wellbeing', text: WELLBEING_LABELS[wellbeing.level] ?? wellbeing.level }),
      el('span', { class: 'score', text: ` strain ${Math.round(wellbeing.score)} / 100` })),
    factors.length ? el('ul', {}, ...factors.slice(0, 5).map((f) => el('li', { text: f.detail || f.factor }))) : el('p', { class: 'muted', text: 'Nothing is weighing on you right now.' }),
    wellbeing.level === 'high' || wellbeing.level === 'critical' ? el('p', { text: 'Consider a recovery break: the button above starts one.' }) : null,
  );
}

function pushFeed(id, list, item) {
  if (list.some((existing) => existing.id === item.id)) return;
  list.unshift(item);
  list.length = Math.min(list.length, 30);
  fill($(id),
    ...list.map((entry) => el('li', { class: `item severity-${entry.severity ?? 'info'}`, tabindex: '0' },
      el('div', { class: 'line' }, el('span', { class: 'title', text: entry.title }), el('time', { datetime: entry.time, text: formatClock(entry.time) })),
      entry.quote ? el('blockquote', { text: `“${entry.quote}”` }) : null)),
  );
}

function onNotification(message) {
  if (message.type !== 'notification') return;
  const d = message.data ?? {};
  switch (message.kind) {
    case 'offer':
      if (!state.offers.has(d.offerId)) {
        state.offers.set(d.offerId, message);
        renderOffers();
      }
      return;
    case 'offer_rescinded':
      for (const [offerId, offer] of state.offers) {
        if (offerId === d.offerId || offer.data.interactionId === d.interactionId) {
          state.offers.delete(offerId);
          state.socket.send({ type: 'ack', id: offer.id });
        }
      }
      state.socket.send({ type: 'ack', id: message.id });
      renderOffers();
      return;
    case 'kudos':
      pushFeed('kudos', state.kudos, { id: message.eventId, time: message.eventTime ?? message.createdAt, title: 'A customer thanked you', quote: d.quote, severity: 'low' });
      return;
    case 'alert':
      pushFeed('alerts', state.alerts, { id: message.eventId, time: message.eventTime ?? message.createdAt, severity: message.severity,
        title: message.eventType === 'analytics.abuse_detected' ? 'Abusive language from the customer was flagged; your supervisor has been told. You may end the contact.' : `Alert: ${message.eventType}` });
      return;
    default:
      return;
  }
}

function onStreamEvent(type, payload) {
  const data = dataOf(payload);
  if (!data || data.agentId !== state.agentId) return;
  switch (type) {
    case 'analytics.wellbeing_changed':
      renderWellbeing(data);
      return;
    case 'agent.state_changed':
      state.presence = { state: data.state, since: payload.time ?? new Date().toISOString(), reason: data.reason };
      renderPresence();
      if (!state.hasReading) {
        runSoon('reading', FIRST_READING_DELAY_MS, async () => {
          try {
            renderWellbeing(await ownWellbeing());
          } catch {
            // No reading yet: the next state change asks again.
          }
        });
      }
      return;
    case 'analytics.kudos':
      pushFeed('kudos', state.kudos, { id: payload.id, time: payload.time, title: 'A customer thanked you', quote: data.quote, severity: 'low' });
      return;
    default:
      return;
  }
}

// ---------- start ----------

async function loadInitial() {
  const [agent, wellbeing, inbox] = await Promise.allSettled([
    api(state.token, 'routing', `/v1/agents/${encodeURIComponent(state.agentId)}`),
    ownWellbeing(),
    api(state.token, 'notify', '/v1/inbox?includeAcked=true&limit=200'),
  ]);
  if (agent.status === 'fulfilled') {
    $('who').textContent = `${agent.value.name ?? state.agentId} · tenant ${claimsOf(state.token).tenant}`;
    state.presence = { state: agent.value.state, since: agent.value.stateSince, reason: agent.value.stateReason };
    renderPresence();
  } else if (agent.reason?.status === 404) {
    say('Your agent profile has not been set up yet; ask a supervisor.');
  } else if (agent.reason?.status === 401) {
    signOut('Your token was refused; sign in again.');
    return;
  }
  if (wellbeing.status === 'fulfilled') renderWellbeing(wellbeing.value);
  if (inbox.status === 'fulfilled') {
    const items = inbox.value?.items ?? [];
    for (const item of items.filter((n) => n.kind === 'kudos').slice(-10)) onNotification({ type: 'notification', ...item });
    // Offers still open when the page was reloaded come back (the WebSocket only replays what was never delivered).
    for (const item of items.filter((n) => n.kind === 'offer' && !n.ackedAt)) onNotification({ type: 'notification', ...item });
  }
  // The conversation in progress before a reload (analytics' insights then tell whether it has ended meanwhile),
  // unless the agent has logged off since.
  const kept = keptConversation();
  if (kept && !state.current && !(agent.status === 'fulfilled' && agent.value.state === 'offline')) startConversation(kept);
  else if (kept && !state.current) keepConversation(undefined);
}

function signOut(message) {
  state.socket?.close();
  forgetToken(PAGE);
  showSignIn(message);
}

function showSignIn(message) {
  $('sign-out').hidden = true;
  $('main').hidden = true;
  setStatus('Signed out');
  const holder = el('div', { class: 'sign-in-holder' });
  document.body.append(holder);
  signInForm(holder, {
    title: 'Agent console',
    hint: message ?? 'Your agent token (npm run token -- --tenant demo --role agent --sub <your agent id>).',
    accept: (claims) => (claims.role === 'agent' && claims.sub ? undefined : 'The console needs an agent token with your agent id as its subject.'),
    onToken: (token) => {
      keepToken(PAGE, token);
      location.reload();
    },
  });
}

function start(token) {
  const claims = claimsOf(token);
  state.token = token;
  state.agentId = claims.sub;
  $('who').textContent = `${claims.sub} · tenant ${claims.tenant}`;
  $('sign-out').hidden = false;
  $('sign-out').addEventListener('click', () => signOut());
  $('go-available').addEventListener('click', () => void changeState('available'));
  $('go-break').addEventListener('click', () => void changeState('break'));
  $('go-offline').addEventListener('click', () => void changeState('offline'));
  $('recovery').addEventListener('click', () => void changeState('break', 'recovery break requested by the agent'));
  state.socket = notifySocket(token, { onMessage: onNotification, onStatus: setStatus });
  analyticsStream(token, { onEvent: onStreamEvent, types: ['analytics.wellbeing_changed', 'agent.state_changed', 'analytics.kudos'] });
  void loadInitial();
  setInterval(() => {
    renderPresence();
    for (const cell of document.querySelectorAll('[data-expires]')) cell.textContent = expiresText(cell.getAttribute('data-expires'));
    dropExpiredOffers();
  }, 1000);
}

const token = takeToken(PAGE);
const claims = token ? claimsOf(token) : undefined;
if (token && claims?.role === 'agent' && claims.sub) start(token);
else showSignIn(token ? 'That token is not an agent token.' : undefined);
