// Drives the demo page in headless Debian chromium (playwright-core, never a downloaded browser).
// Run by DemoPageIT, which talks to it line by line:
//   this script → stdout: "joined v1 online=N", "joined v2 online=N", then "received TEXT" and
//                         "form ok", finally "done";
//   DemoPageIT  → stdin:  one line, the text of a push it sent over HTTP once both pages joined.
// Any failure prints "error ..." to stderr, saves a screenshot next to this script, exits 1.
//
// Environment: DEMO_URL (http://127.0.0.1:PORT/demo/), ROOM (live://N), CHROMIUM (/usr/bin/chromium).
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const demoUrl = process.env.DEMO_URL;
const room = process.env.ROOM ?? 'live://1000';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const timeout = Number(process.env.STEP_TIMEOUT_MS ?? 20_000);
const say = (line) => process.stdout.write(`${line}\n`);

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function nextStdinLine() {
  const { value, done } = await stdinLines.next();
  if (done) throw new Error('stdin closed before the test sent the push text');
  return value;
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  timeout,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const pages = [];
let failed = false;
try {
  const context = await browser.newContext();
  context.setDefaultTimeout(timeout);

  // Two visitors in the same room, one per protocol version; each joins from the form.
  for (const version of ['1', '2']) {
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' || m.type() === 'warning' ? process.stderr.write(`[v${version} console] ${m.text()}\n`) : undefined);
    page.on('pageerror', (e) => process.stderr.write(`[v${version} pageerror] ${e.message}\n`));
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
} catch (e) {
  failed = true;
  process.stderr.write(`error ${e.stack ?? e}\n`);
  for (const [i, page] of pages.entries()) {
    try {
      const path = new URL(`demo-page-failure-${i + 1}.png`, import.meta.url).pathname;
      await page.screenshot({ path, fullPage: true });
      process.stderr.write(`screenshot ${path}\nstatus: ${await page.textContent('#status')}\n`);
    } catch {
      // the page may be gone
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
