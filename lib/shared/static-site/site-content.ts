import * as path from 'path';

/**
 * The course's small static site (`site/` beside this file): the S3 static-website lab uploads it to its
 * bucket, and the web-server lab serves the same files from Apache, so `labs compare` measures the same
 * bytes from S3 and from an EC2 VM. Edit the pages here and redeploy either lab.
 */
export const SITE_CONTENT_DIR = path.join(__dirname, 'site');
