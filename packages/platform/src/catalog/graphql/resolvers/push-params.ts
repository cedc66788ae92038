/**
 * What packageConstruct and packagePromote share: the push parameters (bucket, name, message,
 * userMeta, workflow) checked alike, errors gathered with their input path, Quilt's meaning of
 * `workflow`, and the push itself answered as Quilt's PackagePushResult.
 */
import { parse as parseYaml } from 'yaml';
import { QuiltError, QuiltValidationError, validatePackageName, type CopyMode, type EntrySource, type PackageRegistry, type PushResult } from '@quilt-e2e/quilt-js';
import { invalidInput, isRecord, writeFailure, type GqlContext, type InputErrorShape } from './common.js';
import { PackageView, RevisionView } from './package-views.js';

export interface PushParams { bucket: string; name: string; message?: string | null; userMeta?: unknown; workflow?: string | null }

/** Input errors gathered with the path of the input they are about. */
export class InputErrors {
  private readonly list: InputErrorShape[] = [];

  add(e: InputErrorShape): void { this.list.push(e); }

  /** Runs a validation; what it throws becomes an error at `path`. */
  check(path: string, fn: () => void): void {
    try { fn(); } catch (e) { this.add({ path, name: e instanceof QuiltError ? e.name : 'ValidationError', message: (e as Error).message }); }
  }

  /** The push parameters' own checks: the package name and userMeta. */
  checkParams(params: PushParams): void {
    this.check('params.name', () => validatePackageName(params.name));
    if (params.userMeta !== undefined && params.userMeta !== null && !isRecord(params.userMeta)) {
      this.add({ path: 'params.userMeta', name: 'ValidationError', message: 'userMeta must be a JSON object, for example {"team": "genomics"}' });
    }
  }

  any(): boolean { return this.list.length > 0; }
  refusal(): ReturnType<typeof invalidInput> { return invalidInput([...this.list]); }
}

/**
 * Quilt's meaning of `workflow` (py-shared pkgpush.py workflow_normalized, quilt3 workflows.validate):
 * omitted or null → the bucket's default workflow (none when the bucket has no workflows config);
 * "" → explicitly none; a string → that workflow of .quilt/workflows/config.yml.
 */
export async function resolveWorkflow(registry: PackageRegistry, params: { bucket: string; workflow?: string | null }): Promise<{ workflow: unknown } | { refused: ReturnType<typeof invalidInput> }> {
  let workflow: unknown;
  const configUrl = `s3://${params.bucket}/.quilt/workflows/config.yml`;
  const text = await registry.store.getTextIfExists(params.bucket, '.quilt/workflows/config.yml').catch(() => undefined);
  const wanted: string | null | undefined = params.workflow === undefined || params.workflow === null ? undefined : params.workflow === '' ? null : params.workflow;
  const refuse = (message: string): ReturnType<typeof invalidInput> => invalidInput([{ path: 'params.workflow', name: 'QuiltException', message }]);
  if (text === undefined) {
    if (wanted !== undefined) return { refused: refuse(`${wanted === null ? 'None' : `'${wanted}'`} workflow is specified, but no workflows config exist (${configUrl}); leave workflow out (or null) to push without one`) };
  } else {
    let cfg: unknown;
    try { cfg = parseYaml(text); } catch { cfg = undefined; }
    if (!isRecord(cfg)) return { refused: refuse(`${configUrl} is not a YAML mapping`) };
    const ids = isRecord(cfg.workflows) ? Object.keys(cfg.workflows) : [];
    const id = wanted === undefined ? (typeof cfg.default_workflow === 'string' ? cfg.default_workflow : null) : wanted;
    if (id === null) {
      if (cfg.is_workflow_required !== false) return { refused: refuse(`Workflow required, but none specified: ${configUrl} requires one of ${ids.join(', ') || '(none defined)'}`) };
    } else if (!ids.includes(id)) {
      return { refused: refuse(`There is no '${id}' workflow in config ${configUrl} (known: ${ids.join(', ') || 'none'})`) };
    } else {
      workflow = { config: configUrl, id, schemas: {} };
    }
  }
  return { workflow };
}

/** Pushes a revision (the registry's create), lets the indexer know, and answers as Quilt's PackagePushResult. */
async function pushed(g: GqlContext, registry: PackageRegistry, params: { bucket: string; name: string }, push: () => Promise<PushResult>) {
  try {
    const result = await push();
    g.ctx.indexer.touch(params.bucket, [registry.manifestKey(result.hash), registry.pointerKey(params.name, result.timestamp), registry.pointerKey(params.name, 'latest')]);
    return {
      __typename: 'PackagePushSuccess',
      package: new PackageView(registry, params.bucket, params.name),
      revision: new RevisionView(registry, params.name, result.hash, result.timestamp, result.revision),
    };
  } catch (e) {
    if (e instanceof QuiltValidationError) return invalidInput([{ path: null, name: e.name, message: e.message }]);
    return writeFailure(e);
  }
}

export interface PushOptions {
  /** quilt3's copy mode ('all': every file copied to <name>/<logical key>). */
  copy?: CopyMode;
  /** Last checks once the workflow is known, before anything is written: a refusal stops the push. */
  verify?: () => Promise<ReturnType<typeof invalidInput> | undefined>;
}

/** Resolves the workflow, pushes the entries as a new revision of params.name and answers as Quilt's PackagePushResult. */
export async function pushRevision(g: GqlContext, params: PushParams, entries: EntrySource[], opts: PushOptions = {}) {
  const registry = g.ctx.packages.registry(g.user, params.bucket);
  const wf = await resolveWorkflow(registry, params);
  if ('refused' in wf) return wf.refused;
  const refused = await opts.verify?.();
  if (refused) return refused;
  return pushed(g, registry, params, () => registry.create(params.name, {
    entries,
    message: params.message ?? null,
    ...(params.userMeta !== undefined && params.userMeta !== null ? { userMeta: params.userMeta } : {}),
    ...(wf.workflow !== undefined ? { workflow: wf.workflow } : {}),
    ...(opts.copy ? { copy: opts.copy } : {}),
    force: true,
  }));
}
