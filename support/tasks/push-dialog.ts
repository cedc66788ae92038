/**
 * Quilt's canary "package push in the UI": a person pushes a package with the web catalog's
 * creation dialog, choosing files from their own computer (a folder of the scenario's), in a real
 * browser; then quilt3 reads the package, and every file is the one chosen, byte for byte in S3,
 * with the message typed — checked by quilt3 (which recomputes the top hash) and by an independent
 * SHA-256 of the chosen bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { saysOf } from '../adapters/catalog-app.js';
import { chunkedSha256 } from '../oracles/checksums.js';
import { quilt3Oracle } from '../oracles/quilt3.js';
import { unescapeCell } from '../text.js';
import type { PersonaRole } from '../target.js';
import type { QuiltWorld } from '../../world/quilt-world.js';
import { viewPage } from './catalog-pages.js';
import { ownPackage } from './packages.js';

/** How long the dialog may take from "Create" to saying the package was created (uploads, hashing in the browser, the push). */
const PUSH_DEADLINE_MS = 60_000;
const STEP_MS = 20_000;
/** What the dialog says once the package is pushed (Quilt's catalog of quilt3-local 2.0.0; later releases). */
const PUSHED = /successfully created|Push complete/;
/** The packages page's button (drawn in capitals). */
const CREATE = /Create package/i;

/** Given: files on the persona's own computer (a folder of the scenario's, removed afterwards). */
export function filesOnComputer(world: QuiltWorld, rows: Array<{ name: string; content: string }>): void {
  const dir = mkdtempSync(join(tmpdir(), `quilt-e2e-${world.scenarioId}-`));
  world.ledger.register(`local folder ${dir}`, async () => { rmSync(dir, { recursive: true, force: true }); });
  world.memory.localFiles = rows.map((r) => {
    const path = join(dir, r.name);
    const bytes = Buffer.from(unescapeCell(r.content), 'utf8');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return { name: r.name, path, bytes };
  });
}

/** The persona pushes the package in the catalog's creation dialog: its name, the message, the files chosen from their computer. */
export async function pushInDialog(world: QuiltWorld, persona: PersonaRole, featureName: string, message: string): Promise<void> {
  const name = world.packageName(featureName);
  ownPackage(world, name);
  const files = world.memory.localFiles;
  const url = `${world.target.catalog!.catalogUrl}/b/${encodeURIComponent(world.bucket)}/packages/`;
  const view = await viewPage(world, persona, url, [{ shows: CREATE }], async (page) => {
    await page.getByRole('button', { name: 'Create package' }).first().click({ timeout: STEP_MS });
    await page.getByPlaceholder('e.g. user/package').fill(name, { timeout: STEP_MS });
    await page.getByPlaceholder('Enter a commit message').fill(message, { timeout: STEP_MS });
    const chooser = page.waitForEvent('filechooser', { timeout: STEP_MS });
    await page.getByText('Drop files here or click to browse').click({ timeout: STEP_MS });
    await (await chooser).setFiles(files.map((f) => f.path));
    for (const f of files) await page.getByText(f.name, { exact: true }).first().waitFor({ timeout: STEP_MS });
    await page.getByRole('button', { name: 'Create', exact: true }).click({ timeout: STEP_MS });
    await page.getByText(PUSHED).first().waitFor({ timeout: PUSH_DEADLINE_MS })
      .catch(async () => { throw new Error(`the dialog did not say the package was created within ${PUSH_DEADLINE_MS} ms; the page says: ${await saysOf(page.locator('body'), 500)}`); });
    return page.screenshot({ type: 'jpeg', quality: 60 });
  });
  expect(view.matched, `the packages page of the bucket shows: ${view.text.replace(/\s+/g, ' ').slice(0, 400)}`).to.equal(CREATE);
  world.attach(view.then!, 'image/jpeg');
}

/** quilt3 reads the latest revision: exactly the chosen files, each byte for byte in S3 and hashed as its bytes hash, with the message typed. */
export async function expectPushedFromDialog(world: QuiltWorld, featureName: string, message: string): Promise<void> {
  const pkg = await quilt3Oracle(world.target).browse(world.packageName(featureName));
  const files = world.memory.localFiles;
  expect(pkg.message, 'the revision\'s message').to.equal(message);
  expect(pkg.entries.map((e) => e.logicalKey).sort(), 'the files of the revision').to.deep.equal(files.map((f) => f.name).sort());
  for (const f of files) {
    const e = pkg.entries.find((x) => x.logicalKey === f.name)!;
    const stored = Buffer.from(await world.objects('admin').bytes(e.physicalKey));
    expect(stored.equals(f.bytes), `${f.name} in S3 (${e.physicalKey}) is the file chosen, byte for byte`).to.equal(true);
    expect(e.size, `${f.name}'s size in the manifest`).to.equal(f.bytes.length);
    // The app hashes in the browser, in one of quilt3's two kinds.
    const expected = e.hashType === 'SHA256' ? createHash('sha256').update(f.bytes).digest('hex') : chunkedSha256(f.bytes);
    expect(e.hashType, `${f.name}'s kind of hash`).to.be.oneOf(['SHA256', 'sha2-256-chunked']);
    expect(e.hashValue, `${f.name}'s hash in the manifest (${e.hashType})`).to.equal(expected);
  }
}
