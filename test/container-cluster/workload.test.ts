/**
 * The sample workload the control plane receives: the voting app's services run here under Node.js
 * against a small in-process Redis stand-in (no Docker), and the manifests are checked against the stack.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { createHash } from 'crypto';
import * as yaml from 'js-yaml';
import {
  FLANNEL_MANIFEST_FILE,
  FLANNEL_RELEASE_MANIFEST_SHA256,
  FLANNEL_RELEASE_MANIFEST_URL,
  FLANNEL_VERSION,
  POD_NETWORK_CIDR,
  SAMPLE_NODE_PORT,
} from '../../lib/container-cluster/cluster-config';
import { WORKLOAD_DIR } from '../../lib/container-cluster/container-cluster-lab-stack';

const APP = path.join(WORKLOAD_DIR, 'swarm', 'app');
/* eslint-disable @typescript-eslint/no-require-imports */
const { RedisClient, encode, parse } = require(path.join(APP, 'resp.cjs'));
const { createVoteServer } = require(path.join(APP, 'vote.cjs'));
const { processNextVote } = require(path.join(APP, 'worker.cjs'));
const { createResultServer } = require(path.join(APP, 'result.cjs'));

/** Just enough of Redis for the app: lists (RPUSH, BLPOP without blocking) and hashes (HSET, HVALS). */
function fakeRedis(): Promise<{ port: number; data: Map<string, any>; close(): void }> {
  const data = new Map<string, any>();
  const bulk = (s: string | null) => (s === null ? '$-1\r\n' : `$${Buffer.byteLength(s)}\r\n${s}\r\n`);
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let parsed;
      while ((parsed = parse(buffer))) {
        buffer = buffer.subarray(parsed[1]);
        const [command, key, ...args] = parsed[0] as string[];
        switch (command.toUpperCase()) {
          case 'RPUSH': {
            const list = data.get(key) ?? [];
            list.push(...args);
            data.set(key, list);
            socket.write(`:${list.length}\r\n`);
            break;
          }
          case 'BLPOP': {
            const item = (data.get(key) ?? []).shift();
            socket.write(item === undefined ? '*-1\r\n' : `*2\r\n${bulk(key)}${bulk(item)}`);
            break;
          }
          case 'HSET': {
            const hash = data.get(key) ?? new Map();
            const added = hash.has(args[0]) ? 0 : 1;
            hash.set(args[0], args[1]);
            data.set(key, hash);
            socket.write(`:${added}\r\n`);
            break;
          }
          case 'HVALS': {
            const values = [...(data.get(key) ?? new Map()).values()] as string[];
            socket.write(`*${values.length}\r\n${values.map(bulk).join('')}`);
            break;
          }
          default:
            socket.write(`-ERR unknown command ${command}\r\n`);
        }
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as net.AddressInfo).port, data, close: () => server.close() }),
    ),
  );
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`)));
}

describe('the voting app', () => {
  // Two Redis servers, as in the stack: `redis` (the queue) and `db` (the database).
  let queueRedis: Awaited<ReturnType<typeof fakeRedis>>;
  let dbRedis: Awaited<ReturnType<typeof fakeRedis>>;
  const clients: any[] = [];
  const servers: http.Server[] = [];
  const client = (server: { port: number }) => {
    const c = new RedisClient('127.0.0.1', server.port);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined); // the worker logs each vote it moves
    [queueRedis, dbRedis] = [await fakeRedis(), await fakeRedis()];
  });
  afterAll(() => {
    for (const c of clients) c.close();
    for (const s of servers) s.close();
    queueRedis.close();
    dbRedis.close();
  });

  test('votes go through the queue to the database, one per voter, and the results count them', async () => {
    const vote = createVoteServer(client(queueRedis));
    const result = createResultServer(client(dbRedis));
    servers.push(vote, result);
    const [voteUrl, resultUrl] = [await listen(vote), await listen(result)];

    const page = await fetch(voteUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Served by container ');
    const cast = (voter: string, choice: string) =>
      fetch(voteUrl + '/', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `voter_id=${voter}` },
        body: `vote=${choice}`,
      });
    expect((await cast('00000000000000a1', 'a')).status).toBe(200);
    expect((await cast('00000000000000b2', 'b')).status).toBe(200);
    expect((await cast('00000000000000a1', 'b')).status).toBe(200); // changes their vote
    expect((await cast('00000000000000c3', 'x')).status).toBe(400);
    expect(queueRedis.data.get('votes')).toHaveLength(3);

    const worker = [client(queueRedis), client(dbRedis)];
    const moved = [];
    for (let i = 0; i < 4; i++) moved.push(await processNextVote(worker[0], worker[1], 0));
    expect(moved).toEqual([true, true, true, false]);

    expect(queueRedis.data.get('votes')).toHaveLength(0);
    expect(Object.fromEntries(dbRedis.data.get('votes'))).toEqual({ '00000000000000a1': 'b', '00000000000000b2': 'b' });
    expect(await (await fetch(resultUrl + '/results.json')).json()).toEqual({ a: 0, b: 2 });
    expect(await (await fetch(resultUrl + '/')).text()).toContain('<li>Dogs: 2 (100%)</li>');
  });

  test('a new visitor gets a voter id cookie', async () => {
    const vote = createVoteServer(client(queueRedis));
    servers.push(vote);
    const response = await fetch(await listen(vote));
    expect(response.headers.get('set-cookie')).toMatch(/^voter_id=[0-9a-f]{16}; Path=\/$/);
  });

  test('the Redis client speaks RESP: commands out, replies (including errors and partial ones) in', () => {
    expect(encode(['HSET', 'votes', 'é', 1])).toBe('*4\r\n$4\r\nHSET\r\n$5\r\nvotes\r\n$2\r\né\r\n$1\r\n1\r\n');
    expect(parse(Buffer.from('*2\r\n$5\r\nvotes\r\n$-1\r\n'))).toEqual([['votes', null], 20]);
    expect(parse(Buffer.from('$5\r\nvot'))).toBeUndefined();
    expect(parse(Buffer.from('-ERR nope\r\n'))[0]).toBeInstanceOf(Error);
  });
});

describe('the manifests', () => {
  const read = (...p: string[]) => fs.readFileSync(path.join(WORKLOAD_DIR, ...p), 'utf8');

  test("the Service's NodePort is the one the security groups open", () => {
    const web = read('kubernetes', 'web.yaml');
    expect(web).toMatch(new RegExp(`^\\s+nodePort: ${SAMPLE_NODE_PORT}$`, 'm'));
    expect(web).toMatch(/^\s+type: NodePort$/m);
    expect(web).toMatch(/^\s+replicas: 3$/m);
    // Pods leave a stopped worker after 30 s, not the default 5 minutes.
    expect(web.match(/tolerationSeconds: 30/g)).toHaveLength(2);
  });

  test('the stack file ships every app file it names as a config, and they exist', () => {
    const stack = read('swarm', 'vote-stack.yml');
    const files = [...stack.matchAll(/file: \.\/(app\/\S+)/g)].map((m) => m[1]);
    expect(files.sort()).toEqual(['app/poll.cjs', 'app/resp.cjs', 'app/result.cjs', 'app/vote.cjs', 'app/worker.cjs']);
    for (const f of files) expect(fs.existsSync(path.join(WORKLOAD_DIR, 'swarm', f))).toBe(true);
    expect(stack).toContain('"8080:8080"');
    expect(stack).toContain('"8081:8081"');
  });

  test('the Docker exercises have their Dockerfile site and bind-mounted site', () => {
    expect(read('docker', 'site', 'Dockerfile')).toMatch(/^FROM nginx:[\d.]+-alpine\nCOPY index.html \/usr\/share\/nginx\/html\/index.html$/m);
    expect(read('docker', 'bind-mount-site', 'index.html')).toContain('<h1>');
  });

  test('every image is pinned to a version tag, not latest', () => {
    const texts = [read('kubernetes', 'web.yaml'), read('swarm', 'vote-stack.yml'), read('docker', 'site', 'Dockerfile')];
    const images = texts.flatMap((t) => [...t.matchAll(/(?:image:|FROM)\s+(\S+)/g)].map((m) => m[1]));
    expect(images.length).toBeGreaterThan(5);
    for (const image of images) expect(image).toMatch(/^[a-z0-9/-]+:\d[\w.-]*$/);
  });
});

describe("Flannel's manifest, shipped in the workload", () => {
  const text = fs.readFileSync(path.join(WORKLOAD_DIR, FLANNEL_MANIFEST_FILE), 'utf8');
  const header = text.match(/^(#.*\n)+/)![0];
  const body = text.slice(header.length);
  const docs = yaml.loadAll(body) as any[];

  test('is the pinned release manifest, after a header that says where it came from', () => {
    expect(createHash('sha256').update(body).digest('hex')).toBe(FLANNEL_RELEASE_MANIFEST_SHA256);
    expect(Buffer.byteLength(body)).toBe(4476); // the length GitHub serves for the v0.27.4 release asset
    expect(body).not.toMatch(/^#/m); // the bootstrap drops the header by deleting every line that starts with #
    expect(header).toContain(FLANNEL_RELEASE_MANIFEST_URL);
    expect(header).toContain('05e2b583ee3ab87fc7fad64425ef0c5cbc0f5437');
  });

  test("parses as YAML into Flannel's objects, its images all of the pinned release", () => {
    expect(docs.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.name}`)).toEqual([
      'v1 Namespace kube-flannel',
      'v1 ServiceAccount flannel',
      'rbac.authorization.k8s.io/v1 ClusterRole flannel',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding flannel',
      'v1 ConfigMap kube-flannel-cfg',
      'apps/v1 DaemonSet kube-flannel-ds',
    ]);
    const pod = docs[5].spec.template.spec;
    const images = [...pod.initContainers, ...pod.containers].map((c: any) => c.image);
    expect(images).toEqual([
      'ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1',
      `ghcr.io/flannel-io/flannel:${FLANNEL_VERSION}`,
      `ghcr.io/flannel-io/flannel:${FLANNEL_VERSION}`,
    ]);
    expect(pod.hostNetwork).toBe(true);
  });

  test('its pod network is the one kubeadm init is given, and its CNI plugin goes where containerd looks', () => {
    const netConf = JSON.parse(docs[4].data['net-conf.json']);
    expect(netConf).toEqual({ Network: POD_NETWORK_CIDR, EnableNFTables: false, Backend: { Type: 'vxlan' } });
    const volumes = docs[5].spec.template.spec.volumes.map((v: any) => v.hostPath?.path).filter(Boolean);
    expect(volumes).toContain('/opt/cni/bin'); // write_containerd_config points containerd's CNI plugins there
    expect(volumes).toContain('/etc/cni/net.d');
  });
});
