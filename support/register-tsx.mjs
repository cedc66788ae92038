// Loads TypeScript through tsx (cucumber's recommendation for ESM projects). Listed first under
// `import` in cucumber.mjs, so every step definition and support file after it may be TypeScript.
import { register } from 'tsx/esm/api';
register();
