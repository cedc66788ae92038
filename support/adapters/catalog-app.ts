/**
 * Quilt's web catalog as a person sees it: a real browser (Chromium, driven by playwright-core)
 * signed in as a persona, opening catalog URLs and reading what the page shows — text and roles,
 * never CSS classes, so that a newer release of the app on a real stack passes the same checks.
 *
 * One browser per worker process, with a profile of its own (launched on first use, closed by
 * closeCatalogBrowser in AfterAll); each persona signs in once per worker — with the app's own form
 * when the target gives a password, else by handing the app the persona's token as its session
 * (localStorage TOKENS and USER, as the app keeps them after a sign-in) — and every view starts
 * with that session: in a new page, or, for a persona, in the page of the app loaded ahead for
 * them in the background once their page before was done (warmUp), as a person keeps the catalog
 * open in a tab; the pages of one visit go on from page to page inside the app (oneVisit).
 * DEBUG_PAGES=1 prints every request of the pages and how long each page took.
 *
 *   const app = new CatalogApp(endpoints, signIn);
 *   const view = await app.open(url, [{ shows: `${name} @ latest`, withIt: ['README.md'] }, { shows: 'No Such Package' }]);
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { workingMsSince } from '@quilt-e2e/test-kit';

/** How a persona signs in: the app's form (username, password) or a token handed to the app. */
export type SignIn = { username: string; password: string } | { token: string };

export interface PageView {
  url: string;
  /** The page's visible text (document.body.innerText). */
  text: string;
  /** Which of the awaited texts showed (undefined: none within the deadline). */
  matched: string | RegExp | undefined;
  /** A JPEG of what the browser window showed (the top of the page), for the report. */
  screenshot: Buffer;
  /** Requests of the page that left 127.0.0.1 (a local stack's pages make none). */
  offsite: string[];
  /** Milliseconds: until the page loaded, until it showed an outcome, until it settled. */
  timings: { loaded: number; shown: number; settled: number };
}

/** What the stack's S3 answered the browser's requests to S3's AWS hosts (routeS3), by the URL the browser asked. */
export class S3Answers {
  private readonly seen = new Map<string, { status: number; body: Buffer }>();
  private readonly waiting = new Map<string, (a: { status: number; body: Buffer }) => void>();
  record(url: string, status: number, body: Buffer): void {
    this.seen.set(url, { status, body });
    this.waiting.get(url)?.({ status, body });
  }
  /** The answer to `url`, once the browser has asked for it (undefined after `timeoutMs`). */
  answerTo(url: string, timeoutMs: number): Promise<{ status: number; body: Buffer } | undefined> {
    const had = this.seen.get(url);
    if (had) return Promise.resolve(had);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(undefined), timeoutMs);
      this.waiting.set(url, (a) => { clearTimeout(t); resolve(a); });
    });
  }
}

/** A page the caller awaits: showing this text, with these others. */
export interface Outcome { shows: string | RegExp; withIt?: Array<string | RegExp> }

/** The app's session as it keeps it in localStorage after a sign-in (TOKENS, USER); null: signed out. */
type Session = { tokens: string; user: string | null } | null;

let browser: Promise<{ context: BrowserContext; profile: string }> | undefined;
const sessions = new Map<string, Promise<Session>>();
/** When each sign-in's session expires (seconds since the epoch, as its token says). */
const expiries = new Map<string, number>();

/** When a session expires, as the app keeps it (TOKENS: {token, exp}); undefined when it does not say. */
function expiryOf(session: Session): number | undefined {
  try {
    return session ? (JSON.parse(session.tokens) as { exp?: number }).exp : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT's claims, unverified (the registry verifies it): whose it is and until when. */
const claimsOf = (token: string): { exp?: number; sub?: string; id?: string; iss?: string } => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { exp?: number; sub?: string; id?: string; iss?: string };
  } catch {
    return {};
  }
};

/** Milliseconds this worker has spent in the browser (pages, sign-ins, the browser's start), for the run's figures. */
let browserMs = 0;
let depth = 0;
export const timeInBrowser = (): number => browserMs;
/** How many pages this worker has opened (views), for the run's figures. */
let pagesOpened = 0;
export const pagesOpenedSoFar = (): number => pagesOpened;
/** The page a view is working on: it stays the browser's front tab when a page loads ahead meanwhile. */
let working: Page | undefined;

/**
 * Work of a scenario that runs beside its pages (`besidePages`): while some runs, the scenario is not
 * waiting on the browser alone. `besideMs` is how long some has run, up to `besideSince` (when
 * `besideDepth` > 0, the start of the stretch still running).
 */
let besideMs = 0;
let besideDepth = 0;
let besideSince = 0;
const besideClock = (): number => besideMs + (besideDepth > 0 ? Date.now() - besideSince : 0);

/**
 * Runs `work` (not in the browser) beside the pages a scenario opens at the same time: the time the
 * two overlap is not counted as time in the browser, since the scenario would have spent it anyway.
 */
export async function besidePages<T>(work: () => Promise<T>): Promise<T> {
  if (besideDepth === 0) besideSince = Date.now();
  besideDepth += 1;
  try {
    return await work();
  } finally {
    besideDepth -= 1;
    if (besideDepth === 0) besideMs += Date.now() - besideSince;
  }
}

/**
 * Counts the time of `work` as time in the browser (once: calls inside it are not counted again),
 * less the time work beside the pages ran meanwhile (besidePages).
 */
async function inBrowser<T>(work: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const b0 = besideClock();
  depth += 1;
  try {
    return await work();
  } finally {
    depth -= 1;
    if (depth === 0) browserMs += Date.now() - t0 - (besideClock() - b0);
  }
}

/** Debian's Chromium (QUILT_E2E_CHROMIUM to use another). */
function chromiumPath(): string {
  const path = process.env.QUILT_E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install Debian's package (apt-get install chromium) or set QUILT_E2E_CHROMIUM to a Chromium binary`);
  return path;
}

/**
 * The worker's browser: one Chromium with a profile of its own (a temporary folder, removed when
 * the browser closes), as a person's browser keeps one. Its disk caches keep the app's files and
 * their compiled code between pages, so that a page after the first two loads the app in about
 * half the time; an incognito context compiles the app's megabytes of script on every page.
 */
function theBrowser(): Promise<BrowserContext> {
  browser ??= (async () => {
    const profile = await mkdtemp(join(tmpdir(), 'quilt-e2e-browser-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(), args: process.getuid?.() === 0 ? ['--no-sandbox'] : [], timeout: 60_000, acceptDownloads: true,
    }).catch(async (e: unknown) => { await rm(profile, { recursive: true, force: true }); throw e; });
    return { context, profile };
  })();
  const b = browser;
  b.catch(() => { if (browser === b) browser = undefined; });
  return b.then((x) => x.context);
}

export async function closeCatalogBrowser(): Promise<void> {
  const b = browser;
  browser = undefined;
  await closeKeptPages();
  // The pages loading ahead close with the browser (their loading then answers undefined).
  warm.clear();
  sessions.clear();
  expiries.clear();
  const open = await b?.catch(() => undefined);
  if (!open) return;
  await open.context.close().catch(() => undefined);
  await rm(open.profile, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * The worker's pages share one localStorage (one profile): a page's app reads the session its page
 * put there (pageWith) when it starts, and a sign-in writes the session there. So pages start —
 * until the app has loaded and read its session — and sign-ins write one at a time
 * (`oneAtATime`), even when a page loads ahead in the background (warmUp).
 */
let starting: Promise<void> = Promise.resolve();
async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const before = starting;
  let release!: () => void;
  starting = new Promise((resolve) => { release = resolve; });
  await before;
  try {
    return await work();
  } finally {
    release();
  }
}

/** A new page of the worker's browser that starts with this session, whatever the page before it left (the app's session in localStorage is put back, or removed, before the app runs). Only inside oneAtATime. */
async function pageWith(session: Session, origin: string): Promise<Page> {
  const page = await (await theBrowser()).newPage();
  await page.addInitScript(`if (location.origin === ${JSON.stringify(origin)}) {
    ${session === null ? "localStorage.removeItem('TOKENS'); localStorage.removeItem('USER');"
    : `localStorage.setItem('TOKENS', ${JSON.stringify(session.tokens)}); ${session.user === null ? "localStorage.removeItem('USER');" : `localStorage.setItem('USER', ${JSON.stringify(session.user)});`}`}
  }`);
  return page;
}

/**
 * The page's visible text, that of its components' shadow trees included (a table preview draws its
 * grid in one), each after the page's own text. Evaluated in the page, hence a string.
 */
const textOf = (page: Page): Promise<string> => page.evaluate<string>(`(() => {
  const parts = [document.body.innerText];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (!el.shadowRoot) continue;
      for (const child of el.shadowRoot.children) if (!/^(STYLE|SCRIPT|TEMPLATE)$/.test(child.tagName) && typeof child.innerText === 'string' && child.innerText.trim()) parts.push(child.innerText);
      visit(el.shadowRoot);
    }
  };
  visit(document);
  return parts.join('\\n');
})()`);

/** Whether a page's text shows `t` (a text in it, or a match). */
const showsIn = (text: string, t: string | RegExp): boolean => (typeof t === 'string' ? text.includes(t) : t.test(text));

/** The app's labels are not tied to their inputs: a field is the input beside its label's text. */
export const fieldOf = (page: Page | Locator) => (label: string) => page.locator(`div:has(> label:text-is("${label}")) input`);

/** What a part of a page (a dialog, the body) says, on one line and shortened: for an error message. */
export const saysOf = async (at: Locator, max = 400): Promise<string> => (await at.innerText().catch(() => '(gone)')).replace(/\s+/g, ' ').slice(0, max);

/** What the app says once a password is set with a link. */
const PASSWORD_SET = 'Your password has been changed';

export class CatalogApp {
  constructor(
    private readonly endpoints: { catalogUrl: string; registryUrl: string; browserS3Proxy?: string },
    private readonly signIn: SignIn,
    /** keepWarm: a persona's sign-in, used scenario after scenario, keeps a page of the app loaded ahead (warmUp). */
    private readonly options: { keepWarm?: boolean; timeoutMs?: number } = {},
  ) {}

  private get timeoutMs(): number { return this.options.timeoutMs ?? 20_000; }

  /**
   * A stack whose S3 is not AWS: the links the app signs for S3's AWS hosts (its download links)
   * go to the stack's S3 proxy instead, as AWS_ENDPOINT_URL_S3 sends a program's requests — the
   * proxy checks their signatures as S3 would.
   */
  private async routeS3(page: Page, answered: S3Answers): Promise<void> {
    const proxy = this.endpoints.browserS3Proxy;
    if (!proxy) return;
    await page.route(/^https:\/\/([^/]+\.)?s3(\.[a-z0-9-]+)?\.amazonaws\.com\//, async (route) => {
      const target = s3ProxyUrl(route.request().url(), proxy);
      if (!target) return route.abort();
      const response = await route.fetch({ url: target, timeout: this.timeoutMs });
      answered.record(route.request().url(), response.status(), await response.body());
      return route.fulfill({ response });
    });
  }

  private get origin(): string { return new URL(this.endpoints.catalogUrl).origin; }

  /** Which sign-in this is: one session per key and worker. */
  private get key(): string {
    if ('username' in this.signIn) return `${this.endpoints.catalogUrl}|form:${this.signIn.username}`;
    // A persona's tokens (a new one each scenario where the suite mints them) are one sign-in: their
    // user's. Any other token is a sign-in of its own (an expired or forged one is not the user's).
    const c = claimsOf(this.signIn.token);
    return `${this.endpoints.catalogUrl}|token:${this.options.keepWarm && c.sub ? `${c.iss ?? ''}|${c.sub}` : this.signIn.token}`;
  }

  /**
   * The session of this sign-in, made once per worker and kept: every page of this sign-in starts
   * with it, as the sign-in left it, so a page that signed the user out does not carry over to the
   * next one. A session within 5 minutes of its expiry is made again (its pages closed).
   */
  private session(): Promise<Session> {
    const key = this.key;
    let s = sessions.get(key);
    if (s && (expiries.get(key) ?? Infinity) < Date.now() / 1000 + 300) {
      sessions.delete(key);
      dropPagesOf(key);
      s = undefined;
    }
    if (!s) {
      s = this.makeSession();
      sessions.set(key, s);
      s.then((made) => { const exp = expiryOf(made); if (exp) expiries.set(key, exp); }, () => sessions.delete(key));
    }
    return s;
  }

  private async makeSession(): Promise<Session> {
    if (!('username' in this.signIn)) {
      // The app's own session: what it stores after a sign-in (its token and the user /api/me describes).
      const token = this.signIn.token;
      const claims = claimsOf(token);
      const exp = claims.exp ?? Math.floor(Date.now() / 1000) + 3600;
      const me = await fetch(`${this.endpoints.registryUrl}/api/me`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(this.timeoutMs) });
      // A user the registry no longer takes (deactivated, deleted) still has the session they signed in with: the app is to find out.
      const user = me.status === 200 ? await me.json() as Record<string, unknown> : { current_user: claims.sub ?? claims.id ?? 'unknown', email: '', is_staff: false, is_active: true };
      return { tokens: JSON.stringify({ token, exp }), user: JSON.stringify(user) };
    }
    // The app's sign-in form, in a signed-out page; the session is what the app kept.
    // The first page of a worker loads the whole app into a new browser: it may take longer than a page.
    const signedIn = await this.start(null, `${this.endpoints.catalogUrl}/signin`, Math.max(this.timeoutMs, 60_000));
    try {
      const session = await this.signInWithForm(signedIn.page);
      // Signed in, the person goes on in this page (the app's home): the next page of this sign-in is reached from it inside the app.
      kept.set(this.key, signedIn);
      return session;
    } catch (e) {
      await signedIn.page.close().catch(() => undefined);
      throw e;
    }
  }

  /** A new page with `session` that has loaded `url` (the app started and read its session), watched from its first request; closed if it fails to load. */
  private start(session: Session, url: string, timeoutMs: number): Promise<Kept> {
    return oneAtATime(async () => {
      const page = await pageWith(session, this.origin);
      // A new tab comes to the front: the page a view works on goes back there.
      if (working && !working.isClosed()) await working.bringToFront().catch(() => undefined);
      const watch = watched(page, this.endpoints.browserS3Proxy);
      try {
        await page.goto(url, { timeout: timeoutMs });
      } catch (e) {
        await page.close().catch(() => undefined);
        throw e;
      }
      return { ...watch, page, shown: undefined };
    });
  }

  /** Signs in with the app's form on `page` (at the sign-in page); answers the session the app kept. */
  private async signInWithForm(page: Page): Promise<NonNullable<Session>> {
    if (!('username' in this.signIn)) throw new Error('the sign-in form takes a username and a password, and this sign-in is a token');
    const { username, password } = this.signIn;
    const field = fieldOf(page);
    await field('Username or email').fill(username, { timeout: Math.max(this.timeoutMs, 60_000) });
    await field('Password').fill(password);
    // The app writes the session it is given: while no other page starts, from none (a page that
    // started meanwhile has put its own there).
    return oneAtATime(async () => {
      await page.evaluate("localStorage.removeItem('TOKENS'); localStorage.removeItem('USER')");
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForFunction("localStorage.getItem('TOKENS') !== null", undefined, { timeout: this.timeoutMs })
        .catch(async () => { throw new Error(`the catalog's sign-in form did not sign ${username} in; the page says: ${(await textOf(page)).slice(0, 300)}`); });
      return await page.evaluate<{ tokens: string; user: string | null }>("({ tokens: localStorage.getItem('TOKENS'), user: localStorage.getItem('USER') })");
    });
  }

  /**
   * The first sign-in of a user with a link from a mail (an invitation, a reset): as a person, in a
   * signed-out page, the app's page at the link, the password typed twice, then the page's "sign in"
   * link and the sign-in form. From then on the pages of this sign-in start with that session.
   * Answers the picture of the page that said the password was set; throws with what a page said otherwise.
   */
  async setPasswordThenSignIn(link: string): Promise<Buffer> {
    if (!('username' in this.signIn)) throw new Error('a password is set for a sign-in with a username and a password, and this sign-in is a token');
    const { password } = this.signIn;
    let picture: Buffer | undefined;
    const session = inBrowser(async () => {
      const watch = await this.start(null, link, Math.max(this.timeoutMs, 60_000));
      const page = watch.page;
      let signedIn = false;
      try {
        const field = fieldOf(page);
        await field('New password').fill(password, { timeout: this.timeoutMs });
        await field('Re-enter your new password').fill(password, { timeout: this.timeoutMs });
        await page.getByRole('button', { name: /change password/i }).click({ timeout: this.timeoutMs });
        await page.getByText(PASSWORD_SET).waitFor({ timeout: this.timeoutMs })
          .catch(async () => { throw new Error(`the app did not say the password was set; the page at ${link.replace(/[^/]+$/, '<token>')} says: ${(await textOf(page)).replace(/\s+/g, ' ').slice(0, 300)}`); });
        picture = await page.screenshot({ type: 'jpeg', quality: 60 });
        await page.getByRole('link', { name: /^sign in$/i }).click({ timeout: this.timeoutMs });
        const signedInAs = await this.signInWithForm(page);
        // Signed in, the person goes on in this page: the next page of this sign-in is reached inside the app.
        kept.set(this.key, { ...watch, page, shown: PASSWORD_SET });
        signedIn = true;
        return signedInAs;
      } finally {
        if (!signedIn) await page.close().catch(() => undefined);
      }
    });
    sessions.set(this.key, session);
    session.catch(() => sessions.delete(this.key));
    await session;
    return picture!;
  }

  /** Signs in now (the sign-in form, or the token handed to the app), as the pages opened next will be; throws with what the app said if it refused. */
  async signInNow(): Promise<void> {
    await inBrowser(() => this.session());
  }

  /**
   * Opens `url` signed in, and waits until the page shows one of the outcomes — its text and
   * everything `withIt` names (pages fill in part by part) — or the deadline passes; answers what
   * it shows. A page that shows none of them is answered too: the caller says what it expected.
   * `then` runs on the page once an outcome showed (e.g. a download), before the page is closed.
   */
  open<T = undefined>(url: string, outcomes: Outcome[], then?: (page: Page, s3: S3Answers) => Promise<T>): Promise<PageView & { then?: T }> {
    return inBrowser(() => this.view(url, outcomes, then));
  }

  private async view<T>(url: string, outcomes: Outcome[], then?: (page: Page, s3: S3Answers) => Promise<T>): Promise<PageView & { then?: T }> {
    // The page this sign-in left open (a visit, its sign-in) goes on to the next URL inside the app.
    // Else the page loaded ahead for this sign-in (warmUp), else a new page that loads the app.
    const session = await this.session();
    const held = then ? undefined : takeKept(this.key);
    const ahead = held ? undefined : await takeWarm(this.key);
    const t0 = Date.now();
    const watch = held ?? ahead ?? await this.start(session, url, this.timeoutMs);
    const page = watch.page;
    // The browser's front tab: a tab behind others (a page loaded ahead, opened later) gets few frames, and every click waits for one.
    await page.bringToFront();
    working = page;
    pagesOpened += 1;
    // The requests of the pages before on a held page were checked with them; a page loaded ahead answers for its own with this one.
    if (held?.shown !== undefined) watch.offsite.length = 0;
    let keep = false;
    const answered = new S3Answers();
    try {
      if (held || ahead) await this.followInApp(page, held?.shown, url);
      const loaded = Date.now() - t0;
      let matched: string | RegExp | undefined;
      let text = '';
      // The deadline counts the stack's working time (a still of the whole machine is left out).
      const waiting = Date.now();
      const shows = (t: string | RegExp): boolean => showsIn(text, t);
      while (matched === undefined && workingMsSince(waiting) < this.timeoutMs) {
        text = await textOf(page);
        matched = outcomes.find((o) => shows(o.shows) && (o.withIt ?? []).every(shows))?.shows;
        if (matched === undefined) await page.waitForTimeout(75);
      }
      const shown = Date.now() - t0;
      // What the page shows once it has settled: pages keep filling in after their first text.
      await watch.quiet(200, 600);
      text = await textOf(page);
      const settled = Date.now() - t0;
      // JPEG: a page's picture for the report at a fraction of a PNG's size.
      const screenshot = await page.screenshot({ type: 'jpeg', quality: 60 });
      // Routing turns the browser's HTTP cache off (Playwright): only for what follows a link to S3 (`then`), once the page has loaded.
      if (matched !== undefined && then) await this.routeS3(page, answered);
      const after = matched !== undefined && then ? await then(page, answered) : undefined;
      if (visiting && !then && matched !== undefined) {
        kept.set(this.key, { ...watch, page, shown: matched, rewarm: () => this.warmUp(url) });
        keep = true;
      }
      return { url: page.url(), text, matched, screenshot, offsite: [...watch.offsite], timings: { loaded, shown, settled }, ...(after !== undefined ? { then: after } : {}) };
    } finally {
      if (working === page) working = undefined;
      if (!keep) {
        await page.close();
        this.warmUp(url);
      }
      if (process.env.DEBUG_PAGES) console.error(`${new Date().toISOString()} page ${url} (${held ? 'in the visit\'s page' : ahead ? 'from the page loaded ahead' : 'a new page'}): ${Date.now() - t0} ms`);
    }
  }

  /**
   * For a persona's sign-in (keepWarm), once its page is done: a new page of this sign-in loads the
   * app in the background, at a page of nothing in the bucket of `lastUrl` (the app's "Nothing
   * here"), and the next page of this sign-in goes on from it inside the app — as a person keeps
   * the catalog open in a tab. It has fetched nothing but what the app needs to start (its
   * configuration, the user, the bucket's settings): every page it goes on to fetches its own data.
   * (`lastUrl` outside any bucket: the bucket this sign-in opened last.)
   */
  /** Loads a page of this sign-in ahead (warmUp) in the bucket of `url`, unless one is loaded or loading: for a persona the run has not shown a page yet. */
  prepare(url: string): void {
    if (!takenOrLoading(this.key)) this.warmUp(url);
  }

  private warmUp(lastUrl: string): void {
    const bucket = bucketOf(new URL(lastUrl, this.endpoints.catalogUrl).pathname) ?? lastBucket.get(this.key);
    if (bucket) lastBucket.set(this.key, bucket);
    // Only in a bucket: from the app's "Nothing here" outside any bucket, it follows no link.
    if (!this.options.keepWarm || warm.has(this.key) || !browser || !bucket) return;
    const loading = (async (): Promise<Kept | undefined> => {
      const session = await this.session();
      if (!browser) return undefined; // closed meanwhile (the end of the run)
      // Just signed in with the form: that page (still showing nothing awaited) is the one ahead.
      const signedIn = kept.get(this.key);
      if (signedIn && signedIn.shown === undefined) {
        kept.delete(this.key);
        return signedIn;
      }
      const ahead = await this.start(session, `${this.origin}${bucket}/${BETWEEN_PAGES}`, this.timeoutMs);
      const page = ahead.page;
      try {
        // Started and signed in as this sign-in's user: the app names them in its menu (on its
        // "Nothing here", or on "Access Denied" for a user who may not read the bucket).
        const user = session?.user ? (JSON.parse(session.user) as { current_user?: string }).current_user : undefined;
        await page.waitForFunction(`(() => { const t = document.body.innerText.toLowerCase(); return t.includes(${JSON.stringify((user ?? NOTHING_HERE).toLowerCase())}); })()`, undefined, { timeout: this.timeoutMs, polling: 100 });
        return ahead;
      } catch (e) {
        if (process.env.DEBUG_PAGES) console.error(`${new Date().toISOString()} loading a page ahead at ${page.url()} failed (a new page will load instead): ${(e as Error).message.split('\n')[0]}`);
        await page.close().catch(() => undefined);
        return undefined;
      }
    })().catch(() => undefined);
    warm.set(this.key, loading);
  }

  /**
   * Goes on to `url` inside the app, as a person following a link does: the app's router (the
   * browser's history), no reload. First to a path the app does not know (its "Nothing here"), until what the page
   * showed (`shown`) is gone — so that nothing the next page is awaited for can come from this one.
   */
  private async followInApp(page: Page, shown: string | RegExp | undefined, url: string): Promise<void> {
    const target = new URL(url, this.endpoints.catalogUrl);
    if (target.origin !== this.origin) throw new Error(`${url} is not a page of the catalog at ${this.origin}`);
    const go = (path: string): Promise<void> => page.evaluate(`(() => { history.pushState(null, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate', { state: null })); })()`);
    // Within the bucket of the next page (else of this one, else the one this sign-in opened last):
    // the app keeps its bucket's state (leaving the bucket for a path outside it and coming back
    // loses it), and from its own "Nothing here" outside any bucket it follows no link — there, by
    // way of its home page.
    const bucket = bucketOf(target.pathname) ?? bucketOf(new URL(page.url()).pathname) ?? lastBucket.get(this.key);
    await go(bucket ? `${bucket}/${BETWEEN_PAGES}` : '/');
    const leaving = Date.now();
    while (shown !== undefined) {
      const text = await textOf(page);
      if (!showsIn(text, shown)) break;
      if (workingMsSince(leaving) > this.timeoutMs) throw new Error(`the app went on showing ${String(shown)} after leaving ${page.url()} for another page`);
      await page.waitForTimeout(100);
    }
    await go(`${target.pathname}${target.search}${target.hash}`);
  }
}

/** What is watched of a page: its requests that left this machine, and when its network is quiet. */
interface Watch {
  offsite: string[];
  /** Resolves once no request of the page has been in flight for `quietMs` (at most `maxMs`). */
  quiet(quietMs: number, maxMs: number): Promise<void>;
}

function watched(page: Page, s3Proxy: string | undefined): Watch {
  const offsite: string[] = [];
  let inFlight = 0;
  let lastChange = Date.now();
  page.on('request', (r) => {
    inFlight += 1; lastChange = Date.now();
    // Requests answered by the stack's S3 proxy (routeS3) stay on this machine.
    if (!/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(r.url()) && !(s3Proxy && s3ProxyUrl(r.url(), s3Proxy))) offsite.push(r.url());
    if (process.env.DEBUG_PAGES) console.error(new Date().toISOString(), r.method(), r.url().slice(0, 140));
  });
  const done = (): void => { inFlight = Math.max(0, inFlight - 1); lastChange = Date.now(); };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    offsite,
    async quiet(quietMs, maxMs) {
      const until = Date.now() + maxMs;
      while (Date.now() < until && !(inFlight === 0 && Date.now() - lastChange >= quietMs)) await page.waitForTimeout(50);
    },
  };
}

/** A page left open for the next page of its sign-in, with what it showed last (undefined: a page loaded ahead); `rewarm` once it is closed. */
type Kept = Watch & { page: Page; shown: string | RegExp | undefined; rewarm?: () => void };

/** A path the app does not know, and what it shows there. */
const BETWEEN_PAGES = 'quilt-e2e-between-pages';
const NOTHING_HERE = 'Nothing here';

/** `/b/<bucket>` of a path of the app, if it is in a bucket. */
const bucketOf = (path: string): string | undefined => /^\/b\/[^/]+/.exec(path)?.[0];

/** The bucket each sign-in opened last (`/b/<bucket>`), where its next page is loaded ahead. */
const lastBucket = new Map<string, string>();

/** The pages loaded ahead, by sign-in (warmUp): undefined when loading one failed. */
const warm = new Map<string, Promise<Kept | undefined>>();

/** Closes this sign-in's pages loaded ahead or kept (its session is made again). */
function dropPagesOf(key: string): void {
  const k = takeKept(key);
  void k?.page.close().catch(() => undefined);
  const w = warm.get(key);
  warm.delete(key);
  void w?.then((x) => x?.page.close().catch(() => undefined));
}

/** Whether this sign-in has a page loaded ahead (or loading), or one a visit keeps. */
const takenOrLoading = (key: string): boolean => warm.has(key) || kept.has(key);

/** The page loaded ahead for this sign-in, once it has loaded (undefined: none, or it failed or was closed). */
async function takeWarm(key: string): Promise<Kept | undefined> {
  const w = warm.get(key);
  warm.delete(key);
  const k = await w;
  return k && !k.page.isClosed() ? k : undefined;
}

/**
 * The pages left open, by sign-in: by a visit (oneVisit) for its next page, or by a sign-in that
 * goes on to the next page in the same one (setPasswordThenSignIn). The next page of that sign-in
 * takes it; the end of the visit, or of the scenario, closes what is left.
 */
const kept = new Map<string, Kept>();
let visiting = false;

function takeKept(key: string): Kept | undefined {
  const k = kept.get(key);
  kept.delete(key);
  return k;
}

/** Closes the pages left open that no page took over (at the end of a visit, of a scenario, of the run). */
export async function closeKeptPages(): Promise<void> {
  const left = [...kept.values()];
  kept.clear();
  await Promise.all(left.map((k) => k.page.close().catch(() => undefined)));
  for (const k of left) k.rewarm?.();
}

/**
 * Runs `pages` as one visit: the first page each sign-in opens loads the app, and every next one is
 * reached inside it, as a person clicks from page to page (the app's router: no reload). For pages
 * looked at together, at one moment: what the app fetched for one page may serve the next, as it
 * does for a person. Pages that follow links to S3 (`then`) still open on their own.
 */
export async function oneVisit<T>(pages: () => Promise<T>): Promise<T> {
  if (visiting) return pages();
  visiting = true;
  try {
    return await pages();
  } finally {
    visiting = false;
    await closeKeptPages();
  }
}

/** `<proxy>/<region>/<bucket>/<key>?<query>` for a URL of one of S3's AWS hosts, or undefined. */
export function s3ProxyUrl(url: string, proxy: string): string | undefined {
  const u = new URL(url);
  const virtual = /^(.+)\.s3(?:\.([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
  const pathStyle = /^s3(?:\.([a-z0-9-]+))?\.amazonaws\.com$/.exec(u.hostname);
  if (virtual) return `${proxy}/${virtual[2] ?? 'us-east-1'}/${virtual[1]}${u.pathname}${u.search}`;
  if (pathStyle) return `${proxy}/${pathStyle[1] ?? 'us-east-1'}${u.pathname}${u.search}`;
  return undefined;
}

/**
 * Follows the link named `name` (the app's download link: a presigned S3 URL) as the browser does,
 * and answers the bytes it gave: as S3 answered the browser (a stack whose S3 is not AWS), else as
 * the download or the page the browser opened.
 */
export function downloadVia(name: string | RegExp, timeoutMs = 20_000): (page: Page, s3: S3Answers) => Promise<Buffer> {
  return async (page, s3) => {
    const link = page.getByRole('link', { name }).first();
    const href = await link.getAttribute('href', { timeout: timeoutMs });
    if (!href) throw new Error(`the link ${String(name)} has no address`);
    const viaProxy = s3.answerTo(href, timeoutMs);
    // The saved file, not a stream: a stream still reading when the page closes fails outside any
    // promise (an 'error' event), while the saved file's promise just rejects.
    const asDownload: Promise<Buffer> = page.waitForEvent('download', { timeout: timeoutMs })
      .then(async (d) => readFile(await d.path()));
    // Whichever answers first; the other may still settle (or fail when the page closes): it is not waited for.
    const downloaded = asDownload.then((body) => ({ status: 200, body }));
    downloaded.catch(() => undefined);
    await link.click({ timeout: timeoutMs });
    const answered = await Promise.race([viaProxy, downloaded]).catch(() => undefined);
    if (!answered) throw new Error(`following the link ${String(name)} (${href.slice(0, 120)}...) gave nothing within ${timeoutMs} ms`);
    if (answered.status !== 200) throw new Error(`the download link answered HTTP ${answered.status}: ${answered.body.toString('utf8').slice(0, 300)}`);
    return answered.body;
  };
}
