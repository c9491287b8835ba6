// The demo page: a HeraldClient in a room, and a form that pushes to the room, or a stored push to
// the page's mid, over Logic's HTTP API (same origin: this page is served by Logic); with protocol
// version 2, a chat view (chat-view.js). The mid and the
// protocol version are kept in localStorage, so a reopened tab joins as the same user with the same
// protocol and (in version 2) SYNCs what was stored while it was closed.
import { ChatView, bindChatForms } from './chat-view.js';
import { HeraldClient, nodeUrls, text } from './herald-client.js';

const $ = (id) => document.getElementById(id);
const MID_KEY = 'herald.demo.mid';
const VERSION_KEY = 'herald.demo.version';
const params = new URLSearchParams(location.search);
let client = null;
let chatView = null; // the chat of a version 2 connection

/** `live://1000` → {type: 'live', id: '1000'}; a bare `1000` means `live://1000`. */
function parseRoom(value) {
  const room = value.trim();
  const at = room.indexOf('://');
  if (at < 0) return { type: 'live', id: room, roomId: `live://${room}` };
  return { type: room.slice(0, at), id: room.slice(at + 3), roomId: room };
}

/**
 * The Comet's WebSocket URL: ?ws=, else the best node of Logic's goim node list (over WSS when this
 * page came over HTTPS), else goim's default port.
 */
async function discoverWebSocket() {
  if (params.get('ws')) return params.get('ws');
  try {
    const answer = await (await fetch('/goim/nodes/weighted?platform=web')).json();
    const [best] = nodeUrls(answer, { secure: location.protocol === 'https:' });
    if (best) return best;
  } catch {
    // fall through to the default
  }
  return `ws://${location.hostname || '127.0.0.1'}:3102/sub`;
}

function setStatus(state, message) {
  $('dot').className = `dot ${state}`;
  $('status').textContent = message;
  const busy = state !== 'idle';
  $('connect').disabled = busy;
  $('disconnect').disabled = !busy;
  for (const id of ['room', 'mid', 'version', 'ws']) $(id).disabled = busy;
}

function showInbox() {
  const position = client?.inboxPosition;
  $('inbox').textContent = position ? `epoch ${position.epoch}, seq ${position.seq}` : '–';
}

function addMessage(op, body, seq, delivery) {
  const item = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  const meta = document.createElement('span');
  meta.className = 'meta';
  const stored = delivery?.inboxSeq > 0;
  meta.textContent = stored ? `op ${op} · inbox seq ${delivery.inboxSeq}` : `op ${op}${seq ? ` · seq ${seq}` : ''}`;
  if (stored) item.classList.add('stored');
  const content = document.createElement('span');
  content.className = 'body';
  content.textContent = text(body);
  item.append(time, meta, content);
  $('messages').prepend(item);
  $('empty').hidden = true;
  while ($('messages').children.length > 200) $('messages').lastChild.remove();
  showInbox();
}

function join(event) {
  event.preventDefault();
  const room = parseRoom($('room').value);
  const mid = Number($('mid').value);
  localStorage.setItem(MID_KEY, String(mid));
  localStorage.setItem(VERSION_KEY, $('version').value);
  const url = $('ws').value.trim();
  setStatus('connecting', `Connecting to ${url} …`);
  client = new HeraldClient({
    url,
    version: Number($('version').value),
    heartbeatMs: 10_000, // a short interval keeps the online count fresh on this page
    auth: { mid, room_id: room.roomId, platform: 'web', accepts: [] },
    onOpen: (info) => {
      const key = info.key ? `, key ${info.key}` : '';
      setStatus('open', `In ${room.roomId} as mid ${mid}${key}, protocol v${info.version}`);
      chatView?.start();
    },
    onClose: (e) => {
      $('online').textContent = '–';
      if (e.reconnectInMs >= 0) {
        const why = e.reason ? ` (${e.reason})` : '';
        const delay = (e.reconnectInMs / 1000).toFixed(1);
        setStatus('connecting', `Disconnected${why}; retrying in ${delay} s …`);
      } else {
        setStatus('idle', 'Not connected');
      }
    },
    onOnline: (count) => {
      $('online').textContent = String(count);
    },
    onMessage: addMessage,
    onInboxReset: (reset) => {
      const lost = reset.oldestSeq > reset.oldSeq + 1 || reset.epoch !== reset.oldEpoch;
      addNote(`Inbox reset: epoch ${reset.epoch}, oldest kept seq ${reset.oldestSeq}${lost ? ' (messages in between are gone)' : ''}`);
    },
    onError: (e) => console.warn('herald:', e),
  });
  if (client.options.version === 2) {
    chatView = new ChatView(client, mid);
    $('group-members').value = `${mid}, `;
  }
  client.connect();
  updateCurl();
}

function addNote(message) {
  const item = document.createElement('li');
  item.className = 'note';
  item.textContent = message;
  $('messages').prepend(item);
  showInbox();
}

function leave() {
  client?.close();
  client = null;
  chatView?.stop();
  chatView = null;
  setStatus('idle', 'Not connected');
}

function pushUrl() {
  const room = parseRoom($('room').value);
  const query = new URLSearchParams({ operation: $('op').value, type: room.type, room: room.id });
  return `/goim/push/room?${query}`;
}

/** A push to the page's mid, kept in the user's inbox (store=true). */
function storedPushUrl() {
  const query = new URLSearchParams({ operation: $('op').value, mids: $('mid').value, store: 'true' });
  return `/goim/push/mids?${query}`;
}

function updateCurl() {
  const message = $('message').value.replaceAll("'", "'\\''");
  $('curl').textContent = `curl -d '${message}' '${location.origin}${pushUrl()}'`;
  $('curl-stored').textContent = `curl -d '${message}' '${location.origin}${storedPushUrl()}'`;
}

async function push(event, url = pushUrl()) {
  event.preventDefault();
  const result = $('push-result');
  result.className = 'result';
  result.textContent = 'Pushing …';
  try {
    const response = await fetch(url, { method: 'POST', body: $('message').value });
    const answer = await response.json();
    if (answer.code === 0) {
      result.classList.add('ok');
      // A decimal string: message ids are past 2^53, where JSON numbers lose digits in JavaScript.
      const stored = (answer.data.stored ?? []).map((s) => ` Stored for mid ${s.mid} as seq ${s.seq}.`);
      result.textContent = `Accepted by Logic: message ${answer.data.message_id}.${stored.join('')}`;
    } else {
      result.classList.add('error');
      result.textContent = `Refused: ${answer.code} ${answer.message}`;
    }
  } catch (e) {
    result.classList.add('error');
    result.textContent = `Failed: ${e.message}`;
  }
}

async function init() {
  $('mid').value =
    params.get('mid') ?? localStorage.getItem(MID_KEY) ?? String(1 + Math.floor(Math.random() * 100_000));
  if (params.get('room')) $('room').value = params.get('room');
  const version = params.get('version') ?? localStorage.getItem(VERSION_KEY);
  if (version === '1' || version === '2') $('version').value = version;
  $('join').addEventListener('submit', join);
  $('disconnect').addEventListener('click', leave);
  $('push').addEventListener('submit', (e) => push(e));
  $('send-stored').addEventListener('click', (e) => push(e, storedPushUrl()));
  $('clear').addEventListener('click', () => {
    $('messages').replaceChildren();
    $('empty').hidden = false;
  });
  bindChatForms(() => chatView);
  for (const id of ['room', 'op', 'message', 'mid']) $(id).addEventListener('input', updateCurl);
  updateCurl();
  $('ws').value = await discoverWebSocket();
  document.body.dataset.ready = 'true';
  if (params.has('join')) $('join').requestSubmit();
}

init();
