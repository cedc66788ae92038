import { When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import * as errors from '../support/tasks/errors.js';


When('{persona} asks the registry to publish {string} from {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string) {
  await errors.tryConstruct(this, persona, name, splitList(files).map((p) => ({ file: p })));
});

When('{persona} asks the registry to publish {string} from {string} in the bucket {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string, bucket: string) {
  await errors.tryConstruct(this, persona, name, splitList(files).map((p) => ({ file: p })), bucket);
});

When('{persona} asks the registry to publish {string} with the file {string} as {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, file: string, logicalKey: string) {
  await errors.tryConstruct(this, persona, name, [{ file, logicalKey }]);
});

When('{persona} asks the registry to publish {string} with the file {string} claiming a SHA-256 of only zeros', async function (this: QuiltWorld, persona: PersonaRole, name: string, file: string) {
  await errors.tryConstruct(this, persona, name, [{ file, hash: { type: 'sha2-256-chunked', value: errors.ZERO_CHUNKED_SHA256 } }]);
});

Then('the registry refuses it as invalid input at {string}, naming {string} and {string} and showing an example', function (this: QuiltWorld, path: string, a: string, b: string) {
  errors.expectInvalidInput(this, path, [a, b], true);
});

Then('the registry refuses it at {string} because the real hash of {string} differs, naming both hashes', async function (this: QuiltWorld, path: string, file: string) {
  await errors.expectHashMismatch(this, path, file);
});

When('{persona} tries to list the folder {string}', async function (this: QuiltWorld, persona: PersonaRole, folder: string) {
  await errors.tryList(this, persona, folder);
});

When('{persona} tries to upload the file {string} to the folder {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, folder: string) {
  await errors.tryUpload(this, persona, folder, name);
});

Then('the attempt is refused with AccessDenied, naming the test bucket and suggesting a remedy', function (this: QuiltWorld) {
  errors.expectAccessDenied(this);
});

Then('nothing was written to the registry for {string}', async function (this: QuiltWorld, name: string) {
  await errors.expectNothingWritten(this, name);
});

Then('there is no object {string}', async function (this: QuiltWorld, path: string) {
  await errors.expectNoObject(this, path);
});

When('{persona} checks what she/he may do in the test bucket', async function (this: QuiltWorld, persona: PersonaRole) {
  await errors.checkAccess(this, persona);
});

Then('the access check reports {string}: list {word}, read {word}, write {word}', function (this: QuiltWorld, level: string, list: string, read: string, write: string) {
  errors.expectAccess(this, level, list === 'yes', read === 'yes', write === 'yes');
});

When('{persona} asks for the details of {string}', async function (this: QuiltWorld, persona: PersonaRole, uri: string) {
  await errors.tryInfo(this, persona, uri);
});

Then('she/he is refused with a message naming {string} and {string}', function (this: QuiltWorld, a: string, b: string) {
  errors.expectRefusalNaming(this, [a, b]);
});
