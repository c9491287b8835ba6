// Test doubles shared by the client's tests: manual timers and a scripted WebSocket.
import { decodeFrame } from '../frame.js';

/** Timers that run only when the test advances time. */
export class ManualTimers {
  now = 0;
  tasks = new Map();
  id = 0;
  setTimeout = (fn, ms) => {
    this.tasks.set(++this.id, { at: this.now + ms, fn });
    return this.id;
  };
  clearTimeout = (id) => this.tasks.delete(id);
  advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.tasks].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.tasks.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

/** A WebSocket double: records what the client sends; the test plays the server. */
export function fakeWebSockets() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closed = null;
      sockets.push(this);
    }
    send(bytes) {
      this.sent.push(decodeFrame(bytes).frame);
    }
    close(code = 1005, reason = '') {
      this.closed = { code, reason };
    }
    open() {
      this.onopen?.({});
    }
    deliver(bytes) {
      this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    }
    drop(code = 1006) {
      this.onclose?.({ code, reason: '' });
    }
  }
  return { sockets, FakeWebSocket };
}
