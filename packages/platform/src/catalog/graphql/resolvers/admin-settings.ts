/**
 * The admin's stack settings in Quilt's schema: the SSO config (kept as the YAML text an admin
 * uploads; this stack signs users in with tokens, so it maps no SSO groups yet), Tabulator's open
 * query switch, all users' API keys (list, get, revoke), and the packager's event rules (this stack
 * runs no packager, so there are none). `isDefaultRoleSettingDisabled` is false: roleSetDefault works.
 */
import { parse as parseYaml } from 'yaml';
import { filterKeys, revokeApiKey, type ApiKeyStatus } from '../../access/api-keys.js';
import { apiKeyView } from './account.js';
import { userView } from './views.js';
import { invalidInput, isRecord, type Args, type GqlContext } from './common.js';

function ssoConfigView(g: GqlContext) {
  const c = g.ctx.access.snapshot.ssoConfig;
  const uploader = c ? g.ctx.access.user(c.uploader) : undefined;
  if (!c) return null;
  return {
    __typename: 'SsoConfig',
    text: c.text,
    timestamp: c.timestamp,
    // An uploader deleted since still names who uploaded it.
    uploader: uploader ? userView(g, uploader) : userView(g, { name: c.uploader, email: '', isActive: false, isAdmin: false, role: null, extraRoles: [], dateJoined: c.timestamp, lastLogin: c.timestamp }),
  };
}

function setSsoConfig(g: GqlContext, a: Args) {
  const text = a.config == null ? null : String(a.config);
  if (text !== null) {
    let doc: unknown;
    try { doc = parseYaml(text); } catch (e) {
      return invalidInput([{ path: 'config', name: 'InvalidSsoConfig', message: `the SSO config is not YAML: ${(e as Error).message.split('\n')[0]}` }]);
    }
    if (!isRecord(doc)) return invalidInput([{ path: 'config', name: 'InvalidSsoConfig', message: 'the SSO config must be a YAML mapping, for example "version: \'1.0\'\\nmappings: []\\ndefault_role: ReadQuiltBucket"' }]);
    const unknownRoles = [doc.default_role, ...(Array.isArray(doc.mappings) ? doc.mappings.map((m: unknown) => (isRecord(m) ? m.role : undefined)) : [])]
      .flat().filter((r): r is string => typeof r === 'string' && !g.ctx.access.role(r));
    if (unknownRoles.length) return invalidInput([{ path: 'config', name: 'InvalidSsoConfig', message: `the SSO config names roles this stack does not have: ${unknownRoles.join(', ')}` }]);
  }
  g.ctx.access.change((s) => { s.ssoConfig = text === null ? null : { text, timestamp: new Date().toISOString(), uploader: g.user }; });
  return text === null ? null : ssoConfigView(g);
}

export function adminSettingQueries(g: GqlContext) {
  return {
    ssoConfig: () => ssoConfigView(g),
    isDefaultRoleSettingDisabled: false,
    tabulatorOpenQuery: () => g.ctx.access.snapshot.tabulatorOpenQuery,
    packager: { eventRules: [], eventRule: () => null },
    apiKeys: {
      list: (a: Args) => filterKeys(g.ctx.access, g.ctx.access.snapshot.apiKeys, { email: a.email as string | null, name: a.name as string | null, fingerprint: a.fingerprint as string | null, status: a.status as ApiKeyStatus | null }).map((k) => apiKeyView(g, k)),
      get: (a: Args) => { const k = g.ctx.access.apiKey(String(a.id)); return k ? apiKeyView(g, k) : null; },
    },
  };
}

export function adminSettingMutations(g: GqlContext) {
  return {
    setSsoConfig: (a: Args) => setSsoConfig(g, a),
    setTabulatorOpenQuery: (a: Args) => {
      g.ctx.access.change((s) => { s.tabulatorOpenQuery = a.enabled === true; });
      return { tabulatorOpenQuery: g.ctx.access.snapshot.tabulatorOpenQuery };
    },
    packager: {
      toggleEventRule: (a: Args) => invalidInput([{ path: 'name', name: 'EventRuleNotFound', message: `no packager event rule is named ${JSON.stringify(a.name)}: this stack runs no packager, so it has none` }]),
    },
    apiKeys: {
      revoke: (a: Args) => {
        const id = String(a.id);
        if (!g.ctx.access.apiKey(id)) return invalidInput([{ path: 'id', name: 'APIKeyNotFound', message: `no API key has the id ${JSON.stringify(id)}: list them with { admin { apiKeys { list { id name userEmail } } } }` }]);
        revokeApiKey(g.ctx.access, id);
        return { __typename: 'Ok', _: true };
      },
    },
  };
}
