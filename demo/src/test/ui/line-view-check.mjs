// Opens the gateway's line view in Debian's chromium (driven by playwright-core; no browser is downloaded), waits for
// the simulated line's devices, their states, OEE, critical values and message rates, checks that the page updates,
// leaves a screenshot, and prints what it saw as one JSON object on stdout for the Java test to check.
//
// Environment: UI_URL (http://127.0.0.1:PORT/ui/), UI_USER, UI_PASSWORD, UI_DEVICES (comma list), UI_SCREENSHOT.
import { chromium } from 'playwright-core';

const url = process.env.UI_URL;
const origin = new URL(url).origin;
const devices = process.env.UI_DEVICES.split(',');
const timeout = 45_000;
const result = { errors: [], blockedRequests: [] };

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
});
try {
  const context = await browser.newContext({
    httpCredentials: { username: process.env.UI_USER, password: process.env.UI_PASSWORD, origin },
    viewport: { width: 1440, height: 1100 },
  });
  const page = await context.newPage();
  page.on('pageerror', e => result.errors.push('page error: ' + e.message));
  page.on('console', m => { if (m.type() === 'error') result.errors.push('console: ' + m.text()); });
  // Everything the page needs comes from the gateway itself; anything else would be a fetch from elsewhere.
  await page.route('**/*', route => {
    if (route.request().url().startsWith(origin)) return route.continue();
    result.blockedRequests.push(route.request().url());
    return route.abort();
  });

  const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
  result.status = response.status();
  result.title = await page.title();

  for (const id of devices) {
    await page.waitForSelector(`tr[data-device-id="${id}"]`, { timeout });
  }
  // Every machine has reported a state (the HMI reports none: it runs batches, it is not equipment).
  await page.waitForFunction(ids => ids.every(id => {
    const state = document.querySelector(`tr[data-device-id="${id}"] .state`);
    return state && state.textContent !== 'no state yet';
  }), devices.filter(d => !d.startsWith('hmi-')), { timeout });
  await page.waitForFunction(() => /%/.test(document.querySelector('[data-factor="oee"]')?.textContent || ''),
    null, { timeout });
  await page.waitForSelector('#critical tbody tr', { timeout });
  await page.waitForFunction(() => [...document.querySelectorAll('#rates tbody td.num')]
    .some(td => Number(td.textContent) > 0), null, { timeout });

  const picture = () => page.evaluate(() => ({
    updates: Number(document.body.dataset.updates || 0),
    lineClock: document.querySelector('.line-card h3 .muted')?.textContent || '',
    good: document.querySelector('.line-card .muted.small')?.textContent || '',
    critical: [...document.querySelectorAll('#critical tbody tr')].map(r => r.textContent).join('|'),
    stored: [...document.querySelectorAll('#rates tbody tr')].map(r => r.textContent).join('|'),
  }));
  const before = await picture();
  await page.waitForFunction(n => Number(document.body.dataset.updates) >= n + 3, before.updates, { timeout });
  await page.waitForFunction(b => document.querySelector('.line-card h3 .muted')?.textContent !== b,
    before.lineClock, { timeout });
  const after = await picture();
  result.updatesBefore = before.updates;
  result.updatesAfter = after.updates;
  result.changed = { lineClock: before.lineClock !== after.lineClock, critical: before.critical !== after.critical,
    stored: before.stored !== after.stored, counts: before.good !== after.good };

  result.seen = await page.evaluate(() => ({
    equipment: [...document.querySelectorAll('tr[data-device-id]')].map(r => ({
      deviceId: r.dataset.deviceId,
      state: r.querySelector('.state')?.textContent,
      gateway: r.children[4]?.textContent,
    })),
    lines: [...document.querySelectorAll('.line-card')].map(c => c.dataset.line),
    oee: Object.fromEntries([...document.querySelectorAll('.line-card [data-factor]')]
      .map(v => [v.dataset.factor, v.textContent])),
    batch: document.querySelector('.line-card .batch strong')?.textContent,
    criticalRows: document.querySelectorAll('#critical tbody tr').length,
    streams: [...document.querySelectorAll('#rates tbody tr')].map(r => r.dataset.stream),
    chartVersion: typeof Chart === 'undefined' ? null : Chart.version,
    ratesChartDrawn: typeof Chart !== 'undefined' && !!Chart.getChart(document.getElementById('rates-chart')),
    nats: document.getElementById('nats').textContent,
  }));
  await page.screenshot({ path: process.env.UI_SCREENSHOT, fullPage: true });
  result.screenshot = process.env.UI_SCREENSHOT;
} catch (e) {
  result.failure = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
