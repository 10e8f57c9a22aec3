/**
 * The web server's database steps and PHP page on the real engines: the bootstrap's own `secure_mariadb` and
 * `create_lab_database` (rendered as the stack renders them) run against a throwaway MariaDB server, then
 * `db.php` runs under PHP's CLI with mysqli against it. Debian's MariaDB 10.11 and PHP 8.2 stand in for
 * AL2023's MariaDB 10.5 and PHP 8.x. `npm run test:lamp` (not part of `npm test`: it needs `mariadb-server`,
 * `php-cli` and `php-mysql`, which `.ci/run` installs).
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DB_CONFIG_FILE, LAB_DATABASE, LAB_DATABASE_USER, PHP_PAGE, PHP_PAGE_CONNECTED_MARKER } from '../../lib/web-server/web-server-config';
import { APP_DIR, renderWebServerScript } from '../../lib/web-server/web-server-lab-stack';

jest.setTimeout(60_000);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'web-server-lamp-'));
const socket = path.join(root, 'mysql.sock');
const bin = path.join(root, 'bin');
const labFiles = path.join(root, 'lab-files');
const dbConfig = path.join(root, 'etc', 'webapp-db.ini');
let server: ChildProcess;

/** SQL as the system's root through the socket (MariaDB's root logs in by unix_socket). */
function sql(statement: string, user: string[] = ['-u', 'root']): { status: number | null; out: string; err: string } {
  const r = spawnSync('mariadb', [`--socket=${socket}`, ...user, '--batch', '--skip-column-names', '-e', statement], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** Runs bootstrap functions, with `mysql` pointed at the test server and `chown` recorded (no apache group here). */
function bootstrap(body: string) {
  const script = renderWebServerScript({
    AWS_REGION: 'eu-west-1',
    READY_SIGNAL_URL: 'https://signal.test/handle',
    SETUP: 'lamp',
    HTTPS: 'false',
    SITE_S3_URL: 's3://cdk-assets/site.zip',
    APP_S3_URL: 's3://cdk-assets/app.zip',
    LAB_FILES_DIR: labFiles,
    DB_CONFIG_FILE: dbConfig,
  }).replace(/^main "\$@"$/m, '');
  return spawnSync('bash', ['-c', `${script}\ntrap on_error ERR\n${body}`], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf8',
  });
}

/** db.php under PHP's CLI, reading `config` instead of DB_CONFIG_FILE. */
function phpPage(config: string): string {
  const page = fs.readFileSync(path.join(APP_DIR, PHP_PAGE), 'utf8').replaceAll(DB_CONFIG_FILE, config);
  const file = path.join(root, PHP_PAGE);
  fs.writeFileSync(file, page);
  const r = spawnSync('php', ['-d', `mysqli.default_socket=${socket}`, '-d', 'display_errors=stderr', file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

beforeAll(async () => {
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'mysql'), `#!/bin/bash\nexec /usr/bin/mariadb --socket='${socket}' "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'chown'), '#!/bin/bash\necho "chown $*" >&2\n', { mode: 0o755 });
  fs.mkdirSync(path.join(labFiles, 'app'), { recursive: true });
  fs.cpSync(APP_DIR, path.join(labFiles, 'app'), { recursive: true });
  const data = path.join(root, 'data');
  const user = os.userInfo().username;
  const install = spawnSync('mariadb-install-db', [`--datadir=${data}`, `--user=${user}`, '--auth-root-authentication-method=socket'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  server = spawn('mariadbd', [`--datadir=${data}`, `--socket=${socket}`, '--skip-networking', `--pid-file=${path.join(root, 'pid')}`, `--user=${user}`, '--skip-log-error'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && sql('SELECT 1').status !== 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  // What an unsecured server may hold: an anonymous user, a root that logs in from anywhere, a test database.
  const seeded = sql(
    "CREATE USER IF NOT EXISTS ''@'localhost'; CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY 'x'; CREATE DATABASE IF NOT EXISTS test; " +
      "INSERT IGNORE INTO mysql.db (Host, Db, User, Select_priv) VALUES ('%', 'test\\\\_%', '', 'Y')",
  );
  if (seeded.status !== 0) throw new Error(`could not seed the server: ${seeded.err}`);
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(root, { recursive: true, force: true });
});

test('secure_mariadb leaves no anonymous user, no root from other hosts and no test database', () => {
  expect(sql("SELECT COUNT(*) FROM mysql.user WHERE User=''").out).not.toBe('0');
  expect(sql("SELECT COUNT(*) FROM mysql.user WHERE User='root' AND Host='%'").out).toBe('1');
  expect(sql("SHOW DATABASES LIKE 'test'").out).toBe('test');
  const r = bootstrap('secure_mariadb');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(sql("SELECT CONCAT(User, '@', Host) FROM mysql.user WHERE User IN ('', 'root') ORDER BY 1").out).toBe('root@localhost');
  expect(sql("SHOW DATABASES LIKE 'test'").out).toBe('');
  expect(sql("SELECT COUNT(*) FROM mysql.db WHERE Db LIKE 'test%'").out).toBe('0');
});

describe('create_lab_database, then the PHP page', () => {
  let run: ReturnType<typeof bootstrap>;
  beforeAll(() => {
    run = bootstrap('create_lab_database');
  });

  test('creates the database, its seeded table and a read-only local user whose password is only in the config file', () => {
    expect(run.status).toBe(0);
    expect(sql(`SELECT message FROM ${LAB_DATABASE}.greetings`).out).toBe('Hello from MariaDB on your EC2 web server.');
    expect(sql(`SHOW GRANTS FOR '${LAB_DATABASE_USER}'@'localhost'`).out).toContain(`GRANT SELECT ON \`${LAB_DATABASE}\`.* TO \`${LAB_DATABASE_USER}\`@\`localhost\``);
    const password = /^password = ([0-9a-f]{48})$/m.exec(fs.readFileSync(dbConfig, 'utf8'))?.[1];
    expect(password).toBeDefined();
    expect((fs.statSync(dbConfig).mode & 0o777).toString(8)).toBe('640');
    expect(run.stdout + run.stderr).not.toContain(password);
    const as = ['-u', LAB_DATABASE_USER, `--password=${password}`];
    expect(sql(`SELECT COUNT(*) FROM ${LAB_DATABASE}.greetings`, as).out).toBe('1');
    expect(sql(`INSERT INTO ${LAB_DATABASE}.greetings (message) VALUES ('no')`, as).err).toMatch(/INSERT command denied/);
  });

  test('run again (a second boot of the same script), it keeps one seed row and replaces the password', () => {
    const first = fs.readFileSync(dbConfig, 'utf8');
    expect(bootstrap('create_lab_database').status).toBe(0);
    expect(sql(`SELECT COUNT(*) FROM ${LAB_DATABASE}.greetings`).out).toBe('1');
    expect(fs.readFileSync(dbConfig, 'utf8')).not.toBe(first);
  });

  test(`db.php reads the table through mysqli and shows "${PHP_PAGE_CONNECTED_MARKER}"`, () => {
    sql(`INSERT INTO ${LAB_DATABASE}.greetings (message) VALUES ('<b>escaped</b>')`);
    const page = phpPage(dbConfig);
    expect(page).toContain(`<p class="badge" id="mariadb">${PHP_PAGE_CONNECTED_MARKER}</p>`);
    expect(page).toContain('Hello from MariaDB on your EC2 web server.');
    expect(page).toContain('&lt;b&gt;escaped&lt;/b&gt;');
    expect(page).toMatch(/asked MariaDB 10\.\d+\.\d+/);
  });

  test('with a wrong password, db.php says MariaDB was not reached, and never that it was', () => {
    const wrong = path.join(root, 'wrong.ini');
    fs.writeFileSync(wrong, fs.readFileSync(dbConfig, 'utf8').replace(/^password = .*$/m, 'password = wrong'));
    const page = phpPage(wrong);
    expect(page).toContain('MariaDB: not reached');
    expect(page).toContain('Access denied');
    expect(page).not.toContain(PHP_PAGE_CONNECTED_MARKER);
  });
});
