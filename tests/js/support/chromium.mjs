// Debian's Chromium through playwright-core, started so that it makes no
// request outside loopback (see TOOLCHAIN.md: it looks up Google hosts even
// with background networking disabled unless host resolution is mapped away).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
];

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), "hw-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
