// What the browser tests share: Debian's Chromium, driven by playwright-core, over the built web app.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const WEB_INDEX = new URL('../web/dist/index.html', import.meta.url).pathname;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Options of a browser suite: skipped, saying why, where Chromium is missing. */
export const BROWSER_SUITE = {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run the browser test`,
  timeout: 180_000,
};

/** Fails, saying so, when the web app has not been built. */
export function requireWebBuild(): void {
  if (!existsSync(WEB_INDEX)) throw new Error(`${WEB_INDEX} is missing: build the web app first with \`npm run build:web\`, then run this test again`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Closes the browser, then the platform, whichever of them was started. */
export async function closeBrowserTest(browser: Browser | undefined, platform: { close(): Promise<void> } | undefined): Promise<void> {
  try {
    await browser?.close();
  } finally {
    await platform?.close();
  }
}
