/** The measurement convention of @performance scenarios: what is accepted, and what is refused with which reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFigure, measurementsOf, MEASUREMENT_MEDIA_TYPE, parseMeasurement, verdict } from '../../support/reporting/measurements.js';

test('a measurement is parsed from its JSON body, plain or base64, keeping only the known fields', () => {
  const body = '{"name":"push a package","value":1.23,"unit":"s","budget":5,"target":"local","extra":true}';
  const m = { name: 'push a package', value: 1.23, unit: 's', budget: 5, target: 'local' };
  assert.deepEqual(parseMeasurement(body), m);
  assert.deepEqual(parseMeasurement(Buffer.from(body).toString('base64'), 'BASE64'), m);
  assert.deepEqual(parseMeasurement('{"name":"n","value":0,"unit":"ms"}'), { name: 'n', value: 0, unit: 'ms' });
});

test('a malformed measurement is refused with the reason', () => {
  assert.throws(() => parseMeasurement('not json'), /^MeasurementError: not JSON/);
  assert.throws(() => parseMeasurement('[1]'), /must be a JSON object/);
  assert.throws(() => parseMeasurement('{"value":1,"unit":"s"}'), /"name" must be a non-empty string/);
  assert.throws(() => parseMeasurement('{"name":"x","value":"fast","unit":"s"}'), /"value" of "x" must be a finite number, not "fast"/);
  assert.throws(() => parseMeasurement('{"name":"x","value":1}'), /"unit" of "x" must be a non-empty string/);
  assert.throws(() => parseMeasurement('{"name":"x","value":1,"unit":"s","budget":"5"}'), /"budget" of "x" must be a finite number when given, not "5"/);
});

test('among attachments only measurements count, and malformed ones are reported, not dropped silently', () => {
  const found = measurementsOf([
    { mediaType: 'text/x.cucumber.log+plain', body: 'cleanup removed: 3 objects' },
    { mediaType: MEASUREMENT_MEDIA_TYPE, body: '{"name":"a","value":6,"unit":"s","budget":5}' },
    { mediaType: MEASUREMENT_MEDIA_TYPE, body: '{"name":"b"}' },
  ]);
  assert.deepEqual(found.measurements, [{ name: 'a', value: 6, unit: 's', budget: 5 }]);
  assert.deepEqual(found.problems, ['malformed measurement attachment: "value" of "b" must be a finite number, not undefined']);
  assert.equal(verdict(found.measurements[0]!), 'over budget');
  assert.equal(verdict({ name: 'c', value: 5, unit: 's', budget: 5 }), 'within budget');
  assert.equal(verdict({ name: 'd', value: 5, unit: 's' }), 'no budget');
  assert.deepEqual([formatFigure(1.23456, 's'), formatFigure(0.0534, 's'), formatFigure(12.345, 'MB/s'), formatFigure(1234.5, 'ms')], ['1.23 s', '0.053 s', '12.3 MB/s', '1235 ms']);
});

test('the browser\'s share of a run: its scenarios against their budget, the suite\'s growth against its own', async () => {
  const { browserFigures, browserShare, describeBrowserShare } = await import('../../support/reporting/browser-figures.js');
  assert.equal(browserShare([{ ms: 5000, measurements: [] }]), undefined, 'no page opened: no share');
  const share = browserShare([
    { ms: 12_000, measurements: browserFigures(12_000, 6_000, 'local') },
    { ms: 4_000, measurements: browserFigures(4_000, 1_000, 'local') },
    { ms: 34_000, measurements: [] },
  ])!;
  assert.deepEqual(share, { scenarios: 2, overBudget: 1, inBrowserS: 7, allScenariosS: 50, growth: 7 / 43 });
  assert.match(describeBrowserShare(share), /2 scenarios opened catalog pages, 1 of them over 10 s; 7\.0 s in the browser of 50\.0 s of scenarios: this run's scenarios take 16 % longer for it \(budget 25 %: within\)/);
  assert.match(describeBrowserShare({ ...share, growth: 0.3 }), /take 30 % longer for it \(budget 25 %: OVER\)/);
});

test('the browser\'s share of the whole suite: each run\'s browser seconds over its workers, against the runs\' wall time', async () => {
  const { wholeSuiteShare, describeWholeSuiteShare } = await import('../../support/reporting/browser-figures.js');
  assert.equal(wholeSuiteShare([]), undefined, 'no run: no share');
  const w = wholeSuiteShare([
    { name: 'the engine', wallS: 120, workers: 2, inBrowserS: 40 },
    { name: 'quilt-mcp: mcp', wallS: 80, workers: 1, inBrowserS: 10 },
  ])!;
  assert.deepEqual({ wallS: w.wallS, browserWallS: w.browserWallS, growth: w.growth }, { wallS: 200, browserWallS: 30, growth: 30 / 170 });
  const lines = describeWholeSuiteShare(w);
  assert.match(lines[0]!, /the engine: 120 s, 40\.0 s of its scenarios in the browser over 2 worker\(s\): about 20 s of its wall time/);
  assert.match(lines[2]!, /the whole suite \(2 runs\): about 30 s of 200 s of wall time: the suite runs 18 % longer for it \(budget 25 %: within\)/);
});
