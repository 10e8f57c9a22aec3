import { choiceSetting, SettingsDefinition } from '../shared/settings';
import { SITE_HOSTINGS, SiteHosting } from '../shared/static-site/site-bucket';

/** The settings only `StaticSiteLabStack` reads (the settings every lab reads are in `lib/shared/settings.ts`). */
export const STATIC_SITE_SETTINGS = {
  staticSiteHosting: choiceSetting<SiteHosting>({
    description:
      "`cloudfront`: a private bucket served over HTTPS by CloudFront with origin access control. `website`: the course's way, the S3 website endpoint (HTTP) with a public-read bucket policy.",
    defaultValue: 'cloudfront',
    choices: SITE_HOSTINGS,
  }),
} satisfies SettingsDefinition;
