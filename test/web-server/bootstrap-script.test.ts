/**
 * The web server's bootstrap (lib/web-server/scripts/web-server.sh), rendered as the stack renders it and run
 * for real in bash, with the commands it calls (dnf, systemctl, aws, unzip, mysql, curl, openssl, usermod,
 * chown, install) replaced by stubs that record their arguments. The stub curl plays Apache: it serves the
 * document root once systemctl has started httpd, and the PHP page's "MariaDB: connected" once the lab's
 * database was created. What needs a real instance (dnf, systemd, MariaDB, PHP) is outside these tests;
 * chmod and find are real, so the document root's modes are the script's own.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SITE_CONTENT_DIR } from '../../lib/shared/static-site/site-content';
import { LAMP_PACKAGES, PHP_PAGE, PHP_PAGE_CONNECTED_MARKER } from '../../lib/web-server/web-server-config';
import { APP_DIR, renderWebServerScript } from '../../lib/web-server/web-server-lab-stack';

const SIGNAL_URL = 'https://signal.test/handle?X-Amz-Signature=abc';
const INSTANCE_ID = 'i-0123456789abcdef0';
const PUBLIC_NAME = 'ec2-203-0-113-10.compute-1.amazonaws.com';

const STUBS: Record<string, string> = {
  // Metadata, the signal (recorded, one per line), and Apache: pages from the document root once httpd runs.
  curl: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/curl.calls"
body=''
for arg in "$@"; do
  case $arg in
    */api/token) echo token; exit 0 ;;
    */meta-data/instance-id) echo ${INSTANCE_ID}; exit 0 ;;
    */meta-data/public-hostname) echo ${PUBLIC_NAME}; exit 0 ;;
    http://localhost/* | https://localhost/*)
      [[ -e $STUBS/httpd-running ]] || exit 7
      page=\${arg#*://localhost/}
      if [[ $page == ${PHP_PAGE} ]]; then
        if [[ -e $STUBS/php-broken ]] || ! grep -q 'GRANT SELECT' "$STUBS/mysql.sql" 2>/dev/null; then
          echo '<p>MariaDB: not reached</p>'; exit 22
        fi
        echo '<p class="badge" id="mariadb">${PHP_PAGE_CONNECTED_MARKER}</p></html>'; exit 0
      fi
      cat "$WWW/html/\${page:-index.html}" || exit 22
      exit 0 ;;
  esac
done
while (($#)); do
  if [[ $1 == --data-binary ]]; then body=$2; fi
  shift
done
printf '%s\\n' "$body" >>"$STUBS/signals"
`,
  dnf: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/dnf.calls"
[[ ! -e $STUBS/dnf-broken ]] || { echo 'Error: Failed to download metadata for repo amazonlinux' >&2; exit 1; }
`,
  systemctl: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/systemctl.calls"
if [[ " $* " == *' httpd '* ]]; then touch "$STUBS/httpd-running"; echo httpd >>"$STUBS/order"; fi
exit 0
`,
  // s3 cp is recorded; unzip "extracts" the asset it names from the repository's own folders.
  aws: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/aws.calls"
[[ ! -e $STUBS/s3-hangs ]] || exec sleep 30
`,
  unzip: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/unzip.calls"
zip=$3 dir=$5
case $zip in
  */site.zip) cp -R "${SITE_CONTENT_DIR}/." "$dir/" ;;
  */app.zip) cp -R "${APP_DIR}/." "$dir/" ;;
  *) exit 9 ;;
esac
`,
  mysql: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/mysql.calls"
cat >>"$STUBS/mysql.sql"
`,
  openssl: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/openssl.calls"
if [[ $1 == rand ]]; then echo 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978; exit 0; fi
while (($#)); do [[ $1 == -keyout ]] && echo key >"$2"; [[ $1 == -out ]] && echo cert >"$2"; shift; done
echo certificate >>"$STUBS/order"
`,
  usermod: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/usermod.calls"
`,
  chown: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/chown.calls"
`,
  // install -d (with owner options that need root) makes the directory; other uses are not expected.
  install: `#!/bin/bash
printf '%s\\n' "$*" >>"$STUBS/install.calls"
[[ $1 == -d ]] || exit 9
mkdir -p "\${@: -1}"
`,
};

interface Run {
  status: number | null;
  output: string;
  signals: Array<{ Status: string; Reason: string; UniqueId: string; Data: string }>;
  calls(command: string): string[];
  file(name: string): string;
  mode(file: string): string;
  www: string;
  labFiles: string;
  dbConfig: string;
}

/** Renders the script for `setup`/`https` into a temporary root, runs it with the stubs and returns what it did. */
function run(options: { setup?: 'lamp' | 'bare'; https?: boolean; flags?: string[]; values?: Record<string, string | number> } = {}): Run {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'web-server-bootstrap-'));
  const stubs = path.join(root, 'stubs');
  const bin = path.join(stubs, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const [name, text] of Object.entries(STUBS)) fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  for (const flag of options.flags ?? []) fs.writeFileSync(path.join(stubs, flag), '');
  const www = path.join(root, 'var', 'www');
  fs.mkdirSync(path.join(www, 'html'), { recursive: true });
  fs.mkdirSync(path.join(www, 'cgi-bin'));
  const labFiles = path.join(root, 'home', 'lab-files');
  const dbConfig = path.join(root, 'etc', 'course-labs', 'webapp-db.ini');
  const tls = path.join(root, 'pki');
  fs.mkdirSync(path.join(tls, 'private'), { recursive: true });
  fs.mkdirSync(path.join(tls, 'certs'));
  const script = renderWebServerScript({
    AWS_REGION: 'eu-west-1',
    READY_SIGNAL_URL: SIGNAL_URL,
    SETUP: options.setup ?? 'lamp',
    HTTPS: String(options.https ?? false),
    SITE_S3_URL: 's3://cdk-assets/site.zip',
    APP_S3_URL: 's3://cdk-assets/app.zip',
    WWW_DIR: www,
    LAB_FILES_DIR: labFiles,
    DB_CONFIG_FILE: dbConfig,
    TLS_DIR: tls,
    ANSWER_WAIT_SECONDS: 1,
    POLL_SECONDS: '0.1',
    ...options.values,
  });
  try {
    const result = spawnSync('bash', ['-c', script], {
      env: { PATH: `${bin}:${process.env.PATH}`, STUBS: stubs, WWW: www, HOME: root, TMPDIR: root },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const read = (name: string) => (fs.existsSync(path.join(stubs, name)) ? fs.readFileSync(path.join(stubs, name), 'utf8') : '');
    const snapshot: Record<string, string> = {};
    for (const name of fs.readdirSync(stubs)) if (name !== 'bin') snapshot[name] = read(name);
    const modes: Record<string, string> = {};
    const walk = (p: string) => {
      modes[p] = (fs.statSync(p).mode & 0o7777).toString(8);
      if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    };
    walk(root);
    const files: Record<string, string> = {};
    for (const p of Object.keys(modes)) if (fs.statSync(p).isFile() && !p.startsWith(bin)) files[p] = fs.readFileSync(p, 'utf8');
    return {
      status: result.status,
      output: result.stdout + result.stderr,
      signals: (snapshot.signals ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
      calls: (command) => (snapshot[`${command}.calls`] ?? '').split('\n').filter(Boolean),
      file: (name) => files[name] ?? snapshot[name] ?? '',
      mode: (p) => modes[p],
      www,
      labFiles,
      dbConfig,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('lamp', () => {
  const r = run();

  test('installs, starts and enables Apache, PHP-FPM and MariaDB from the AL2023 packages, then signals SUCCESS once', () => {
    expect(r.status).toBe(0);
    expect(r.calls('dnf')).toEqual([`install -y -q ${LAMP_PACKAGES.join(' ')}`]);
    expect(r.calls('systemctl')).toEqual(['enable --now mariadb php-fpm httpd']);
    expect(r.signals).toEqual([
      {
        Status: 'SUCCESS',
        UniqueId: `web-server-${INSTANCE_ID}`,
        Data: 'SUCCESS',
        Reason: `web server ${INSTANCE_ID}: Apache, PHP-FPM and MariaDB running; the site and ${PHP_PAGE} answer over HTTP`,
      },
    ]);
  });

  test('signals only after fetching its own site and the PHP page', () => {
    const curls = r.calls('curl');
    const signal = curls.findIndex((c) => c.includes(SIGNAL_URL));
    expect(curls.findIndex((c) => c.endsWith('http://localhost/'))).toBeGreaterThan(-1);
    expect(curls.findIndex((c) => c.endsWith(`http://localhost/${PHP_PAGE}`))).toBeLessThan(signal);
    expect(curls.some((c) => c.includes('https://localhost'))).toBe(false);
  });

  test("serves the static-site lab's pages byte for byte, and the PHP page", () => {
    for (const page of fs.readdirSync(SITE_CONTENT_DIR)) {
      expect(r.file(path.join(r.www, 'html', page))).toBe(fs.readFileSync(path.join(SITE_CONTENT_DIR, page), 'utf8'));
    }
    expect(r.file(path.join(r.www, 'html', PHP_PAGE))).toBe(fs.readFileSync(path.join(APP_DIR, PHP_PAGE), 'utf8'));
  });

  test('document root as the course sets it: ec2-user in the apache group, group-owned, setgid 2775 directories, 0664 files', () => {
    expect(r.calls('usermod')).toEqual(['-a -G apache ec2-user']);
    expect(r.calls('chown')).toContain(`-R ec2-user:apache ${r.www}`);
    for (const dir of [r.www, path.join(r.www, 'html'), path.join(r.www, 'cgi-bin')]) expect({ dir, mode: r.mode(dir) }).toEqual({ dir, mode: '2775' });
    for (const page of ['index.html', 'style.css', PHP_PAGE]) {
      const file = path.join(r.www, 'html', page);
      expect({ file, mode: r.mode(file) }).toEqual({ file, mode: '664' });
    }
  });

  test('secures MariaDB as mysql_secure_installation would: no anonymous users, no remote root, no test database', () => {
    const sql = r.file('mysql.sql');
    expect(sql).toContain("DELETE FROM mysql.global_priv WHERE User='';");
    expect(sql).toContain("DELETE FROM mysql.global_priv WHERE User='root' AND Host NOT IN ('localhost', '127.0.0.1', '::1');");
    expect(sql).toContain('DROP DATABASE IF EXISTS test;');
    expect(sql).toContain("DELETE FROM mysql.db WHERE Db='test' OR Db='test\\_%';");
    expect(sql.indexOf('FLUSH PRIVILEGES')).toBeLessThan(sql.indexOf('CREATE DATABASE'));
    expect(r.calls('mysql').every((c) => c === '--protocol=socket -u root')).toBe(true);
  });

  test('the PHP page reads as a SELECT-only local user, whose password is only in MariaDB and a root:apache 0640 file', () => {
    const sql = r.file('mysql.sql');
    const password = /IDENTIFIED BY '([0-9a-f]{48})'/.exec(sql)?.[1];
    expect(password).toBeDefined();
    expect(sql).toContain("CREATE OR REPLACE USER 'webapp'@'localhost'");
    expect(sql).toContain("GRANT SELECT ON course_lab.* TO 'webapp'@'localhost';");
    expect(sql).not.toMatch(/GRANT (ALL|INSERT|UPDATE|DELETE)/);
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS greetings');
    expect(r.file(r.dbConfig)).toContain(`password = ${password}`);
    expect(r.mode(r.dbConfig)).toBe('640');
    expect(r.calls('chown')).toContain(`root:apache ${r.dbConfig}`);
    // Never on a command line, in the log or in the signal.
    for (const command of ['mysql', 'curl', 'chown', 'install']) expect(r.calls(command).join('\n')).not.toContain(password);
    expect(r.output).not.toContain(password);
    expect(JSON.stringify(r.signals)).not.toContain(password);
  });
});

describe('lamp with HTTPS', () => {
  const r = run({ https: true });

  test('installs mod_ssl, makes a self-signed certificate for the public name before Apache starts, and checks HTTPS too', () => {
    expect(r.status).toBe(0);
    expect(r.calls('dnf')).toEqual([`install -y -q ${LAMP_PACKAGES.join(' ')} mod_ssl`]);
    const req = r.calls('openssl').find((c) => c.startsWith('req '));
    expect(req).toContain(`-subj /CN=${PUBLIC_NAME}`);
    expect(req).toContain('-x509');
    expect(r.calls('systemctl')).toEqual(['enable --now mariadb php-fpm httpd']);
    expect(r.file('order')).toBe('certificate\nhttpd\n');
    expect(r.calls('curl').some((c) => c.endsWith(`https://localhost/${PHP_PAGE}`))).toBe(true);
    expect(r.signals.map((s) => s.Status)).toEqual(['SUCCESS']);
    expect(r.signals[0].Reason).toContain('over HTTP and HTTPS');
  });
});

describe('failures reach CloudFormation with the step that broke', () => {
  test('a package install that fails: FAILURE naming the step, nothing after it', () => {
    const r = run({ flags: ['dnf-broken'] });
    expect(r.status).toBe(1);
    expect(r.signals).toHaveLength(1);
    expect(r.signals[0].Status).toBe('FAILURE');
    expect(r.signals[0].Reason).toContain(`step 'install Apache, PHP and MariaDB: dnf install ${LAMP_PACKAGES.join(' ')}' failed (exit 1)`);
    expect(r.calls('systemctl')).toEqual([]);
    expect(r.calls('mysql')).toEqual([]);
  });

  test("a download from S3 that hangs: FAILURE naming the copy step once the install timeout has passed", () => {
    const started = Date.now();
    const r = run({ flags: ['s3-hangs'], values: { INSTALL_TIMEOUT_SECONDS: 1 } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).toBe(1);
    expect(r.signals).toHaveLength(1);
    expect(r.signals[0].Status).toBe('FAILURE');
    expect(r.signals[0].Reason).toContain(`step 'copy the lab's files to ${r.labFiles}' failed (exit 124)`);
    expect(r.calls('dnf')).toEqual([]);
  });

  test('a PHP page that never reaches MariaDB: FAILURE after the wait, naming the page and what it showed', () => {
    const started = Date.now();
    const r = run({ flags: ['php-broken'] });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.status).toBe(1);
    expect(r.signals).toHaveLength(1);
    expect(r.signals[0].Status).toBe('FAILURE');
    expect(r.signals[0].Reason).toContain(`http://localhost/${PHP_PAGE} did not show '${PHP_PAGE_CONNECTED_MARKER}' within 1 s`);
  });
});

describe('bare', () => {
  const r = run({ setup: 'bare' });

  test("installs nothing, leaves the lab's files in ~ec2-user/lab-files and signals SUCCESS", () => {
    expect(r.status).toBe(0);
    expect(r.calls('dnf')).toEqual([]);
    expect(r.calls('systemctl')).toEqual([]);
    expect(r.calls('mysql')).toEqual([]);
    expect(r.file(path.join(r.labFiles, 'site', 'index.html'))).toBe(fs.readFileSync(path.join(SITE_CONTENT_DIR, 'index.html'), 'utf8'));
    expect(r.file(path.join(r.labFiles, 'app', PHP_PAGE))).not.toBe('');
    expect(r.file(path.join(r.www, 'html', 'index.html'))).toBe('');
    expect(r.signals).toEqual([expect.objectContaining({ Status: 'SUCCESS', Reason: expect.stringContaining('bare instance, nothing installed') })]);
  });
});
