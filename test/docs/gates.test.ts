/**
 * The CI gates fail for the right reason: bad feature files (and a bad step file) are written to a
 * temporary folder under tmp/ — never into features/ — and scripts/gherkin-gates.ts is run on them
 * as CI runs it, with cucumber's real dry run over the project's real step definitions.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, runScript, tempDir, write } from './helpers.js';
import { parseFeature } from '../../support/reporting/feature-files.js';
import { checkIndentation, checkNames, checkSleeps, checkTags, checkFlaky } from '../../support/reporting/gates.js';

const GATES = 'scripts/gherkin-gates.ts';
const tmp = tempDir('gates');
after(() => tmp.remove());

function listFeatures(): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [relative(ROOT, join(d, f))]));
  return walk(join(ROOT, 'features')).sort();
}
const featuresBefore = listFeatures();
after(() => assert.deepEqual(listFeatures(), featuresBefore, 'the gate tests must leave features/ as they found it'));

const UPLOAD = `    Given Dana has uploaded these files to the folder "data/":
      | name  | content |
      | a.csv | x,y\\n  |
`;

test('an undefined step fails the undefined gate, at its file:line, with a typed snippet to paste', () => {
  const dir = join(tmp.dir, 'undefined');
  write(join(dir, 'teleport.feature'), `@s3
Feature: Teleporting files

  Scenario: Dana teleports a file to another bucket
${UPLOAD}    When Dana teleports "data/a.csv" to the moon within 5 minutes
    Then the listing of "data/" shows exactly these files:
      | name  | size |
      | a.csv | 4    |
`);
  const r = runScript(GATES, ['--features', join(tmp.rel, 'undefined'), '--skip', 'unused']);
  assert.equal(r.status, 1, r.out);
  const uri = `${tmp.rel}/undefined/teleport.feature`;
  assert.match(r.stdout, new RegExp(`^${uri}:8 +\\[undefined\\] no step definition matches this step: When Dana teleports "data/a\\.csv" to the moon within 5 minutes$`, 'm'));
  assert.match(r.stdout, /fix: use a phrase from docs\/step-glossary\.md/);
  assert.match(r.stdout, /When\('\{persona\} teleports \{string\} to the moon within \{duration\}', async function \(this: QuiltWorld, persona: PersonaRole, string: string, duration: number/);
  assert.match(r.stdout, /^gates: FAILED — undefined: 1 \(/m);
  assert.doesNotMatch(r.stdout, /\[(tags|indentation|names|sleeps|ambiguous)\]/, 'only the undefined step is wrong in this file');
});

test('an undefined step in a @wip scenario is a note, not a failure', () => {
  const dir = join(tmp.dir, 'wip');
  write(join(dir, 'future.feature'), `@s3
Feature: Things to come

  @wip
  Scenario: Dana archives a folder
${UPLOAD}    When Dana archives the folder "data/"
    Then the listing of "data/" shows exactly these files:
      | name | size |
`);
  const r = runScript(GATES, ['--features', join(tmp.rel, 'wip'), '--skip', 'unused']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, new RegExp(`^${tmp.rel}/wip/future.feature:9 +\\[undefined\\] \\(note\\) no step definition matches this step \\(in a @wip scenario: allowed until the tag is removed\\): When Dana archives the folder "data/"$`, 'm'));
  assert.match(r.stdout, /^gates: passed with 1 note\(s\)/m);
});

test('an unknown tag fails the tags gate, naming the tag, its place and the closest known tag', () => {
  const dir = join(tmp.dir, 'tags');
  write(join(dir, 'tagged.feature'), `@s3 @smokey
Feature: Tagged badly

  @performance @nightly
  Scenario: A listing shows the uploaded file
${UPLOAD}    When Dana lists the folder "data/"
    Then the listing of "data/" shows exactly these files:
      | name  | size |
      | a.csv | 4    |
`);
  const r = runScript(GATES, ['--features', join(tmp.rel, 'tags'), '--skip', 'unused']);
  assert.equal(r.status, 1, r.out);
  const uri = `${tmp.rel}/tags/tagged.feature`;
  assert.match(r.stdout, new RegExp(`^${uri}:1:5 +\\[tags\\] unknown tag @smokey \\(did you mean @smoke\\?\\)$`, 'm'));
  assert.match(r.stdout, new RegExp(`^${uri}:4:16 +\\[tags\\] unknown tag @nightly$`, 'm'));
  assert.match(r.stdout, /fix: use a tag of the vocabulary \(@s3 @registry .*\); a new tag is added, with its meaning, in support\/reporting\/tags\.ts/);
  assert.match(r.stdout, /^gates: FAILED — tags: 2 \(/m);
});

test('fixed waits, bad indentation, duplicate names and @flaky without a link each fail their gate', () => {
  const dir = join(tmp.dir, 'style');
  write(join(dir, 'a.feature'), `@s3
Feature: Badly written

  Scenario: The listing shows the file
${UPLOAD}    When Dana lists the folder "data/"
     Then the listing of "data/" shows exactly these files:
      | name  | size |
      | a.csv | 4    |

  @flaky
  Scenario: The listing shows the file
${UPLOAD}    And Dana waits 5 seconds
    When Dana lists the folder "data/"
`);
  write(join(dir, 'b.feature'), `@s3
Feature: Also badly written

    Scenario: the listing shows  the FILE
${UPLOAD.replace(/^ {4}/gm, '      ')}      When Dana lists the folder "data/"
`);
  const r = runScript(GATES, ['--features', join(tmp.rel, 'style'), '--skip', 'unused', '--skip', 'undefined']);
  assert.equal(r.status, 1, r.out);
  const a = `${tmp.rel}/style/a.feature`;
  const b = `${tmp.rel}/style/b.feature`;
  assert.match(r.stdout, new RegExp(`^${a}:9:6 +\\[indentation\\] the step "Then the listing of "data/" shows exactly these files:" starts at column 6, expected column 5 \\(2 spaces deeper than the Scenario at line 4\\)$`, 'm'));
  assert.match(r.stdout, /fix: start it at column 5 \(4 spaces\): two spaces per level/);
  assert.match(r.stdout, new RegExp(`^${a}:13:3 +\\[flaky\\] @flaky on "The listing shows the file" without a link to the issue that explains it$`, 'm'));
  assert.match(r.stdout, new RegExp(`^${a}:14 +\\[names\\] the scenario name "The listing shows the file" is already used at line 4 of this feature$`, 'm'));
  assert.match(r.stdout, new RegExp(`^${a}:18:14 +\\[sleeps\\] a fixed wait \\("waits 5 seconds"\\) in: And Dana waits 5 seconds$`, 'm'));
  assert.match(r.stdout, /fix: state the outcome instead and let its step poll until a deadline with eventually\(\)/);
  assert.match(r.stdout, new RegExp(`^${b}:4:5 +\\[indentation\\] "Scenario: the listing shows  the FILE" starts at column 5, expected column 3 \\(2 spaces deeper than "Feature:"\\)$`, 'm'));
  assert.equal(r.stdout.match(new RegExp(`^${b}:\\d+:\\d+ +\\[indentation\\]`, 'gm'))?.length, 1, 'steps that follow a misplaced scenario consistently are not reported again');
  assert.match(r.stdout, new RegExp(`^${b}:4 +\\[names\\] the scenario name "the listing shows  the FILE" is already used in ${a}:4$`, 'm'));
  assert.match(r.stdout, /^gates: FAILED — /m);
});

test('an unused and a competing step definition fail the unused and ambiguous gates at their definitions', () => {
  const dir = join(tmp.dir, 'steps');
  write(join(dir, 'extra.steps.ts'), `import { Given, When } from '@cucumber/cucumber';

Given('a phrase no feature uses', function () {});

When('{persona} lists the folder {string}', function (_persona: string, _folder: string) {});
`);
  write(join(dir, 'uses.feature'), `@s3
Feature: Listing

  Scenario: The listing shows the file
${UPLOAD}    When Dana lists the folder "data/"
    Then the listing of "data/" shows exactly these files:
      | name  | size |
      | a.csv | 4    |
`);
  const steps = `${tmp.rel}/steps/extra.steps.ts`;
  const r = runScript(GATES, ['--features', join(tmp.rel, 'steps'), '--import', steps]);
  assert.equal(r.status, 1, r.out);
  // On a mismatch, the lines that matter (the full output lists every other unused step of the suite).
  const relevant = `${r.stdout.split('\n').filter((l) => /extra\.steps|uses\.feature|^gates:/.test(l)).join('\n')}\nstderr: ${r.stderr.slice(0, 2000)}`;
  assert.match(r.stdout, new RegExp(`^${steps}:3 +\\[unused\\] the step definition "a phrase no feature uses" is used by no feature$`, 'm'), relevant);
  assert.match(r.stdout, new RegExp(`^${tmp.rel}/steps/uses.feature:8 +\\[ambiguous\\] 2 step definitions match this step, so cucumber cannot tell which to run: When Dana lists the folder "data/"$`, 'm'), relevant);
  assert.match(r.stdout, /^ +step_definitions\/s3\.steps\.ts:\d+ +\{persona\} lists the folder \{string\}$/m, relevant);
  assert.match(r.stdout, new RegExp(`^ +${steps}:5 +\\{persona\\} lists the folder \\{string\\}$`, 'm'), relevant);
});

test('a file that is not Gherkin fails the parse gate with its line', () => {
  const dir = join(tmp.dir, 'parse');
  write(join(dir, 'broken.feature'), `Feature: Broken

  Scenario: A table row without its closing bar
    Given Dana has uploaded these files to the folder "data/":
      | name  | content |
      | a.csv |
`);
  const r = runScript(GATES, ['--features', join(tmp.rel, 'parse'), '--skip', 'unused']);
  assert.equal(r.status, 1, r.out);
  assert.match(r.stdout, new RegExp(`^${tmp.rel}/parse/broken.feature:6:7 +\\[parse\\] not valid Gherkin: inconsistent cell count within the table`, 'm'));
  assert.match(r.stdout, /the undefined, ambiguous and unused gates need valid Gherkin: fix the parse errors first/);
});

test('a well-written feature passes every gate', () => {
  const dir = join(tmp.dir, 'good');
  write(join(dir, 'good.feature'), `@s3 @smoke
Feature: Listing a folder
  Dana sees what a folder holds.

  Background:
${UPLOAD}
  Rule: A listing shows every file

    @integration
    Scenario: The listing shows the uploaded file with its size
      When Dana lists the folder "data/"
      Then the listing of "data/" shows exactly these files:
        | name  | size |
        | a.csv | 4    |
`);
  const r = runScript(GATES, ['--features', join(tmp.rel, 'good'), '--skip', 'unused']);
  assert.equal(r.status, 0, r.out);
  assert.match(r.stdout, /^gates: passed \(1 feature file\(s\), 1 scenario\(s\), \d+ step definition\(s\); 8 gate\(s\) in \d+ ms\)$/m);
});

test('the gates as functions: messages name the place, the problem and the fix', () => {
  const f = parseFeature('features/x/y.feature', `@s3 @Smoke
Feature: F
  Scenario: One
    When Dana sleeps for 2 minutes
  Scenario: One
    Then Dana waits a moment
  # flaky: https://example.org/issues/1 (index lag)
  @flaky
  Scenario: Two
    Given Dana has uploaded these files to the folder "d":
        | a |
`);
  assert.deepEqual(checkTags([f]).map((p) => [p.line, p.column, p.what]), [[1, 5, 'unknown tag @Smoke (did you mean @smoke?)']]);
  assert.deepEqual(checkSleeps([f]).map((p) => [p.line, p.what]), [
    [4, 'a fixed wait ("sleeps for 2 minutes") in: When Dana sleeps for 2 minutes'],
    [6, 'a fixed wait ("waits a moment") in: Then Dana waits a moment'],
  ]);
  assert.deepEqual(checkNames([f]).map((p) => [p.line, p.what]), [[5, 'the scenario name "One" is already used at line 3 of this feature']]);
  assert.deepEqual(checkFlaky([f]), [], 'a @flaky scenario with a linked comment above its tags passes');
  assert.deepEqual(checkIndentation([f]).map((p) => [p.line, p.what]), [[11, 'a table row starts at column 9, expected column 7 (2 spaces deeper than its step at line 10)']]);
  const ok = parseFeature('features/x/z.feature', 'Feature: Z\n  Scenario: A link valid for 5 minutes is shared\n    When Dana shares "a" with a link valid for 5 minutes\n');
  assert.deepEqual(checkSleeps([ok]), [], 'a duration that is not a wait is fine');
});
