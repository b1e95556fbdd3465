import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (never a Playwright browser download); CHROMIUM_PATH overrides. */
export function chromiumPath(): string {
  const path = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium is not installed at ${path}: the browser tests need Debian's Chromium. Install it with ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` ' +
        '(test/browser/ensure-chromium.sh, run by .ci/run), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return path;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
}
