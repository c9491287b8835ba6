// Drives the demo page in headless Debian chromium (browser.mjs). Run by DemoPageIT, which talks to
// it line by line:
//   this script → stdout: "joined v1 online=N", "joined v2 online=N", then "received TEXT" and
//                         "form ok", finally "done";
//   DemoPageIT  → stdin:  one line, the text of a push it sent over HTTP once both pages joined.
// Any failure prints "error ..." to stderr, saves a screenshot next to this script, exits 1.
//
// Environment: DEMO_URL (http://127.0.0.1:PORT/demo/), ROOM (live://N), and browser.mjs's.
import { newPage, nextStdinLine, run, say, timeout } from './browser.mjs';

const demoUrl = process.env.DEMO_URL;
const room = process.env.ROOM ?? 'live://1000';

await run('demo-page', async (browser, pages) => {
  const context = await browser.newContext();
  context.setDefaultTimeout(timeout);

  // Two visitors in the same room, one per protocol version; each joins from the form.
  for (const version of ['1', '2']) {
    const page = await newPage(context, `v${version}`);
    pages.push(page);
    await page.goto(demoUrl);
    await page.waitForSelector('body[data-ready="true"]');
    await page.fill('#room', room);
    await page.selectOption('#version', version);
    await page.click('#connect');
    await page.waitForFunction(() => document.querySelector('#dot').classList.contains('open'));
    await page.waitForFunction(() => Number(document.querySelector('#online').textContent) >= 1);
    say(`joined v${version} online=${await page.textContent('#online')}`);
  }

  // A push sent by the test over HTTP reaches both pages.
  const pushed = await nextStdinLine();
  for (const page of pages) {
    await page.locator('#messages li .body', { hasText: pushed }).first().waitFor();
  }
  say(`received ${pushed}`);

  // The page's own form pushes through the HTTP API; both pages show it.
  const fromForm = `from the form ${Date.now()}`;
  await pages[0].fill('#message', fromForm);
  await pages[0].click('#send');
  // The page shows the message id as Logic sent it: a decimal string, every digit kept.
  await pages[0].waitForFunction(() => /^Accepted by Logic: message \d{16,}\.$/.test(document.querySelector('#push-result').textContent));
  for (const page of pages) {
    await page.locator('#messages li .body', { hasText: fromForm }).first().waitFor();
  }
  say('form ok');

  // Leaving closes the connection and says so.
  await pages[1].click('#disconnect');
  await pages[1].waitForFunction(() => document.querySelector('#status').textContent === 'Not connected');
  say('done');
});
