// The demo page's stored push arriving after its tab was closed, in headless Debian chromium
// (browser.mjs), in a browser context of its own (so its localStorage holds this scenario's mid
// only). Run by DemoPageIT, which talks to it line by line:
//   this script → stdout: "joined mid=MID",
//                         "shown seq=1 curl=LINE" (the stored push from the page's button, shown
//                           with inbox seq 1; LINE is the curl line the page prints for it),
//                         "closed" (the tab is closed),
//                         "reopened mid=MID version=V" (a new tab of the same context: what the
//                           form took from localStorage), then "synced TEXT",
//                         "messages JSON" (every entry of the list: [{meta, body}]), "done";
//   DemoPageIT  → stdin:  the text of a stored push it sent over HTTP while the tab was closed;
//                         after "synced", the text of one more it sent to the open tab.
// Any failure prints "error ..." to stderr, saves a screenshot next to this script, exits 1.
//
// Environment: DEMO_URL (http://127.0.0.1:PORT/demo/), ROOM (live://N), MID (the user id to join
// as), and browser.mjs's.
import { newPage, nextStdinLine, run, say, timeout } from './browser.mjs';

const demoUrl = process.env.DEMO_URL;
const room = process.env.ROOM ?? 'live://1000';
const mid = process.env.MID;

/** The entry of {@code page}'s message list showing {@code body}, once it is there. */
async function shown(page, body) {
  const entry = page.locator('#messages li', { has: page.locator('.body', { hasText: body }) });
  await entry.first().waitFor();
  return (await entry.first().locator('.meta').textContent()).trim();
}

await run('demo-stored-push', async (browser, pages) => {
  const context = await browser.newContext();
  context.setDefaultTimeout(timeout);

  // The first visit: join as MID with protocol 2; the page keeps the mid in localStorage.
  const first = await newPage(context, 'first tab');
  pages.push(first);
  await first.goto(demoUrl);
  await first.waitForSelector('body[data-ready="true"]');
  await first.fill('#room', room);
  await first.fill('#mid', mid);
  await first.selectOption('#version', '2');
  await first.click('#connect');
  await first.waitForFunction(() => document.querySelector('#dot').classList.contains('open'));
  say(`joined mid=${await first.evaluate(() => localStorage.getItem('herald.demo.mid'))}`);

  // "Stored push to my mid": Logic answers with the seq, the page shows the message with it.
  const before = `stored while open ${Date.now()}`;
  await first.fill('#message', before);
  await first.click('#send-stored');
  await first.waitForFunction(
    (m) => new RegExp(`^Accepted by Logic: message \\d{16,}\\. Stored for mid ${m} as seq 1\\.$`).test(document.querySelector('#push-result').textContent),
    mid,
  );
  const meta = await shown(first, before);
  if (!meta.endsWith('inbox seq 1')) throw new Error(`the stored push shows "${meta}", not inbox seq 1`);
  await first.waitForFunction(() => /, seq 1$/.test(document.querySelector('#inbox').textContent));
  say(`shown seq=1 curl=${(await first.textContent('#curl-stored')).trim()}`);

  // Close the tab; the test sends a stored push to MID meanwhile.
  await first.close();
  pages.splice(pages.indexOf(first), 1);
  say('closed');
  const whileClosed = await nextStdinLine();

  // Reopen the page in a new tab of the same context (same localStorage) and click Join, changing
  // nothing in the form: what a reader of docs/quickstart.md does.
  const second = await newPage(context, 'reopened tab');
  pages.push(second);
  await second.goto(demoUrl);
  await second.waitForSelector('body[data-ready="true"]');
  say(`reopened mid=${await second.inputValue('#mid')} version=${await second.inputValue('#version')}`);
  await second.click('#connect');
  await second.waitForFunction(() => document.querySelector('#dot').classList.contains('open'));
  await shown(second, whileClosed);
  say(`synced ${whileClosed}`);

  // One more stored push to the open tab: once it is shown, the SYNC after the join is over, so a
  // duplicate of what it brought (or the first push again) would be in the list by now.
  const afterwards = await nextStdinLine();
  await shown(second, afterwards);
  const messages = await second.$$eval('#messages li', (items) =>
    items.map((li) => ({ meta: li.querySelector('.meta')?.textContent ?? '', body: li.querySelector('.body')?.textContent ?? li.textContent })),
  );
  say(`messages ${JSON.stringify(messages)}`);
  say('done');
});
