import { When, Then } from '@cucumber/cucumber';
import type { PersonaRole } from '../support/target.js';
import type { QuiltWorld } from '../world/quilt-world.js';
import { splitList } from '../support/text.js';
import * as errors from '../support/tasks/errors.js';


When('{persona} tries to create a package named {string} from {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string) {
  await errors.tryCreatePackage(this, persona, name, splitList(files));
});

When('{persona} tries to create the package {string} from {string} in the registry {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, files: string, registry: string) {
  await errors.tryCreatePackage(this, persona, this.packageName(name), splitList(files), registry);
});

When('{persona} tries to look up the object {string}', async function (this: QuiltWorld, persona: PersonaRole, uri: string) {
  await errors.tryInspectUri(this, persona, uri);
});

When('{persona} tries to list the folder {string}', async function (this: QuiltWorld, persona: PersonaRole, folder: string) {
  await errors.tryList(this, persona, folder);
});

When('{persona} tries to upload the file {string} to the folder {string}', async function (this: QuiltWorld, persona: PersonaRole, name: string, folder: string) {
  await errors.tryUpload(this, persona, folder, name);
});

Then('the attempt is refused with a message that names {string} and {string} and shows an example', function (this: QuiltWorld, a: string, b: string) {
  errors.expectValidationRefusal(this, [a, b]);
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
