// Drives the admin console (/herald/admin/) in headless Debian chromium (browser.mjs). Run by
// dist's AdminConsoleIT, which talks to it line by line:
//   this script → stdout: "refused MESSAGE" (a wrong token's error, as the page shows it),
//                         "comets JSON" ([{server_id, region, state, connections}] as the tables
//                         show them, once every Comet shows a connection), "pushed RESULT",
//                         "draining RESULT" then "marked STATE", finally "done";
//   AdminConsoleIT → stdin: the text to push from the form, once it has read "comets".
// Any failure prints "error ..." to stderr, saves a screenshot next to this script, exits 1.
//
// Environment: CONSOLE_URL (http://127.0.0.1:PORT/herald/admin/), ADMIN_TOKEN, PUSH_MID (the user
// to push to), DRAIN (the server id to drain), COMETS (how many Comets to wait for), and
// browser.mjs's.
import { newPage, nextStdinLine, run, say, timeout } from './browser.mjs';

const url = process.env.CONSOLE_URL;
const comets = Number(process.env.COMETS ?? 2);

await run('admin-console', async (browser, pages) => {
  const context = await browser.newContext();
  context.setDefaultTimeout(timeout);
  const page = await newPage(context, 'console');
  pages.push(page);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');

  // A wrong token is refused with the API's reason, and the form stays.
  await page.fill('#token', 'not-the-admin-token');
  await page.click('#sign-in');
  await page.waitForSelector('#login-error:not([hidden])');
  say(`refused ${await page.textContent('#login-error')}`);

  // The right one shows the regions' tables; wait until every Comet has registered a connection.
  await page.fill('#token', process.env.ADMIN_TOKEN);
  await page.click('#sign-in');
  await page.waitForSelector('#console:not([hidden])');
  const rows = () => Array.from(document.querySelectorAll('#regions tr[data-server-id]')).map((row) => ({
    server_id: row.dataset.serverId,
    region: row.closest('.region').dataset.region,
    state: row.querySelector('.state').textContent,
    connections: Number(row.querySelector('.connections').textContent),
  }));
  await page.waitForFunction(
    (n) => document.querySelectorAll('#regions tr[data-server-id]').length === n
      && Array.from(document.querySelectorAll('#regions td.connections')).every((cell) => Number(cell.textContent) >= 1),
    comets,
  );
  say(`comets ${JSON.stringify(await page.evaluate(rows))}`);

  // A push from the form, to one user; the test checks that user's client receives it.
  const text = await nextStdinLine();
  await page.selectOption('#push-target', 'mids');
  await page.fill('#push-targets', process.env.PUSH_MID);
  await page.fill('#push-body', text);
  await page.click('#push-send');
  const settled = () => ['ok', 'error'].some((c) => document.querySelector('#push-result').classList.contains(c));
  await page.waitForFunction(settled);
  say(`pushed ${await page.textContent('#push-result')}`);

  // A bad push (no user named) shows the API's error rather than swallowing it.
  await page.fill('#push-targets', '');
  await page.evaluate(() => { document.querySelector('#push-result').className = ''; });
  await page.click('#push-send');
  await page.waitForFunction(settled);
  say(`refused push ${await page.textContent('#push-result')}`);

  // Drain one Comet, confirmed in the dialog; the table marks it draining.
  const drain = process.env.DRAIN;
  await page.click(`tr[data-server-id="${drain}"] button.drain`);
  await page.waitForSelector('#drain-dialog[open]');
  await page.fill('#drain-grace', '120');
  await page.click('#drain-confirm');
  await page.waitForSelector('#drain-result:not([hidden])');
  say(`draining ${await page.textContent('#drain-result')}`);
  await page.waitForFunction(
    (id) => document.querySelector(`tr[data-server-id="${id}"] .state`)?.textContent === 'draining',
    drain,
  );
  say(`marked ${JSON.stringify(await page.evaluate(rows))}`);
  say('done');
});
