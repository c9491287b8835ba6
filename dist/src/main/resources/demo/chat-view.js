// The demo page's chat view: one HeraldClient's chat (client.chat, protocol version 2) — a
// conversation list with unread counts, the open conversation's messages, a send box; the open
// conversation is marked read as messages arrive. Groups are made by a backend: the page creates
// one through Logic's HTTP IM API (POST /herald/im/groups), as it pushes through the push API.
import { conversation as toConversation, conversationKey, text } from './herald-client.js';

const $ = (id) => document.getElementById(id);
const TEXT = 1; // content type: UTF-8 text

export class ChatView {
  constructor(client, me) {
    this.client = client;
    this.chat = client.chat;
    this.me = String(me);
    this.current = null; // the open conversation
    this.shownSeq = 0; // the highest seq it shows
    this.reading = null; // a markRead in flight
    this.readAgain = false;
    this.chat.onMessage = (m) => this.received(m);
    this.chat.onUpdate = () => this.renderList();
    this.chat.onNotice = () => this.renderList();
    this.chat.onError = (e) => console.warn('herald chat:', e);
  }

  /** The connection is open: list the conversations (the counts come from the server). */
  async start() {
    $('chat').classList.remove('off');
    $('chat-state').textContent = `as user ${this.me}`;
    try {
      await this.chat.conversations({ limit: 50 });
    } catch (e) {
      this.status(`Could not list conversations: ${e.message}`);
    }
    this.renderList();
  }

  stop() {
    this.chat.onMessage = this.chat.onUpdate = this.chat.onNotice = () => {};
    $('chat').classList.add('off');
    $('chat-state').textContent = 'join with protocol v2 to chat';
    $('chat-send-button').disabled = true;
  }

  /** Opens {@code c}: its recent history, then it is marked read. */
  async open(c) {
    const target = toConversation(c);
    this.current = target;
    $('chat-title').textContent = title(target);
    $('chat-messages').replaceChildren();
    this.shownSeq = 0;
    $('chat-send-button').disabled = false;
    this.status('');
    this.renderList();
    try {
      const page = await this.chat.history(target, { limit: 50 });
      if (this.current !== target) return;
      for (const m of page.messages) this.show(m);
      this.markRead();
    } catch (e) {
      this.status(`Could not load the history: ${e.message}`);
    }
  }

  async send(value) {
    if (!this.current) return;
    try {
      await this.chat.send(this.current, TEXT, value);
      this.status('');
    } catch (e) {
      this.status(`Not sent: ${e.message}`);
    }
  }

  /** Creates a group through Logic's HTTP IM API and opens it. */
  async createGroup(name, members) {
    const result = $('group-result');
    result.className = 'result';
    result.textContent = 'Creating …';
    try {
      const response = await fetch('/herald/im/groups', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ owner: Number(this.me), name, members }),
      });
      const answer = await response.json();
      if (answer.code !== 0) throw new Error(`${answer.code} ${answer.message}`);
      const id = answer.data.group_id; // a decimal string: ids pass 2^53
      result.classList.add('ok');
      result.textContent = `Group ${id} created.`;
      await this.open({ kind: 'group', id });
    } catch (e) {
      result.classList.add('error');
      result.textContent = `Refused: ${e.message}`;
    }
  }

  received(m) {
    if (this.current && conversationKey(m.conversation) === conversationKey(this.current)) {
      this.show(m);
      if (!m.mine) this.markRead();
    }
  }

  /** Puts {@code m} into the open conversation in seq order, once. */
  show(m) {
    const list = $('chat-messages');
    if (list.querySelector(`li[data-id="${m.messageId}"]`)) return;
    const item = document.createElement('li');
    item.dataset.id = m.messageId;
    item.dataset.seq = String(m.seq);
    const mine = m.from === this.me;
    if (mine) item.classList.add('mine');
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = `${mine ? 'me' : m.from === '0' ? 'system' : `user ${m.from}`} · #${m.seq}`;
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = m.contentType === TEXT ? text(m.content) : `(${m.content.length} bytes of type ${m.contentType})`;
    item.append(from, body);
    this.shownSeq = Math.max(this.shownSeq, m.seq);
    const after = [...list.children].find((li) => Number(li.dataset.seq) > m.seq);
    list.insertBefore(item, after ?? null);
    list.scrollTop = list.scrollHeight;
  }

  /** Marks the open conversation read up to its last seq; one request at a time. */
  async markRead() {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    const c = this.current;
    do {
      this.readAgain = false;
      this.reading = this.chat.markRead(c, this.shownSeq || undefined).catch((e) => this.status(`Could not mark read: ${e.message}`));
      await this.reading;
    } while (this.readAgain && this.current === c);
    this.reading = null;
    this.renderList();
  }

  renderList() {
    const openKey = this.current ? conversationKey(this.current) : '';
    const items = this.chat.list().filter((e) => !e.removed).map((e) => {
      const item = document.createElement('li');
      item.dataset.key = e.key;
      if (e.key === openKey) item.classList.add('open');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = title(e.conversation);
      const unread = document.createElement('span');
      unread.className = 'unread';
      unread.textContent = String(e.unread);
      unread.hidden = e.unread === 0;
      unread.title = `${e.unread} unread`;
      const last = document.createElement('span');
      last.className = 'last';
      last.textContent = e.lastMessage ? text(e.lastMessage.content) : '';
      item.append(name, unread, last);
      item.addEventListener('click', () => this.open(e.conversation));
      return item;
    });
    $('conversations').replaceChildren(...items);
  }

  status(message) {
    $('chat-status').className = message ? 'result error' : 'result';
    $('chat-status').textContent = message;
  }
}

const title = (c) => `${c.kind === 'user' ? 'User' : 'Group'} ${c.id}`;

/** Wires the chat forms to whatever view is current ({@code current()}: a ChatView or null). */
export function bindChatForms(current) {
  $('chat-kind').addEventListener('change', () => {
    $('chat-peer').placeholder = $('chat-kind').value === 'user' ? 'user id' : 'group id';
  });
  $('chat-pick').addEventListener('submit', (event) => {
    event.preventDefault();
    current()?.open({ kind: $('chat-kind').value, id: $('chat-peer').value.trim() });
  });
  $('chat-send').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('chat-text').value;
    if (!value || !current()) return;
    $('chat-text').value = '';
    current().send(value);
  });
  $('group-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const members = $('group-members').value.split(/[,\s]+/).filter(Boolean).map(Number);
    current()?.createGroup($('group-name').value.trim(), members);
  });
}
