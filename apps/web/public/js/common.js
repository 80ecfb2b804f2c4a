// Shared by the dashboard and the console: the signed-in token, calls to the services through
// this origin's /api/<service> routes, live connections with reconnection, and formatting.

const STORAGE_PREFIX = 'switchboard.token.';

/** Decodes a JWT's claims (display only: the services verify the signature). */
export function claimsOf(token) {
  try {
    const part = token.split('.')[1];
    if (!part) return undefined;
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json);
    if (typeof claims !== 'object' || claims === null || typeof claims.tenant !== 'string' || typeof claims.role !== 'string') return undefined;
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

/**
 * The token for this page: `#token=…` in the address (then removed from it), else the one kept for
 * this tab. Undefined when there is none or it is not usable.
 */
export function takeToken(page) {
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem(STORAGE_PREFIX + page, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = sessionStorage.getItem(STORAGE_PREFIX + page) ?? undefined;
  return token && claimsOf(token) ? token : undefined;
}

export function keepToken(page, token) {
  sessionStorage.setItem(STORAGE_PREFIX + page, token);
}

export function forgetToken(page) {
  sessionStorage.removeItem(STORAGE_PREFIX + page);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code;
  }
}

/** Calls a service through this origin: api(token, 'routing', '/v1/agents'). */
export async function api(token, service, path, { method = 'GET', body } = {}) {
  const response = await fetch(`/api/${service}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/**
 * The notify WebSocket with automatic reconnection (backoff up to 10 s). onMessage gets every parsed
 * message; onStatus 'live' | 'connecting' | 'offline'. Returns { send, close }.
 */
export function notifySocket(token, { onMessage, onStatus }) {
  let socket;
  let closed = false;
  let attempt = 0;
  let cursor;
  const open = () => {
    onStatus?.('connecting');
    const query = new URLSearchParams({ access_token: token });
    if (cursor) query.set('since', cursor);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    socket = new WebSocket(`${scheme}://${location.host}/api/notify/v1/ws?${query}`);
    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === 'ready') {
        attempt = 0;
        onStatus?.('live');
      }
      if (message.type === 'notification' && typeof message.cursor === 'string') cursor = message.cursor;
      onMessage(message);
    });
    socket.addEventListener('close', () => {
      if (closed) return;
      onStatus?.('offline');
      attempt += 1;
      setTimeout(open, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    });
  };
  open();
  return {
    send: (message) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    close: () => {
      closed = true;
      socket?.close();
    },
  };
}

/**
 * The analytics event stream (Server-Sent Events). EventSource reconnects by itself and resends
 * Last-Event-ID; onEvent gets (type, payload) for each named or unnamed event.
 */
export function analyticsStream(token, { onEvent, onStatus, types = [] }) {
  const source = new EventSource(`/api/analytics/v1/stream?${new URLSearchParams({ access_token: token })}`);
  onStatus?.('connecting');
  source.addEventListener('open', () => onStatus?.('live'));
  source.addEventListener('error', () => onStatus?.(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting'));
  const handle = (fallbackType) => (event) => {
    let payload;
    try {
      payload = JSON.parse(event.data);
    } catch {
      return;
    }
    const type = event.type !== 'message' ? event.type : (payload?.type ?? fallbackType);
    onEvent(type, payload);
  };
  source.addEventListener('message', handle('message'));
  for (const type of types) source.addEventListener(type, handle(type));
  return { close: () => source.close() };
}

/**
 * How long after an agent's state change to fetch their first wellbeing reading of the day: the change starts it, and
 * no event announces a reading that stays OK.
 */
export const FIRST_READING_DELAY_MS = 2_000;

const due = new Set();

/** Runs `task` once, `ms` from now, however often it is asked for under the same `key` meanwhile. */
export function runSoon(key, ms, task) {
  if (due.has(key)) return;
  due.add(key);
  setTimeout(() => {
    due.delete(key);
    void task();
  }, ms);
}

/** The `data` of a CloudEvent, or the payload itself when it is not an envelope. */
export function dataOf(payload) {
  return payload && typeof payload === 'object' && 'specversion' in payload && 'data' in payload ? payload.data : payload;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Attributes that name what an element shows (a queue, an agent, an offer, a feed item): focus follows them across renders. */
const FOCUS_KEYS = ['data-key', 'data-queue', 'data-agent', 'data-offer', 'data-notification'];

/**
 * Where the keyboard focus is inside `node`, as the key of the element it is on (or in) and, for an element inside
 * that one (a button), its action or tag and class: enough to find its replacement after a render.
 */
function focusWithin(node) {
  const active = document.activeElement;
  if (!active || active === node || !node.contains(active)) return undefined;
  for (let at = active; at && at !== node; at = at.parentElement) {
    const attribute = FOCUS_KEYS.find((name) => at.hasAttribute(name));
    if (!attribute) continue;
    if (at === active) return { attribute, value: at.getAttribute(attribute) };
    const action = active.getAttribute('data-action');
    const inner = action ? `[data-action="${CSS.escape(action)}"]` : `${active.tagName.toLowerCase()}${[...active.classList].map((name) => `.${CSS.escape(name)}`).join('')}`;
    return { attribute, value: at.getAttribute(attribute), inner };
  }
  return undefined;
}

/**
 * Replaces a node's children, skipping empty ones (null, undefined, false). Live views redraw often: the keyboard focus
 * stays on what it was on (same queue, agent, offer or feed item; same button in it) when that is drawn again.
 */
export function fill(node, ...children) {
  const focus = focusWithin(node);
  node.replaceChildren(...children.flat().filter((child) => child !== undefined && child !== null && child !== false));
  if (!focus) return;
  const holder = node.querySelector(`[${focus.attribute}="${CSS.escape(focus.value)}"]`);
  const target = focus.inner ? (holder?.querySelector(focus.inner) ?? holder) : holder;
  target?.focus({ preventScroll: true });
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatPercent(fraction, digits = 0) {
  return typeof fraction === 'number' && Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : '–';
}

export function formatSeconds(seconds) {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? formatDuration(seconds * 1000) : '–';
}

export function formatClock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Shows a sign-in form in `container`; calls onToken(token) with a token whose claims satisfy accept(claims). */
export function signInForm(container, { title, hint, accept, onToken }) {
  const input = el('textarea', { id: 'token-input', rows: 4, required: true, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'token-hint' });
  const error = el('p', { class: 'form-error', role: 'alert' });
  const form = el(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    el('h2', { id: 'sign-in-title', text: title }),
    el('label', { for: 'token-input', text: 'Bearer token' }),
    input,
    el('p', { id: 'token-hint', class: 'hint', text: hint }),
    error,
    el('button', { type: 'submit', text: 'Sign in' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim().replace(/^Bearer\s+/i, '');
    const claims = claimsOf(token);
    const problem = !claims ? 'That is not a valid, unexpired Switchboard token.' : accept(claims);
    if (problem) {
      error.textContent = problem;
      input.focus();
      return;
    }
    onToken(token);
  });
  fill(container, form);
  input.focus();
}
