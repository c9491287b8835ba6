// Herald's admin console: reads Logic's console API (api/*, relative to this page) with the admin
// token kept in this tab's sessionStorage, and renders it. Every answer that is not 200 is shown
// with the error the API gave; a 401 returns to the token form. Reference: docs/console.md.
const TOKEN_KEY = 'herald.admin.token';
const REFRESH_MS = 5000;

const $ = (id) => document.getElementById(id);
let refreshTimer = null;
let drainTarget = null;

/** An API answer other than 2xx: its status and the API's message. */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Calls the console API; resolves with the JSON answer, rejects with an ApiError. */
async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`api/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `Logic did not answer: ${e.message}`);
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { error: text };
  }
  if (!response.ok) {
    throw new ApiError(response.status, `${response.status}: ${data.error || response.statusText}`);
  }
  return data;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function age(ms) {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60_000)} min ago`;
}

function showError(node, message) {
  node.textContent = message;
  node.hidden = !message;
}

function setSignedIn(signedIn, message) {
  $('login').hidden = signedIn;
  $('console').hidden = !signedIn;
  $('session').hidden = !signedIn;
  document.body.dataset.signedIn = String(signedIn);
  if (!signedIn) {
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(refreshTimer);
    refreshTimer = null;
    $('status').textContent = 'Not signed in';
    showError($('login-error'), message ?? '');
  }
}

/** Handles a failed call: a 401 signs out with its reason, anything else is shown in {@code node}. */
function failed(e, node) {
  if (e.status === 401) {
    setSignedIn(false, `The token was refused: ${e.message}`);
  } else {
    showError(node, e.message);
  }
}

function renderComets(data) {
  const regions = $('regions');
  regions.replaceChildren();
  if (data.regions.length === 0) {
    regions.append(element('p', 'No Comet is registered.', 'empty'));
    return;
  }
  for (const region of data.regions) {
    const section = element('div', undefined, 'region');
    section.dataset.region = region.region;
    section.append(
      element('h3', `${region.region || '(no region)'} — ${region.comets} Comet${region.comets === 1 ? '' : 's'}`
        + `${region.draining ? ` (${region.draining} draining)` : ''}, ${region.connections} connections`),
    );
    const table = element('table');
    const head = element('tr');
    for (const title of ['Comet', 'State', 'Connections', 'Capacity', 'Weight', 'Client IPs', 'Addresses', 'Last renewal', '']) {
      head.append(element('th', title, ['Connections', 'Capacity', 'Weight', 'Client IPs'].includes(title) ? 'num' : ''));
    }
    table.append(element('thead'));
    table.tHead.append(head);
    const body = element('tbody');
    for (const comet of region.nodes) {
      const row = element('tr', undefined, comet.state);
      row.dataset.serverId = comet.server_id;
      row.append(
        element('td', comet.server_id, 'server-id'),
        element('td', comet.state, `state state-${comet.state}`),
        element('td', comet.connections, 'num connections'),
        element('td', comet.capacity, 'num'),
        element('td', comet.weight, 'num'),
        element('td', comet.ip_count ?? '–', 'num'),
        element('td', [
          comet.tcp_address && `tcp ${comet.tcp_address}`,
          comet.ws_address && `ws ${comet.ws_address}`,
          comet.wss_address && `wss ${comet.wss_address}`,
          `grpc ${comet.grpc_address}`,
        ].filter(Boolean).join('  '), 'addresses'),
        element('td', age(comet.last_renew_age_ms), 'renewal'),
      );
      const actions = element('td');
      if (comet.state !== 'draining') {
        const drain = element('button', 'Drain…', 'drain');
        drain.type = 'button';
        drain.addEventListener('click', () => askDrain(comet));
        actions.append(drain);
      }
      row.append(actions);
      body.append(row);
    }
    table.append(body);
    section.append(table);
    regions.append(section);
  }
}

function renderOnline(data) {
  $('conn-count').textContent = data.totals.conn_count;
  $('ip-count').textContent = data.totals.ip_count;
  const rows = data.top.map((room) => {
    const row = element('tr');
    row.append(element('td', room.room), element('td', room.count, 'num'));
    return row;
  });
  if (rows.length === 0) {
    const row = element('tr');
    const cell = element('td', 'No room has members.', 'empty');
    cell.colSpan = 2;
    row.append(cell);
    rows.push(row);
  }
  $('top-rooms').tBodies[0].replaceChildren(...rows);
}

async function refresh() {
  if (!token()) return;
  const params = new URLSearchParams({ limit: $('top-limit').value || '10' });
  if ($('top-type').value.trim()) params.set('type', $('top-type').value.trim());
  try {
    const [comets, online] = await Promise.all([api('GET', 'comets'), api('GET', `online?${params}`)]);
    renderComets(comets);
    renderOnline(online);
    showError($('error'), '');
    $('status').textContent = `Signed in · updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  } catch (e) {
    failed(e, $('error'));
  }
}

function scheduleRefresh() {
  clearInterval(refreshTimer);
  refreshTimer = $('auto-refresh').checked ? setInterval(refresh, REFRESH_MS) : null;
}

async function signIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
  setSignedIn(true);
  await refresh();
  if (token()) scheduleRefresh();
}

function askDrain(comet) {
  drainTarget = comet.server_id;
  $('drain-server').textContent = comet.server_id;
  $('drain-connections').textContent = comet.connections;
  $('drain-grace').value = '';
  $('drain-dialog').showModal();
}

async function drain() {
  const serverId = drainTarget;
  const grace = $('drain-grace').value.trim();
  $('drain-dialog').close();
  const result = $('drain-result');
  result.className = '';
  try {
    const answer = await api('POST', `comets/${encodeURIComponent(serverId)}/drain`,
      grace ? { grace_seconds: Number(grace) } : {});
    result.className = 'ok';
    result.textContent = `${answer.server_id} is draining${answer.already_draining ? ' (it already was)' : ''}: `
      + `${answer.connections} connections told to move, the rest closed at `
      + `${new Date(answer.deadline_unix_ms).toLocaleTimeString()}.`;
    result.hidden = false;
  } catch (e) {
    result.className = 'error';
    failed(e, result);
  }
  await refresh();
}

function pushRequest() {
  const target = $('push-target').value;
  const request = { target, operation: Number($('push-operation').value), body: $('push-body').value };
  const targets = $('push-targets').value.split(/[\s,]+/).filter(Boolean);
  if (target === 'keys') request.keys = targets;
  if (target === 'mids') request.mids = targets;
  if (target === 'room') {
    request.type = $('push-type').value.trim();
    request.room = $('push-room').value.trim();
  }
  if (target === 'all') request.speed = Number($('push-speed').value || 0);
  return request;
}

async function push(event) {
  event.preventDefault();
  const result = $('push-result');
  result.className = '';
  result.textContent = 'Sending…';
  try {
    const answer = await api('POST', 'push', pushRequest());
    const offline = answer.offline?.length ? `; offline: ${answer.offline.join(', ')}` : '';
    result.className = 'ok';
    result.textContent = `Queued as message ${answer.message_id}${offline}.`;
  } catch (e) {
    result.className = 'error';
    failed(e, result);
  }
}

function showPushFields() {
  const target = $('push-target').value;
  for (const label of document.querySelectorAll('#push-form label[data-for]')) {
    label.hidden = !label.dataset.for.split(' ').includes(target);
  }
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn($('token').value.trim());
  $('token').value = '';
});
$('sign-out').addEventListener('click', () => setSignedIn(false));
$('refresh').addEventListener('click', refresh);
$('auto-refresh').addEventListener('change', scheduleRefresh);
$('top-form').addEventListener('submit', (event) => {
  event.preventDefault();
  refresh();
});
$('top-type').addEventListener('change', refresh);
$('top-limit').addEventListener('change', refresh);
$('push-form').addEventListener('submit', push);
$('push-target').addEventListener('change', showPushFields);
$('drain-form').addEventListener('submit', (event) => {
  event.preventDefault();
  drain();
});
$('drain-cancel').addEventListener('click', () => $('drain-dialog').close());

showPushFields();
if (token()) {
  signIn(token());
} else {
  setSignedIn(false);
}
document.body.dataset.ready = 'true';
