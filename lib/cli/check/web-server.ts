/**
 * `labs check` for the web-server lab (WebServerLabStack): the site and the PHP page answer 200, the PHP page
 * reached MariaDB, and port 22 is closed unless the lab was deployed with an SSH range. It reads the stack's
 * outputs, requests the two pages and reads the server's security group (EC2 DescribeSecurityGroups, by the
 * stack's `course-labs:stack` tag); it writes nothing.
 */
import { DescribeSecurityGroupsCommand, IpPermission } from '@aws-sdk/client-ec2';
import { toCliError } from '../aws/errors';
import { LabStack } from '../inventory/stacks';
import { TAG_KEYS } from '../../shared/tags';
import { CheckContext, CheckResult, LabChecks } from './types';

/** The outputs the checks read (WebServerLabStack's). */
export const WEB_SERVER_OUTPUTS = { site: 'SiteUrl', phpPage: 'PhpPageUrl', ssh: 'ServerSsh' } as const;
/** What the PHP page prints once it read from MariaDB (lib/web-server/app/db.php). */
export const MARIADB_CONNECTED = 'MariaDB: connected';
/** How long one page may take. */
export const PAGE_TIMEOUT_MS = 10_000;

export const CHECK_NAMES = {
  site: 'site answers 200',
  phpPage: 'PHP page answers 200',
  mariadb: 'PHP page reached MariaDB',
  ssh: 'port 22 closed unless webServerSshCidr is set',
} as const;

const result = (name: string, status: CheckResult['status'], detail: string): CheckResult => ({ name, status, detail });

type Answer = { ok: true; status: number; body: string } | { ok: false; error: string };

async function get(context: CheckContext, url: string): Promise<Answer> {
  try {
    const res = await context.fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
    return { ok: true, status: res.status, body: await res.text() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, error: cause?.code ?? cause?.message ?? (err as Error).message };
  }
}

const excerpt = (body: string) => {
  const flat = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 100)}...` : flat;
};

const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** Whether a permission lets TCP port 22 in (all protocols, or TCP with 22 in its range). */
function opensPort22(p: IpPermission): boolean {
  if (p.IpProtocol === '-1') return true;
  return p.IpProtocol === 'tcp' && (p.FromPort ?? 0) <= 22 && 22 <= (p.ToPort ?? 65535);
}

/** The sources a permission admits, as text: CIDRs, IPv6 CIDRs, security groups, prefix lists. */
function sourcesOf(p: IpPermission): string[] {
  return [
    ...(p.IpRanges ?? []).map((r) => r.CidrIp ?? '?'),
    ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? '?'),
    ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? '?'),
    ...(p.PrefixListIds ?? []).map((l) => l.PrefixListId ?? '?'),
  ];
}

async function checkPort22(context: CheckContext): Promise<CheckResult> {
  const { stack } = context;
  const name = CHECK_NAMES.ssh;
  let groups;
  try {
    groups = (
      await context.session.ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${TAG_KEYS.stack}`, Values: [stack.name] }] }),
      )
    ).SecurityGroups ?? [];
  } catch (err) {
    const setup = toCliError(err);
    if (setup) throw setup;
    return result(name, 'FAIL', `could not read the security groups of ${stack.name}: ${(err as Error).message}`);
  }
  if (groups.length === 0) return result(name, 'FAIL', `no security group carries ${TAG_KEYS.stack}=${stack.name}: is the stack fully deployed?`);
  const open = groups.flatMap((g) => (g.IpPermissions ?? []).filter(opensPort22).flatMap((p) => sourcesOf(p).map((s) => `${s} (${g.GroupId})`)));
  const world = open.filter((s) => WORLD.has(s.split(' ')[0]));
  const sshSetting = Boolean(stack.outputs[WEB_SERVER_OUTPUTS.ssh]);
  if (world.length > 0) {
    return result(name, 'FAIL', `port 22 is open to the world: ${world.join(', ')}. Remove that rule; use Session Manager, or redeploy with -c webServerSshCidr=<your address>/32.`);
  }
  if (!sshSetting && open.length > 0) {
    return result(name, 'FAIL', `port 22 is open to ${open.join(', ')} though the stack was deployed without webServerSshCidr: remove the rule (or redeploy with the setting).`);
  }
  if (sshSetting) {
    return open.length > 0
      ? result(name, 'PASS', `port 22 open only to ${open.join(', ')} (webServerSshCidr)`)
      : result(name, 'PASS', 'port 22 closed (webServerSshCidr is set, but no rule opens it now)');
  }
  return result(name, 'PASS', `port 22 closed on ${groups.map((g) => g.GroupId).join(', ')}: connect with Session Manager`);
}

export const WEB_SERVER_CHECKS: LabChecks = {
  lab: 'web-server',

  plan: (stack: LabStack) => [
    `Reads the ${WEB_SERVER_OUTPUTS.site} and ${WEB_SERVER_OUTPUTS.phpPage} outputs of ${stack.name} and requests both pages (GET).`,
    `Reads the security group tagged ${TAG_KEYS.stack}=${stack.name} (EC2 DescribeSecurityGroups) for rules that open port 22.`,
    'Writes nothing.',
  ],

  async run(context: CheckContext): Promise<readonly CheckResult[]> {
    const { stack } = context;
    const results: CheckResult[] = [];
    const missing = (name: string, output: string) =>
      result(name, 'FAIL', `${stack.name} has no ${output} output: redeploy it from this checkout (npx cdk deploy ${stack.name}).`);

    const siteUrl = stack.outputs[WEB_SERVER_OUTPUTS.site];
    if (!siteUrl) results.push(missing(CHECK_NAMES.site, WEB_SERVER_OUTPUTS.site));
    else {
      context.progress(`GET ${siteUrl}`);
      const a = await get(context, siteUrl);
      results.push(
        !a.ok
          ? result(CHECK_NAMES.site, 'FAIL', `no answer from ${siteUrl} (${a.error}): is Apache running? sudo systemctl status httpd`)
          : a.status === 200
            ? result(CHECK_NAMES.site, 'PASS', `${siteUrl} answered 200 (${a.body.length} bytes)`)
            : result(CHECK_NAMES.site, 'FAIL', `${siteUrl} answered ${a.status}: ${excerpt(a.body)}`),
      );
    }

    const phpUrl = stack.outputs[WEB_SERVER_OUTPUTS.phpPage];
    if (!phpUrl) {
      results.push(missing(CHECK_NAMES.phpPage, WEB_SERVER_OUTPUTS.phpPage), missing(CHECK_NAMES.mariadb, WEB_SERVER_OUTPUTS.phpPage));
    } else {
      context.progress(`GET ${phpUrl}`);
      const a = await get(context, phpUrl);
      if (!a.ok) {
        const detail = `no answer from ${phpUrl} (${a.error}): is Apache running? sudo systemctl status httpd php-fpm`;
        results.push(result(CHECK_NAMES.phpPage, 'FAIL', detail), result(CHECK_NAMES.mariadb, 'FAIL', detail));
      } else {
        results.push(
          a.status === 200
            ? result(CHECK_NAMES.phpPage, 'PASS', `${phpUrl} answered 200`)
            : result(CHECK_NAMES.phpPage, 'FAIL', `${phpUrl} answered ${a.status}: ${excerpt(a.body)}`),
        );
        // Served as source, the page holds the marker too (in its HTML), so source is a FAIL of its own.
        const source = a.body.includes('<?php');
        results.push(
          source
            ? result(CHECK_NAMES.mariadb, 'FAIL', 'the page came back as PHP source: PHP is not running behind Apache (sudo systemctl status php-fpm)')
            : a.status === 200 && a.body.includes(MARIADB_CONNECTED)
              ? result(CHECK_NAMES.mariadb, 'PASS', `the page shows "${MARIADB_CONNECTED}"`)
              : result(
                  CHECK_NAMES.mariadb,
                  'FAIL',
                  `the page does not show "${MARIADB_CONNECTED}": ${excerpt(a.body) || '(empty)'}. Is MariaDB running? sudo systemctl status mariadb`,
                ),
        );
      }
    }

    results.push(await checkPort22(context));
    return results;
  },
};
