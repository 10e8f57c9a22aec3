<?php
// The lab's PHP page: reads the greetings table of MariaDB on this instance and says so. The bootstrap and
// `labs check` look for "MariaDB: connected". It connects as the read-only user whose settings the
// bootstrap wrote to /etc/course-labs/webapp-db.ini (readable by root and the apache group only).
mysqli_report(MYSQLI_REPORT_OFF);
header('Content-Type: text/html; charset=utf-8');
header('Cache-Control: no-store');

function h($text) { return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8'); }

$configFile = '/etc/course-labs/webapp-db.ini'; // DB_CONFIG_FILE in lib/web-server/web-server-config.ts
$config = @parse_ini_file($configFile);
$error = null;
$rows = [];
$version = '';
if ($config === false) {
    $error = "cannot read $configFile";
} else {
    $db = @new mysqli($config['host'], $config['user'], $config['password'], $config['database']);
    if ($db->connect_errno) {
        $error = $db->connect_error;
    } else {
        $version = $db->server_info;
        $result = $db->query('SELECT id, message, added_at FROM greetings ORDER BY id');
        if ($result === false) {
            $error = $db->error;
        } else {
            $rows = $result->fetch_all(MYSQLI_ASSOC);
        }
        $db->close();
    }
}
if ($error !== null) http_response_code(503);
?>
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>PHP and MariaDB · EC2 web server lab</title>
  <link rel="stylesheet" href="style.css">
</head>
<body>
  <main>
<?php if ($error === null): ?>
    <p class="badge" id="mariadb">MariaDB: connected</p>
    <h1>PHP read this from MariaDB</h1>
    <p>PHP <?= h(PHP_VERSION) ?> on <?= h(php_uname('n')) ?> asked MariaDB <?= h($version) ?> for the rows of
      <code>course_lab.greetings</code>:</p>
    <table>
      <tr><th>id</th><th>message</th><th>added at</th></tr>
<?php foreach ($rows as $row): ?>
      <tr><td><?= h($row['id']) ?></td><td><?= h($row['message']) ?></td><td><?= h($row['added_at']) ?></td></tr>
<?php endforeach; ?>
    </table>
    <p>Add a row with <code>sudo mysql course_lab -e "INSERT INTO greetings (message) VALUES ('hi')"</code> and reload.</p>
<?php else: ?>
    <p class="badge" id="mariadb">MariaDB: not reached</p>
    <h1>PHP could not read from MariaDB</h1>
    <p><?= h($error) ?></p>
    <p>Is MariaDB running? <code>sudo systemctl status mariadb</code></p>
<?php endif; ?>
  </main>
</body>
</html>
