// The demo page's chat view in headless Debian chromium (browser.mjs): two users, each in a browser
// context of its own, talk one-to-one and in a group. Run by DemoPageIT, which reads its lines:
//   "joined a=MID_A b=MID_B"            both pages are connected with protocol 2
//   "unread b user:MID_A=1"              B's list shows A's first message as 1 unread
//   "cleared b user:MID_A"               B opened it: the message is shown, the count is gone
//   "one-to-one both ways"               A, whose conversation is open, shows B's answer, unread 0
//   "group ID"                           A created group ID (A and B) through Logic's HTTP IM API
//   "unread b group:ID=1"                B's list shows A's group message as 1 unread
//   "group both ways"                    B opened the group and answered; A shows the answer
//   "lists a=JSON b=JSON"                each page's conversation list: [{key, unread}]
//   "done"
// Any failure prints "error ..." to stderr, saves a screenshot next to this script, exits 1.
//
// Environment: DEMO_URL (http://127.0.0.1:PORT/demo/), ROOM (live://N), MID_A, MID_B, and
// browser.mjs's.
import { newPage, run, say, timeout } from './browser.mjs';

const demoUrl = process.env.DEMO_URL;
const room = process.env.ROOM ?? 'live://1000';
const midA = process.env.MID_A;
const midB = process.env.MID_B;
const stamp = Date.now();

async function join(browser, pages, name, mid) {
  const context = await browser.newContext();
  context.setDefaultTimeout(timeout);
  const page = await newPage(context, name);
  pages.push(page);
  await page.goto(demoUrl);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#room', room);
  await page.fill('#mid', mid);
  await page.selectOption('#version', '2');
  await page.click('#connect');
  await page.waitForFunction(() => document.querySelector('#dot').classList.contains('open'));
  await page.waitForFunction(() => !document.querySelector('#chat').classList.contains('off'));
  return page;
}

/** The open conversation of {@code page} shows a message with {@code body}. */
const shows = (page, body) => page.locator('#chat-messages li .body', { hasText: body }).first().waitFor();

/** Types {@code body} into the send box of {@code page}, sends it, and waits for it to show. */
async function send(page, body) {
  await page.fill('#chat-text', body);
  await page.click('#chat-send-button');
  await page.locator('#chat-messages li.mine .body', { hasText: body }).first().waitFor();
}

/** Waits until {@code page}'s list shows {@code key} with {@code unread} (0: no badge). */
async function unread(page, key, count) {
  await page.waitForFunction(
    ([k, n]) => {
      const badge = document.querySelector(`#conversations li[data-key="${k}"] .unread`);
      if (!badge) return false;
      return n === 0 ? badge.hidden : !badge.hidden && badge.textContent === String(n);
    },
    [key, count],
  );
}

const list = (page) =>
  page.$$eval('#conversations li', (items) => items.map((li) => ({ key: li.dataset.key, unread: Number(li.querySelector('.unread').textContent) })));

await run('demo-chat', async (browser, pages) => {
  const a = await join(browser, pages, 'user A', midA);
  const b = await join(browser, pages, 'user B', midB);
  say(`joined a=${midA} b=${midB}`);

  // One-to-one: A opens the conversation with B and writes; B sees it as unread in its list.
  await a.selectOption('#chat-kind', 'user');
  await a.fill('#chat-peer', midB);
  await a.click('#chat-open');
  await a.waitForFunction((m) => document.querySelector('#chat-title').textContent === `User ${m}`, midB);
  const hello = `hello B ${stamp}`;
  await send(a, hello);
  await unread(b, `user:${midA}`, 1);
  say(`unread b user:${midA}=1`);

  // B opens it: the message is there and the conversation is marked read.
  await b.click(`#conversations li[data-key="user:${midA}"]`);
  await shows(b, hello);
  await unread(b, `user:${midA}`, 0);
  say(`cleared b user:${midA}`);

  // B answers; A has the conversation open, so it shows the answer and keeps no unread count.
  const answer = `hello A ${stamp}`;
  await send(b, answer);
  await shows(a, answer);
  await unread(a, `user:${midB}`, 0);
  say('one-to-one both ways');

  // A group of both, created by the page through Logic's HTTP IM API; A opens it and writes.
  await a.click('#group-box summary');
  await a.fill('#group-name', `demo ${stamp}`);
  await a.fill('#group-members', `${midA}, ${midB}`);
  await a.click('#group-create');
  await a.waitForFunction(() => /^Group \d+ created\.$/.test(document.querySelector('#group-result').textContent));
  const group = (await a.textContent('#group-result')).match(/^Group (\d+) created\.$/)[1];
  await a.waitForFunction((g) => document.querySelector('#chat-title').textContent === `Group ${g}`, group);
  say(`group ${group}`);
  const fromA = `group hi from A ${stamp}`;
  await send(a, fromA);
  await unread(b, `group:${group}`, 1);
  say(`unread b group:${group}=1`);

  await b.click(`#conversations li[data-key="group:${group}"]`);
  await shows(b, fromA);
  await unread(b, `group:${group}`, 0);
  const fromB = `group hi from B ${stamp}`;
  await send(b, fromB);
  await shows(a, fromB);
  await unread(a, `group:${group}`, 0);
  say('group both ways');

  say(`lists a=${JSON.stringify(await list(a))} b=${JSON.stringify(await list(b))}`);
  say('done');
});
