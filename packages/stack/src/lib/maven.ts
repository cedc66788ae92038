/**
 * Downloads from Maven Central through Maven itself (the registry's ordinary client), into the
 * local Maven repository (~/.m2, outside this repository), with Maven's download lines shown as
 * progress.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runStreaming } from './proc.js';

export interface Artifact { groupId: string; artifactId: string; version: string; packaging: string; classifier?: string }

export function localRepo(): string {
  return process.env.QUILT_E2E_MAVEN_REPO ?? join(homedir(), '.m2', 'repository');
}

export function artifactPath(a: Artifact): string {
  const file = `${a.artifactId}-${a.version}${a.classifier ? `-${a.classifier}` : ''}.${a.packaging}`;
  return join(localRepo(), ...a.groupId.split('.'), a.artifactId, a.version, file);
}

function mvnArgs(): string[] {
  const args = ['-B', '-ntp'];
  if (process.env.QUILT_E2E_MAVEN_REPO) args.push(`-Dmaven.repo.local=${process.env.QUILT_E2E_MAVEN_REPO}`);
  return args;
}

/** Fetches one artifact (no transitive dependencies) unless it is already in the local repository. */
export async function fetchArtifact(a: Artifact, prefix: string): Promise<string> {
  const path = artifactPath(a);
  if (existsSync(path)) return path;
  const coords = [a.groupId, a.artifactId, a.version, a.packaging, ...(a.classifier ? [a.classifier] : [])].join(':');
  process.stdout.write(`${prefix}downloading ${coords} from Maven Central (cached in ${localRepo()}) ...\n`);
  const started = Date.now();
  const ticker = progressTicker(path, prefix);
  try {
    await runStreaming('mvn', [...mvnArgs(), 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get', `-Dartifact=${coords}`, '-Dtransitive=false'],
      { timeoutMs: 20 * 60_000, prefix: `${prefix}mvn: ` });
  } finally {
    clearInterval(ticker);
  }
  if (!existsSync(path)) throw new Error(`Maven reported success but ${path} is missing`);
  process.stdout.write(`${prefix}downloaded ${coords} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return path;
}

/** Copies a pom's runtime dependencies into outDir (used for the OpenSearch jar set). */
export async function copyDependencies(pomPath: string, outDir: string, prefix: string): Promise<void> {
  process.stdout.write(`${prefix}resolving the dependencies of ${pomPath} from Maven Central ...\n`);
  await runStreaming('mvn', [...mvnArgs(), '-f', pomPath, 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
    `-DoutputDirectory=${outDir}`, '-DincludeScope=runtime'], { timeoutMs: 20 * 60_000, prefix: `${prefix}mvn: ` });
}

/** Prints the size of Maven's partial download every few seconds, so a large download shows movement. */
function progressTicker(finalPath: string, prefix: string): NodeJS.Timeout {
  const dir = join(finalPath, '..');
  return setInterval(() => {
    void import('node:fs').then(({ readdirSync, statSync }) => {
      try {
        const parts = readdirSync(dir).filter((f) => f.includes('.part') || f.endsWith('.tmp') || f.startsWith('aether-') || f.startsWith('resolver-tmp-'));
        const bytes = parts.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
        if (bytes > 0) process.stdout.write(`${prefix}  ... ${(bytes / 1048576).toFixed(0)} MiB so far\n`);
      } catch { /* directory not created yet */ }
    });
  }, 3000);
}
