// What the demo page scripts share: Debian's headless chromium through playwright-core (never a
// downloaded browser), the line protocol with DemoPageIT (stdout to the test, stdin from it), and
// the failure report (the error on stderr, a screenshot of each page next to the scripts).
//
// Environment: CHROMIUM (/usr/bin/chromium), STEP_TIMEOUT_MS (how long one step may wait).
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

export const timeout = Number(process.env.STEP_TIMEOUT_MS ?? 20_000);

/** One line to DemoPageIT. */
export const say = (line) => process.stdout.write(`${line}\n`);

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

/** The next line DemoPageIT wrote to stdin. */
export async function nextStdinLine() {
  const { value, done } = await stdinLines.next();
  if (done) throw new Error('stdin closed before the test sent its line');
  return value;
}

/** A page of {@code context} whose console errors, warnings and page errors go to stderr. */
export async function newPage(context, name) {
  const page = await context.newPage();
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning' ? process.stderr.write(`[${name} console] ${m.text()}\n`) : undefined));
  page.on('pageerror', (e) => process.stderr.write(`[${name} pageerror] ${e.message}\n`));
  return page;
}

/**
 * Launches chromium and runs {@code scenario(browser, pages)}, which pushes the pages it opens onto
 * {@code pages}; on a failure prints "error ..." and a screenshot of each page still open, then
 * exits 1. Exits 0 after a scenario that returned.
 */
export async function run(name, scenario) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
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
    await scenario(browser, pages);
  } catch (e) {
    failed = true;
    process.stderr.write(`error ${e.stack ?? e}\n`);
    for (const [i, page] of pages.entries()) {
      try {
        const path = new URL(`${name}-failure-${i + 1}.png`, import.meta.url).pathname;
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
}
