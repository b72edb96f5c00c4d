'use strict';
// The local peer for every row: nginx from Debian's packages, one worker, its own prefix and
// config in a temp dir, so the server is fast and identical for every client.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const SMALL_BODY = 'hello, world\n'; // 13 bytes
const LARGE_SIZE = 1024 * 1024;

function findNginx() {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) if (fs.existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** nginx's path, installing nginx-light when we are root and it is missing. */
function ensureNginx(log) {
  let bin = findNginx();
  if (bin) return bin;
  if (process.getuid && process.getuid() === 0) {
    log('nginx not found: installing nginx-light with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'nginx-light'], { stdio: 'inherit', env });
    if (r.status !== 0) spawnSync('apt-get', ['install', '-y', '-qq', 'nginx'], { stdio: 'inherit', env });
    // Debian starts the packaged service; the bench runs its own instance, so stop that one.
    spawnSync('sh', ['-c', 'service nginx stop >/dev/null 2>&1 || true']);
    bin = findNginx();
  }
  if (!bin) throw new Error('nginx is required: install it with `apt-get install nginx-light` (or nginx) and re-run');
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** Starts nginx; returns { httpUrl, httpsUrl, caFile, version, stop() }. */
async function startNginx({ log = () => {} } = {}) {
  const bin = ensureNginx(log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curlio-bench-nginx-'));
  const www = path.join(dir, 'www');
  fs.mkdirSync(www);
  // When run as root the worker drops to nobody: it must be able to read the files.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'logs'));
  fs.writeFileSync(path.join(www, 'large'), Buffer.alloc(LARGE_SIZE, 'x'));
  fs.writeFileSync(path.join(www, 'small'), SMALL_BODY);
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const conf = `
worker_processes 1;
worker_rlimit_nofile 65536;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events {
  worker_connections 30000;
  multi_accept on;
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 120s;
  keepalive_requests 1000000000;
  client_body_temp_path ${dir}/tmp_body;
  proxy_temp_path ${dir}/tmp_proxy;
  fastcgi_temp_path ${dir}/tmp_fastcgi;
  uwsgi_temp_path ${dir}/tmp_uwsgi;
  scgi_temp_path ${dir}/tmp_scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${httpPort} backlog=16384;
    root ${www};
    location = /small { default_type text/plain; return 200 "${SMALL_BODY.replace('\n', '\\n')}"; }
    location = /large { }
  }
  server {
    listen 127.0.0.1:${httpsPort} ssl http2 backlog=16384;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    ssl_protocols TLSv1.2 TLSv1.3;
    http2_max_concurrent_streams 1024;
    root ${www};
    location = /small { default_type text/plain; return 200 "${SMALL_BODY.replace('\n', '\\n')}"; }
    location = /large { }
  }
}
`;
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const version = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr.trim().replace(/^nginx version: /, '');
  const { spawn } = require('node:child_process');
  // A child shell raises the fd limit so 10,000 concurrent connections fit (root may raise
  // the hard limit; otherwise we keep what we get and nginx logs a warning).
  const child = spawn('sh', ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec "${bin}" -p "${dir}" -c "${confFile}"`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await Promise.race([
      Promise.all([waitForPort(httpPort), waitForPort(httpsPort)]),
      exited.then((code) => {
        throw new Error(`nginx exited (${code}): ${stderr}`);
      }),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    dir,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    httpsUrl: `https://127.0.0.1:${httpsPort}`,
    caFile: cert,
    version,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startNginx, ensureNginx, SMALL_BODY, LARGE_SIZE };
