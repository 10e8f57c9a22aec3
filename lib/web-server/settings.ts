import { checkInstanceType, describeMinimum, NodeMinimum } from '../shared/instance-types';
import { booleanSetting, choiceSetting, ipv4CidrSetting, SettingsDefinition, textSetting } from '../shared/settings';
import { WEB_SERVER_SETUPS, WebServerSetup } from './web-server-config';

/** The cheapest Graviton type that runs Apache, PHP-FPM and MariaDB together. */
export const DEFAULT_WEB_SERVER_INSTANCE_TYPE = 't4g.micro';

/**
 * What the web server needs of its instance type: MariaDB (about 100 MB idle), Apache with PHP-FPM's
 * workers and the SSM agent fit in 1 GiB; half a GiB (the nano sizes) leaves MariaDB at risk of the
 * out-of-memory killer under `labs compare`'s load.
 */
export const WEB_SERVER_MINIMUM: NodeMinimum = { vcpus: 1, memoryGiB: 1, why: 'room for Apache, PHP-FPM and MariaDB' };

/** The settings only `WebServerLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const WEB_SERVER_SETTINGS = {
  webServerSetup: choiceSetting<WebServerSetup>({
    description:
      '`lamp`: Apache, PHP and MariaDB (AL2023 packages) are installed, secured and running at boot, serving the static-site lab\'s pages and a PHP page that reads from MariaDB; the deploy returns when they answer. `bare`: the instance with nothing installed (the lab\'s files in ~ec2-user/lab-files), for doing every step by hand.',
    defaultValue: 'lamp',
    choices: WEB_SERVER_SETUPS,
  }),
  webServerHttps: booleanSetting({
    description:
      "Opens HTTPS (TCP 443) to anyone and, with `lamp`, serves the site over HTTPS too, with a self-signed certificate (browsers warn), as in the guide's optional TLS step.",
    defaultValue: false,
  }),
  webServerSshCidr: ipv4CidrSetting({
    description:
      'Opens SSH (TCP 22) on the web server to this range, for EC2 Instance Connect. Without it port 22 is closed: connect with SSM Session Manager.',
  }),
  webServerInstanceType: textSetting({
    description: 'EC2 instance type of the web server (Graviton types run arm64, the others x86_64).',
    defaultValue: DEFAULT_WEB_SERVER_INSTANCE_TYPE,
    allowed: describeMinimum(WEB_SERVER_MINIMUM),
    check: (value) => checkInstanceType(value, WEB_SERVER_MINIMUM),
  }),
} satisfies SettingsDefinition;
