import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import * as esbuild from 'esbuild';
import { LAB_NODEJS_RUNTIME } from '../shared/lab-function';

/** The sign-up app's sources in the repository. */
export const SIGNUP_APP_DIR = path.join(__dirname, 'app');
/** The process entry point: reads its settings from the environment and listens on PORT. */
export const SIGNUP_APP_ENTRY = path.join(SIGNUP_APP_DIR, 'src', 'main.ts');

/**
 * The oldest Node.js the bundle must run on. The platform is the newest Node.js on Amazon Linux 2023
 * that Elastic Beanstalk offers at deploy time (see `NodePlatform`), so this only has to be a major
 * version that platform branch has offered; 20 is the oldest, which keeps the bundle's syntax safe.
 */
export const SIGNUP_APP_NODE_TARGET = 'node20';

/**
 * What the Procfile tells the platform to run: "To specify custom commands to start and run your
 * application, place a file named Procfile in the root directory of your application source", with `web`
 * the main process (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/platforms-linux-extend.build-proc.html).
 * The bundle has no `package.json`: there are no dependencies to install, everything is in `app.js`.
 */
export const SIGNUP_APP_PROCFILE = 'web: node app.js\n';

/**
 * The application version's source bundle: the app and everything it imports (the AWS SDK's DynamoDB and
 * SNS clients included) bundled by esbuild into one `app.js`, with a Procfile, zipped by CDK as an asset.
 *
 * Bundled at synth on this machine, with no network and no Docker: the instance runs `node app.js` and
 * needs no `npm install`, so a deploy does not depend on the npm registry being reachable from the VPC.
 */
export class SignupAppBundle extends Construct {
  public readonly asset: s3assets.Asset;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.asset = new s3assets.Asset(this, 'SourceBundle', {
      path: SIGNUP_APP_DIR,
      assetHashType: AssetHashType.OUTPUT, // the hash follows the bundle, not the folder
      bundling: {
        image: LAB_NODEJS_RUNTIME.bundlingImage, // required by the API; never used, local bundling always answers
        local: {
          tryBundle(outputDir: string): boolean {
            bundleSignupApp(outputDir);
            return true;
          },
        },
      },
    });
  }
}

/** Writes the source bundle's files (`app.js`, `Procfile`) into `outputDir`. */
export function bundleSignupApp(outputDir: string): void {
  esbuild.buildSync({
    entryPoints: [SIGNUP_APP_ENTRY],
    outfile: path.join(outputDir, 'app.js'),
    bundle: true,
    platform: 'node',
    target: SIGNUP_APP_NODE_TARGET,
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(outputDir, 'Procfile'), SIGNUP_APP_PROCFILE);
}
