/**
 * Quilt's web catalog as a person sees it: a real browser (Chromium, driven by playwright-core)
 * signed in as a persona, opening catalog URLs and reading what the page shows — text and roles,
 * never CSS classes, so that a newer release of the app on a real stack passes the same checks.
 *
 * One browser per worker process (launched on first use, closed by closeCatalogBrowser in
 * AfterAll); each persona signs in once per worker — with the app's own form when the target gives
 * a password, else by handing the app the persona's token as its session (localStorage TOKENS and
 * USER, as the app keeps them after a sign-in) — and every view opens in a fresh context from that
 * signed-in state.
 *
 *   const app = new CatalogApp(endpoints, signIn);
 *   const view = await app.open(url, [{ shows: `${name} @ latest`, withIt: ['README.md'] }, { shows: 'No Such Package' }]);
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** How a persona signs in: the app's form (username, password) or a token handed to the app. */
export type SignIn = { username: string; password: string } | { token: string };

export interface PageView {
  url: string;
  /** The page's visible text (document.body.innerText). */
  text: string;
  /** Which of the awaited texts showed (undefined: none within the deadline). */
  matched: string | RegExp | undefined;
  /** A PNG of the whole page, for the report. */
  screenshot: Buffer;
  /** Requests of the page that left 127.0.0.1 (a local stack's pages make none). */
  offsite: string[];
}

/** A page the caller awaits: showing this text, with these others. */
export interface Outcome { shows: string | RegExp; withIt?: string[] }

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

let browser: Promise<Browser> | undefined;
const sessions = new Map<string, Promise<StorageState>>();

/** Debian's Chromium (QUILT_E2E_CHROMIUM to use another). */
function chromiumPath(): string {
  const path = process.env.QUILT_E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install Debian's package (apt-get install chromium) or set QUILT_E2E_CHROMIUM to a Chromium binary`);
  return path;
}

function theBrowser(): Promise<Browser> {
  browser ??= chromium.launch({ executablePath: chromiumPath(), args: process.getuid?.() === 0 ? ['--no-sandbox'] : [], timeout: 60_000 });
  return browser;
}

export async function closeCatalogBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  sessions.clear();
  await (await b?.catch(() => undefined))?.close();
}

/** The page's visible text (evaluated in the page, hence a string). */
const textOf = (page: Page): Promise<string> => page.evaluate<string>('document.body.innerText');

export class CatalogApp {
  constructor(
    private readonly endpoints: { catalogUrl: string; registryUrl: string },
    private readonly signIn: SignIn,
    private readonly timeoutMs = 20_000,
  ) {}

  /** The persona's signed-in browser state, made once per worker. */
  private session(): Promise<StorageState> {
    const key = `${this.endpoints.catalogUrl}|${'username' in this.signIn ? `form:${this.signIn.username}` : `token:${this.signIn.token}`}`;
    let s = sessions.get(key);
    if (!s) {
      s = this.makeSession();
      sessions.set(key, s);
      s.catch(() => sessions.delete(key));
    }
    return s;
  }

  private async makeSession(): Promise<StorageState> {
    const context = await (await theBrowser()).newContext();
    try {
      const page = await context.newPage();
      if ('username' in this.signIn) {
        await page.goto(`${this.endpoints.catalogUrl}/signin`, { timeout: this.timeoutMs });
        // The app's labels are not tied to their inputs: a field is the input beside its label's text.
        const field = (label: string) => page.locator(`div:has(> label:text-is("${label}")) input`);
        await field('Username or email').fill(this.signIn.username, { timeout: this.timeoutMs });
        await field('Password').fill(this.signIn.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        // Signed in: the app keeps the session's token.
        const username = this.signIn.username;
        await page.waitForFunction("localStorage.getItem('TOKENS') !== null", undefined, { timeout: this.timeoutMs })
          .catch(async () => { throw new Error(`the catalog's sign-in form did not sign ${username} in; the page says: ${(await textOf(page)).slice(0, 300)}`); });
      } else {
        // The app's own session: what it stores after a sign-in (its token and the user /api/me describes).
        const me = await fetch(`${this.endpoints.registryUrl}/api/me`, { headers: { authorization: `Bearer ${this.signIn.token}` }, signal: AbortSignal.timeout(this.timeoutMs) });
        if (me.status !== 200) throw new Error(`the registry's /api/me refused the persona's token (HTTP ${me.status}): the app could not sign in with it`);
        const user = await me.json() as Record<string, unknown>;
        const exp = (JSON.parse(Buffer.from(this.signIn.token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { exp?: number }).exp ?? Math.floor(Date.now() / 1000) + 3600;
        await page.goto(`${this.endpoints.catalogUrl}/config.json`, { timeout: this.timeoutMs });
        await page.evaluate(`localStorage.setItem('TOKENS', ${JSON.stringify(JSON.stringify({ token: this.signIn.token, exp }))}); localStorage.setItem('USER', ${JSON.stringify(JSON.stringify(user))});`);
      }
      return await context.storageState();
    } finally {
      await context.close();
    }
  }

  /**
   * Opens `url` signed in, and waits until the page shows one of the outcomes — its text and
   * everything `withIt` names (pages fill in part by part) — or the deadline passes; answers what
   * it shows. A page that shows none of them is answered too: the caller says what it expected.
   */
  async open(url: string, outcomes: Outcome[]): Promise<PageView> {
    const context = await (await theBrowser()).newContext({ storageState: await this.session() });
    const offsite: string[] = [];
    try {
      const page = await context.newPage();
      page.on('request', (r) => { if (!/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(r.url())) offsite.push(r.url()); });
      await page.goto(url, { timeout: this.timeoutMs });
      let matched: string | RegExp | undefined;
      let text = '';
      const deadline = Date.now() + this.timeoutMs;
      const shows = (t: string | RegExp): boolean => (typeof t === 'string' ? text.includes(t) : t.test(text));
      while (matched === undefined && Date.now() < deadline) {
        text = await textOf(page);
        matched = outcomes.find((o) => shows(o.shows) && (o.withIt ?? []).every(shows))?.shows;
        if (matched === undefined) await page.waitForTimeout(200);
      }
      // What the page shows once it has settled: pages keep filling in after their first text.
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
      text = await textOf(page);
      const screenshot = await page.screenshot({ fullPage: true });
      return { url, text, matched, screenshot, offsite };
    } finally {
      await context.close();
    }
  }
}
