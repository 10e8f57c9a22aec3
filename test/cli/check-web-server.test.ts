/**
 * The web-server lab's checks as `labs check` finds them, and their agreement with the lab they check (the
 * checks never import the lab; this test holds the two together). Their runs against moto's EC2 and
 * injected pages are in test/integration/check-web-server.moto.test.ts (npm run test:moto).
 */
import * as fs from 'fs';
import * as path from 'path';
import { checksFor } from '../../lib/cli/check';
import { MARIADB_CONNECTED, WEB_SERVER_CHECKS, WEB_SERVER_OUTPUTS } from '../../lib/cli/check/web-server';
import { LabStack } from '../../lib/cli/inventory/stacks';
import { DB_CONFIG_FILE, PHP_PAGE, PHP_PAGE_CONNECTED_MARKER } from '../../lib/web-server/web-server-config';
import { APP_DIR, WEB_SERVER_LAB } from '../../lib/web-server/web-server-lab-stack';

test('registered for the lab id the stack is tagged with', () => {
  expect(checksFor(WEB_SERVER_LAB.id)).toBe(WEB_SERVER_CHECKS);
});

test('looks for what the PHP page prints when it reached MariaDB, and only then', () => {
  expect(MARIADB_CONNECTED).toBe(PHP_PAGE_CONNECTED_MARKER);
  const page = fs.readFileSync(path.join(APP_DIR, PHP_PAGE), 'utf8');
  const [connected, failed] = page.split('<?php else: ?>');
  expect(connected).toContain(MARIADB_CONNECTED);
  expect(failed).not.toContain(MARIADB_CONNECTED);
  // And it reads the connection settings where the bootstrap writes them.
  expect(page).toContain(`$configFile = '${DB_CONFIG_FILE}';`);
});

test('reads outputs the stack has (SiteUrl, PhpPageUrl; ServerSsh with webServerSshCidr)', () => {
  const stackSource = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'web-server', 'web-server-lab-stack.ts'), 'utf8');
  for (const key of Object.values(WEB_SERVER_OUTPUTS)) expect(stackSource).toContain(`'${key}'`);
});

test('the plan says what is read and that nothing is written', () => {
  const stack = { name: 'WebServerLabStack' } as LabStack;
  expect(WEB_SERVER_CHECKS.plan(stack)).toEqual([
    'Reads the SiteUrl and PhpPageUrl outputs of WebServerLabStack and requests both pages (GET).',
    'Reads the security group tagged course-labs:stack=WebServerLabStack (EC2 DescribeSecurityGroups) for rules that open port 22.',
    'Writes nothing.',
  ]);
});
