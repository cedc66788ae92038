/**
 * S3: Ceph RADOS Gateway 16.2 from Debian's packages, as a one-node cluster (mon + OSD on
 * BlueStore in a sparse file + radosgw), with no systemd and no auth between daemons.
 * Data survives `down`/`up` (BlueStore), so fixtures made once per stack stay.
 */
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { StackConfig } from '../config.js';
import type { ManagedServer, Reporter, StartedProcess } from '../server.js';
import { httpGet, isAlive, run, runChecked, runStreaming, spawnDetached, stopPid, waitUntil } from '../lib/proc.js';

const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'monmaptool', 'ceph-authtool'];
const PACKAGES = ['ceph-mon', 'ceph-osd', 'radosgw', 'uuid-runtime'];

function dirs(c: StackConfig) {
  const root = join(c.dataDir, 'ceph');
  return { root, mon: join(root, 'mon'), osd: join(root, 'osd0'), rgw: join(root, 'rgw'), run: join(root, 'run'), conf: join(root, 'ceph.conf'), block: join(root, 'osd0-block.img'), initialized: join(root, 'initialized') };
}

function which(bin: string): boolean {
  return run('sh', ['-c', `command -v ${bin}`]).status === 0;
}

function cephConf(c: StackConfig, fsid: string): string {
  const d = dirs(c);
  return `[global]
fsid = ${fsid}
mon_host = v2:127.0.0.1:${c.ports.cephMon}
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
public_network = 127.0.0.0/8
ms_bind_ipv4 = true
ms_bind_ipv6 = false
ms_mon_client_mode = crc
ms_client_mode = crc
run_dir = ${d.run}
admin_socket = ${d.run}/$name.asok
log_file = ${c.logDir}/ceph-$name.log
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_max_pg_per_osd = 1000
osd_objectstore = bluestore
bluestore_block_path = ${d.block}
bluestore_block_size = 10737418240
bluestore_block_create = true
bluestore_cache_autotune = false
bluestore_cache_size = 134217728
osd_memory_target = 939524096
[mon.a]
mon_data = ${d.mon}
[osd.0]
osd_data = ${d.osd}
[client.rgw.a]
rgw_frontends = beast endpoint=127.0.0.1:${c.ports.s3} tcp_nodelay=1
rgw_data = ${d.rgw}
rgw_sts_key = quilte2estskey16
rgw_s3_auth_use_sts = true
# The catalog's get_credentials answers STS AssumeRole credentials; scenarios ask for short-lived ones.
rgw_sts_min_session_duration = 1
rgw_enable_usage_log = false
rgw_thread_pool_size = 128
# One index shard per new bucket (ample below ~100k objects): the catalog's change feed reads one log per shard.
rgw_override_bucket_index_max_shards = 1
`;
}

function cephCli(c: StackConfig, args: string[], timeoutMs = 30_000): string {
  return runChecked('ceph', ['-c', dirs(c).conf, '--connect-timeout', '15', ...args], { timeoutMs });
}

/**
 * Turns on the bucket index log ("log_data" of the zone), which the local catalog follows as its
 * change feed (stack/catalog/change-feed.ts). Off by default in a one-zone cluster. Run before
 * radosgw starts (radosgw reads the zonegroup at start); idempotent. True when it changed something.
 */
export function ensureBucketIndexLog(c: StackConfig): boolean {
  const conf = dirs(c).conf;
  // A new cluster has no zonegroup until RGW's defaults are made: any radosgw-admin call that opens the store makes them.
  if (run('radosgw-admin', ['-c', conf, 'zonegroup', 'get'], { timeoutMs: 90_000 }).status !== 0) runChecked('radosgw-admin', ['-c', conf, 'user', 'list'], { timeoutMs: 90_000 });
  const zg = JSON.parse(runChecked('radosgw-admin', ['-c', conf, 'zonegroup', 'get'], { timeoutMs: 90_000 })) as { zones?: { log_data?: string }[] };
  const zones = zg.zones ?? [];
  if (zones.length > 0 && zones.every((z) => z.log_data === 'true')) return false;
  for (const z of zones) z.log_data = 'true';
  const file = join(dirs(c).root, 'zonegroup.json');
  writeFileSync(file, JSON.stringify(zg, null, 2));
  runChecked('radosgw-admin', ['-c', conf, 'zonegroup', 'set', `--infile=${file}`], { timeoutMs: 60_000 });
  return true;
}

export interface S3User { uid: string; accessKeyId: string; secretAccessKey: string }

/** Creates an RGW user with fixed keys unless it exists. */
export function ensureRgwUser(c: StackConfig, user: S3User, displayName: string): void {
  const conf = dirs(c).conf;
  const info = run('radosgw-admin', ['-c', conf, 'user', 'info', `--uid=${user.uid}`], { timeoutMs: 30_000 });
  if (info.status === 0) return;
  runChecked('radosgw-admin', ['-c', conf, 'user', 'create', `--uid=${user.uid}`, `--display-name=${displayName}`,
    `--access-key=${user.accessKeyId}`, `--secret-key=${user.secretAccessKey}`], { timeoutMs: 30_000 });
}

export const ceph: ManagedServer = {
  name: 'ceph',
  version: '16.2.15 (Debian 12 packages)',
  ports: (c) => [c.ports.s3, c.ports.cephMon],
  hint: 'Ceph comes from Debian packages: run `npm run stack -- install` as root (it calls apt-get), and make sure ports 3300 and 7480 (or QUILT_E2E_CEPH_MON_PORT / QUILT_E2E_S3_PORT) are free. If the OSD log shows "bad crc32c" or "unfound" objects, the stack\'s data is damaged: `npm run stack -- reset` makes a new, empty one.',

  async isInstalled() {
    return BINARIES.every(which);
  },

  async install(_c: StackConfig, out: Reporter) {
    if (BINARIES.every(which)) return;
    if (process.getuid?.() !== 0) {
      throw new Error(`Ceph is not installed and this is not root: run as root, or install the Debian packages yourself: apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`);
    }
    out.info(`installing Debian packages ${PACKAGES.join(' ')} (about 64 MB) ...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runStreaming('apt-get', ['update', '-q'], { env, timeoutMs: 10 * 60_000, prefix: '  apt: ' });
    await runStreaming('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...PACKAGES], { env, timeoutMs: 15 * 60_000, prefix: '  apt: ' });
    const missing = BINARIES.filter((b) => !which(b));
    if (missing.length) throw new Error(`apt-get finished but these Ceph programs are still missing: ${missing.join(', ')}`);
  },

  async start(c: StackConfig, out: Reporter): Promise<StartedProcess[]> {
    const d = dirs(c);
    const fresh = !existsSync(d.initialized);
    const conf = d.conf;
    const procs: StartedProcess[] = [];
    // Two OSDs on one BlueStore file corrupt it: refuse to start beside an unrecorded daemon of this stack.
    const strays = run('pgrep', ['-f', `-c ${conf} `]).stdout.split(/\s+/).filter(Boolean).map(Number).filter((p) => p !== process.pid);
    if (strays.length) {
      throw new Error(`Ceph daemons of this stack are still running although the stack did not record them (PID ${strays.join(', ')}): stop them (kill ${strays.join(' ')}) and run up again`);
    }
    try {
      if (fresh) {
        out.info('creating a new one-node Ceph cluster (first start only) ...');
        run('rm', ['-rf', d.root]);
        for (const p of [d.mon, d.osd, d.rgw, d.run, c.logDir]) mkdirSync(p, { recursive: true });
        const fsid = randomUUID();
        writeFileSync(conf, cephConf(c, fsid));
        const keyring = join(d.root, 'mon.keyring');
        const monmap = join(d.root, 'monmap');
        runChecked('ceph-authtool', ['--create-keyring', keyring, '--gen-key', '-n', 'mon.', '--cap', 'mon', 'allow *']);
        runChecked('monmaptool', ['--create', '--addv', 'a', `[v2:127.0.0.1:${c.ports.cephMon}]`, '--fsid', fsid, monmap]);
        runChecked('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', monmap, '--keyring', keyring]);
      } else {
        // Ports may have changed since the cluster was made: keep the fsid, rewrite the rest.
        const fsid = /fsid = (\S+)/.exec(readFileSync(conf, 'utf8'))?.[1];
        if (!fsid) throw new Error(`${conf} has no fsid: remove ${d.root} to make a new cluster`);
        writeFileSync(conf, cephConf(c, fsid));
        mkdirSync(d.run, { recursive: true });
      }
      procs.push({ name: 'ceph-mon', pid: spawnDetached('ceph-mon', ['-f', '-c', conf, '-i', 'a'], { logFile: join(c.logDir, 'ceph-mon.out') }) });
      const monUp = await waitUntil(async () => run('ceph', ['-c', conf, '--connect-timeout', '3', 'mon', 'stat'], { timeoutMs: 8000 }).status === 0, 60_000, 500);
      if (!monUp) throw new Error(`ceph-mon did not answer within 60 s (see ${join(c.logDir, 'ceph-mon.a.log')})`);
      if (fresh) {
        const osdUuid = randomUUID();
        const id = cephCli(c, ['osd', 'new', osdUuid]).trim();
        if (id !== '0') throw new Error(`expected the first OSD to get id 0, got ${JSON.stringify(id)}`);
        runChecked('ceph-osd', ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', osdUuid], { timeoutMs: 120_000 });
      }
      procs.push({ name: 'ceph-osd', pid: spawnDetached('ceph-osd', ['-f', '-c', conf, '-i', '0'], { logFile: join(c.logDir, 'ceph-osd.out') }) });
      if (ensureBucketIndexLog(c)) out.info('ceph: bucket index log turned on (the catalog follows it for changes)');
      procs.push({ name: 'radosgw', pid: spawnDetached('radosgw', ['-f', '-c', conf, '-n', 'client.rgw.a'], { logFile: join(c.logDir, 'radosgw.out') }) });
    } catch (e) {
      // Nothing half-started stays behind to hold the ports: stop what this start spawned.
      for (const p of [...procs].reverse()) await stopPid(p.pid, 10_000);
      throw e;
    }
    if (fresh) writeFileSync(d.initialized, new Date().toISOString());
    return procs;
  },

  async healthy(c: StackConfig) {
    const r = await httpGet(`http://127.0.0.1:${c.ports.s3}/`, 1500);
    return r.status === 200;
  },

  logFiles(c: StackConfig) {
    return ['ceph-mon.a.log', 'ceph-osd.0.log', 'ceph-client.rgw.a.log', 'radosgw.out'].map((f) => join(c.logDir, f));
  },
};

/**
 * A dead radosgw or OSD beside a live monitor is started again alone (BlueStore keeps the data; the
 * monitor keeps the cluster): seconds instead of a whole restart. A dead monitor restarts everything.
 */
ceph.restartDead = async (c: StackConfig, out: Reporter, recorded: StartedProcess[]) => {
  const alive = (name: string): StartedProcess | undefined => recorded.find((p) => p.name === name && isAlive(p.pid));
  const mon = alive('ceph-mon');
  if (!mon) return undefined;
  const conf = dirs(c).conf;
  const daemons: [string, string[], string][] = [
    ['ceph-osd', ['-f', '-c', conf, '-i', '0'], 'ceph-osd.out'],
    ['radosgw', ['-f', '-c', conf, '-n', 'client.rgw.a'], 'radosgw.out'],
  ];
  const procs: StartedProcess[] = [mon];
  for (const [name, args, log] of daemons) {
    const p = alive(name);
    if (p) { procs.push(p); continue; }
    out.info(`ceph: ${name} had died; starting it again (the monitor kept running)`);
    procs.push({ name, pid: spawnDetached(name, args, { logFile: join(c.logDir, log) }) });
  }
  return procs;
};

/**
 * The bucket policy of a test bucket: the reader may read and list it; the owner (the admin user)
 * keeps every right over objects that role sessions wrote (RGW 16 has no "bucket owner enforced"
 * object ownership: an object put with a role's temporary credentials belongs to that session, and
 * only a bucket-policy grant lets the bucket owner read it, as AWS's default ownership would).
 */
export function testBucketPolicy(bucket: string, users: { admin: { uid: string }; reader: { uid: string } }): string {
  const resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${users.reader.uid}`] }, Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions'], Resource: resources },
      { Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${users.admin.uid}`] }, Action: ['s3:*'], Resource: resources },
    ],
  });
}

/** Users for every persona, the test bucket (versioned, as Quilt buckets are) and the reader's bucket policy. */
ceph.provision = async (c: StackConfig, out: Reporter) => {
  await import('../lib/aws-env.js');
  const { S3Client, CreateBucketCommand, HeadBucketCommand, PutBucketVersioningCommand, PutBucketPolicyCommand } = await import('@aws-sdk/client-s3');
  for (const [persona, u] of Object.entries(c.s3Users)) ensureRgwUser(c, u, `quilt-e2e ${persona}`);
  // The catalog's service user reads bucket index logs through RGW's admin API, manages the catalog's
  // IAM roles and assumes them (STS) for get_credentials; no bucket of its own.
  ensureRgwUser(c, c.catalogService, 'quilt-e2e local catalog (change feed, roles)');
  runChecked('radosgw-admin', ['-c', dirs(c).conf, 'caps', 'add', `--uid=${c.catalogService.uid}`, '--caps=buckets=read;bilog=read,write;roles=*'], { timeoutMs: 30_000 });
  // Stacks made before short-lived credentials: the same setting at run time (ceph.conf has it for new ones).
  cephCli(c, ['config', 'set', 'client.rgw.a', 'rgw_sts_min_session_duration', '1']);
  const admin = c.s3Users.admin;
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${c.ports.s3}`, region: c.s3.region, forcePathStyle: true,
    credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    const bucket = c.s3.testBucket;
    const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
    if (!exists) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      out.info(`ceph: created bucket ${bucket}`);
    }
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: testBucketPolicy(bucket, c.s3Users) }));
  } finally {
    s3.destroy();
  }
};
