#!/bin/bash
# User data of the web server (WebServerLabStack). With webServerSetup=lamp it does, at first boot, what the
# course's "Cloud Web Applications" lab has the student do by hand on Amazon Linux 2023: install Apache, PHP
# and MariaDB from AL2023's own packages, start them and enable them at boot, put the site in the document
# root with the course's permissions (an apache group that ec2-user joins, setgid directories), secure
# MariaDB as mysql_secure_installation would, create the database the PHP page reads, and (webServerHttps)
# serve HTTPS with a self-signed certificate. Then it fetches its own pages and only then signals
# CloudFormation: the deploy returns when the server answers. Any failure signals FAILURE with the step that
# failed. With webServerSetup=bare it only copies the lab's files to ~ec2-user/lab-files and signals.
#
# renderWebServerScript (lib/web-server/web-server-lab-stack.ts, through lib/shared/user-data-script.ts)
# renders it: every __NAME__ placeholder is replaced (a test fails if one is left) and comment-only lines are
# dropped. The tests run it in bash with every command it calls
# replaced by a stub (test/web-server/bootstrap-script.test.ts).

# shellcheck disable=SC2034 # some are read only in one mode
{
  AWS_REGION='__AWS_REGION__'
  READY_SIGNAL_URL='__READY_SIGNAL_URL__' # presigned URL of the stack's wait condition handle
  SETUP='__SETUP__'                       # lamp or bare
  HTTPS='__HTTPS__'                       # true: also serve HTTPS (self-signed)
  SITE_S3_URL='__SITE_S3_URL__'           # the static site's pages (an asset shared with the S3 lab)
  APP_S3_URL='__APP_S3_URL__'             # the PHP page and the database's seed
  WWW_DIR='__WWW_DIR__'                   # /var/www on the instance
  LAB_FILES_DIR='__LAB_FILES_DIR__'       # the lab's files for the student
  DB_CONFIG_FILE='__DB_CONFIG_FILE__'     # the PHP page's connection settings
  TLS_DIR='__TLS_DIR__'                   # where mod_ssl's default virtual host reads its key and certificate
  LAB_DATABASE='__LAB_DATABASE__'
  LAB_DATABASE_USER='__LAB_DATABASE_USER__'
  PHP_PAGE='__PHP_PAGE__'
  CONNECTED_MARKER='__CONNECTED_MARKER__' # what the PHP page prints once it reached MariaDB
  LAMP_PACKAGES='__LAMP_PACKAGES__'       # space-separated
  TLS_PACKAGES='__TLS_PACKAGES__'
  INSTALL_TIMEOUT_SECONDS='__INSTALL_TIMEOUT_SECONDS__'
  ANSWER_WAIT_SECONDS='__ANSWER_WAIT_SECONDS__'
  POLL_SECONDS='__POLL_SECONDS__'
}

set -Eeuo pipefail

LABEL='web server (instance id not read yet)'
SIGNAL_ID='web-server'
BOOTSTRAP_STEP='starting'
INSTANCE_ID=''

log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "$LABEL" "$*"; }

# Names the step that runs now: a failure report says which one failed.
step() {
  BOOTSTRAP_STEP=$*
  log "== $*"
}

# Tells CloudFormation how the bootstrap ended, by a PUT of a JSON document to the wait condition handle's
# presigned URL. A FAILURE fails the wait condition, and so the deploy, at once, with the reason in the stack
# events. The reason is reduced to printable characters without quotes or backslashes so the document stays
# valid JSON. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-waitcondition.html
signal_stack() { # SUCCESS|FAILURE reason
  local status=$1 reason
  reason=$(printf '%s' "$2" | tr '\n\t' '  ' | tr -d '\042\134' | tr -cd '[:print:]' | cut -c1-600)
  curl --silent --show-error --fail --retry 10 --retry-connrefused --retry-delay 3 --max-time 30 \
    -X PUT -H 'Content-Type:' \
    --data-binary "{\"Status\":\"$status\",\"Reason\":\"$reason\",\"UniqueId\":\"$SIGNAL_ID\",\"Data\":\"$status\"}" \
    "$READY_SIGNAL_URL"
}

# Reports the failure to CloudFormation and stops the bootstrap.
fail() {
  trap - ERR
  log "FAILED: $*"
  signal_stack FAILURE "$LABEL: $*" || log 'could not signal CloudFormation; the deploy fails at its timeout'
  exit 1
}

# Any command that fails outside a check: report the step it belongs to (never the command line, which may
# hold the database password).
on_error() {
  local status=$?
  fail "step '$BOOTSTRAP_STEP' failed (exit $status); the instance's /var/log/cloud-init-output.log has the details"
}

# Instance metadata, IMDSv2 only (the stack requires session tokens).
imds() {
  local token
  token=$(curl --silent --fail --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    http://169.254.169.254/latest/api/token)
  curl --silent --fail --max-time 5 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# Runs the check `$@` every POLL_SECONDS until it succeeds (status 0) or `seconds` have passed (status 1).
wait_until() { # seconds check...
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep "$POLL_SECONDS"
  done
}

# Bounds a step that downloads: a hung mirror fails the step with its name instead of stalling the deploy.
with_timeout() { timeout "$INSTALL_TIMEOUT_SECONDS" "$@"; }

# The lab's files, two zipped assets of the stack, into LAB_FILES_DIR/site and LAB_FILES_DIR/app.
copy_lab_files() {
  step "copy the lab's files to $LAB_FILES_DIR"
  command -v unzip >/dev/null || with_timeout dnf install -y -q unzip
  local name url
  for name in site app; do
    url=$SITE_S3_URL
    [[ $name == app ]] && url=$APP_S3_URL
    with_timeout aws s3 cp --region "$AWS_REGION" --only-show-errors "$url" "/tmp/$name.zip"
    install -d -o ec2-user -g ec2-user "$LAB_FILES_DIR/$name"
    unzip -q -o "/tmp/$name.zip" -d "$LAB_FILES_DIR/$name"
  done
  chown -R ec2-user:ec2-user "$LAB_FILES_DIR"
}

# The course's "install the LAMP web server" step, with AL2023's packages (no amazon-linux-extras).
install_lamp() {
  local packages=$LAMP_PACKAGES
  if [[ $HTTPS == true ]]; then packages="$packages $TLS_PACKAGES"; fi
  step "install Apache, PHP and MariaDB: dnf install $packages"
  # shellcheck disable=SC2086 # the package list is words
  with_timeout dnf install -y -q $packages
}

start_services() {
  step 'start MariaDB, PHP-FPM and Apache, and enable them at boot'
  systemctl enable --now mariadb php-fpm httpd
}

# The course's file-permissions step: ec2-user joins the apache group, which owns the document root; the
# group may write, and directories are setgid so what is created in them belongs to the group too.
# https://docs.aws.amazon.com/linux/al2023/ug/ec2-lamp-amazon-linux-2023.html (Step 1, "file permissions")
set_document_root_permissions() {
  step "set the document root's permissions (apache group, setgid directories)"
  usermod -a -G apache ec2-user
  chown -R ec2-user:apache "$WWW_DIR"
  chmod 2775 "$WWW_DIR"
  find "$WWW_DIR" -type d -exec chmod 2775 {} +
  find "$WWW_DIR" -type f -exec chmod 0664 {} +
}

# The site (the S3 lab's pages, so labs compare measures the same bytes) and the PHP page.
publish_site() {
  step "put the site and the PHP page in $WWW_DIR/html"
  install -d "$WWW_DIR/html"
  cp -R "$LAB_FILES_DIR/site/." "$WWW_DIR/html/"
  cp "$LAB_FILES_DIR/app/$PHP_PAGE" "$WWW_DIR/html/$PHP_PAGE"
}

# mysql_secure_installation, without its questions: MariaDB 10.5's root already logs in only through the
# unix socket (sudo mysql), so no root password is set; the anonymous users, remote root logins and the test
# database are removed. https://mariadb.com/kb/en/mysql_secure_installation/ (root@localhost by unix_socket
# from 10.4 on, with an invalid password: https://mariadb.com/kb/en/authentication-from-mariadb-104/)
secure_mariadb() {
  step 'secure MariaDB as mysql_secure_installation would'
  mysql --protocol=socket -u root <<'SQL'
DELETE FROM mysql.global_priv WHERE User='';
DELETE FROM mysql.global_priv WHERE User='root' AND Host NOT IN ('localhost', '127.0.0.1', '::1');
DROP DATABASE IF EXISTS test;
DELETE FROM mysql.db WHERE Db='test' OR Db='test\_%';
FLUSH PRIVILEGES;
SQL
}

# The database the PHP page reads, and a user that may only read it, from this host. Its password is random,
# goes to MariaDB on standard input (never a command line) and to a file only root and php-fpm (the apache
# group) can read.
create_lab_database() {
  step "create the $LAB_DATABASE database and its read-only user $LAB_DATABASE_USER"
  local password
  password=$(openssl rand -hex 24)
  install -d -m 755 "$(dirname "$DB_CONFIG_FILE")"
  (
    umask 027
    printf '; Written by the course-labs bootstrap: the PHP page connects with these.\nhost = localhost\ndatabase = %s\nuser = %s\npassword = %s\n' \
      "$LAB_DATABASE" "$LAB_DATABASE_USER" "$password" >"$DB_CONFIG_FILE"
  )
  chown root:apache "$DB_CONFIG_FILE"
  chmod 0640 "$DB_CONFIG_FILE"
  {
    printf 'CREATE DATABASE IF NOT EXISTS %s;\n' "$LAB_DATABASE"
    printf "CREATE OR REPLACE USER '%s'@'localhost' IDENTIFIED BY '%s';\n" "$LAB_DATABASE_USER" "$password"
    printf "GRANT SELECT ON %s.* TO '%s'@'localhost';\n" "$LAB_DATABASE" "$LAB_DATABASE_USER"
    printf 'USE %s;\n' "$LAB_DATABASE"
    cat "$LAB_FILES_DIR/app/seed.sql"
  } | mysql --protocol=socket -u root
  unset password
}

# The guide's optional TLS step: mod_ssl's default virtual host on 443 (its ssl.conf reads
# $TLS_DIR/certs/localhost.crt and $TLS_DIR/private/localhost.key) with a self-signed certificate for the
# instance's public name (browsers warn: no certificate authority signed it). Written before Apache first
# starts, so it never starts with mod_ssl and no certificate.
enable_https() {
  step 'serve HTTPS with a self-signed certificate'
  local name
  name=$(imds public-hostname || true)
  [[ -n $name ]] || name=$(imds local-hostname)
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
    -keyout "$TLS_DIR/private/localhost.key" -out "$TLS_DIR/certs/localhost.crt" 2>/dev/null
  chmod 0600 "$TLS_DIR/private/localhost.key"
}

# Checks: does this server answer `url` with a page that contains `text`?
page_contains() { # url text
  local page
  page=$(curl --silent --fail --insecure --max-time 5 "$1") || return 1
  [[ $page == *"$2"* ]]
}

# The deploy returns when the server answers: the site, and the PHP page reading from MariaDB.
wait_for_own_pages() {
  local scheme schemes=(http)
  if [[ $HTTPS == true ]]; then schemes+=(https); fi
  for scheme in "${schemes[@]}"; do
    step "wait up to $ANSWER_WAIT_SECONDS s for $scheme://localhost/ to serve the site"
    wait_until "$ANSWER_WAIT_SECONDS" page_contains "$scheme://localhost/" '</html>' ||
      fail "$scheme://localhost/ did not serve the site within $ANSWER_WAIT_SECONDS s (sudo systemctl status httpd)"
    step "wait up to $ANSWER_WAIT_SECONDS s for $scheme://localhost/$PHP_PAGE to read from MariaDB"
    wait_until "$ANSWER_WAIT_SECONDS" page_contains "$scheme://localhost/$PHP_PAGE" "$CONNECTED_MARKER" ||
      fail "$scheme://localhost/$PHP_PAGE did not show '$CONNECTED_MARKER' within $ANSWER_WAIT_SECONDS s: $(curl --silent --insecure --max-time 5 "$scheme://localhost/$PHP_PAGE" | tr -s ' \n' ' ' | cut -c1-200 || true)"
  done
}

main() {
  trap on_error ERR
  INSTANCE_ID=$(imds instance-id)
  LABEL="web server $INSTANCE_ID"
  SIGNAL_ID="web-server-$INSTANCE_ID"
  log "bootstrap starts ($SETUP)"
  copy_lab_files
  if [[ $SETUP == bare ]]; then
    signal_stack SUCCESS "$LABEL: bare instance, nothing installed; the lab's files are in $LAB_FILES_DIR"
    log 'signalled SUCCESS (bare)'
    return 0
  fi
  install_lamp
  local over='over HTTP'
  if [[ $HTTPS == true ]]; then
    enable_https
    over='over HTTP and HTTPS'
  fi
  start_services
  publish_site
  set_document_root_permissions
  secure_mariadb
  create_lab_database
  wait_for_own_pages
  signal_stack SUCCESS "$LABEL: Apache, PHP-FPM and MariaDB running; the site and $PHP_PAGE answer $over"
  log 'signalled SUCCESS'
}

main "$@"
