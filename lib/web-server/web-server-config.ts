/**
 * The fixed facts of the web server: what `lamp` installs, where things go, and how long each part of the
 * bootstrap may take. The stack renders them into the bootstrap script and the tests check them, so a
 * change is made here once.
 */

/** `lamp`: Apache, PHP and MariaDB installed and running at boot. `bare`: nothing installed. */
export type WebServerSetup = 'lamp' | 'bare';
export const WEB_SERVER_SETUPS: readonly WebServerSetup[] = ['lamp', 'bare'];

/**
 * The Amazon Linux 2023 packages of the LAMP stack, as AWS's AL2023 LAMP tutorial installs them
 * (https://docs.aws.amazon.com/linux/al2023/ug/ec2-lamp-amazon-linux-2023.html): Apache (`httpd`), PHP
 * with FastCGI (`php`, `php-fpm`; AL2023's httpd hands .php files to php-fpm) and its MariaDB driver
 * (`php-mysqli`, which AL2023's php8.x-mysqlnd package provides), and MariaDB 10.5 (`mariadb105-server`;
 * AL2023 has no `mariadb-server`, and the course's Amazon Linux 2 `amazon-linux-extras` does not exist on
 * AL2023: https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html).
 */
export const LAMP_PACKAGES: readonly string[] = ['httpd', 'php', 'php-fpm', 'php-mysqli', 'mariadb105-server'];
/** Apache's TLS module, for the optional HTTPS step (AL2023's `mod_ssl`). */
export const TLS_PACKAGES: readonly string[] = ['mod_ssl'];

/** Apache's document root on Amazon Linux, and the directory the course's permissions apply to. */
export const WWW_DIR = '/var/www';
/** Where the lab's own files go for a `bare` server (and, for `lamp`, a copy of what was installed). */
export const LAB_FILES_DIR = '/home/ec2-user/lab-files';

/** Where AL2023's mod_ssl reads the default virtual host's key (private/localhost.key) and certificate (certs/localhost.crt). */
export const TLS_DIR = '/etc/pki/tls';

/** The database the PHP page reads, and the MariaDB user it reads it as (SELECT only, from localhost). */
export const LAB_DATABASE = 'course_lab';
export const LAB_DATABASE_USER = 'webapp';
/** The PHP page's connection settings: readable by root and the apache group (php-fpm) only. */
export const DB_CONFIG_FILE = '/etc/course-labs/webapp-db.ini';

/** The page the PHP exercise serves, which reads from MariaDB. */
export const PHP_PAGE = 'db.php';
/** What the PHP page prints when it reached MariaDB (the bootstrap and `labs check` look for it). */
export const PHP_PAGE_CONNECTED_MARKER = 'MariaDB: connected';

/**
 * How long each part of the bootstrap may take. Each of the instance's own limits ends well before
 * CloudFormation's, so a step that fails or times out reaches the stack events with its name. CloudFormation's
 * timeout catches an instance that cannot report at all, and steps that each stay within their limits but
 * together outlast `readySeconds` (the instance has no deadline of its own for the whole bootstrap: two S3
 * copies and two installs at `installSeconds` each, plus the waits, could pass it).
 */
export const WEB_SERVER_TIMEOUTS = {
  /** One package download or install. */
  installSeconds: 600,
  /** After every service started: how long the server may take to answer its own pages. */
  answerWaitSeconds: 120,
  /** Between two checks of a wait. */
  pollSeconds: 5,
  /** The wait condition: from the moment the instance exists, the whole bootstrap. */
  readySeconds: 1500,
} as const;

/** Size of the encrypted root volume: the image's own 8 GiB leaves room for the LAMP packages and the site. */
export const ROOT_VOLUME_GIB = 8;
