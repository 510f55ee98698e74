/**
 * The machine's Chromium (Debian's `chromium`, which CI installs with apt-get), for the tests that run a real
 * headless browser; undefined when there is none (they skip, saying so). No browser is downloaded.
 */
import { execFileSync } from 'node:child_process';

export const chromium: string | undefined = (() => {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { stdio: 'pipe', encoding: 'utf8' }).trim();
      execFileSync(path, ['--version'], { stdio: 'pipe', timeout: 30_000 });
      return path;
    } catch {
      // not this one, or one that does not run
    }
  }
  return undefined;
})();
