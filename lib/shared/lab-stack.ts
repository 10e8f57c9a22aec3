import { AspectPriority, Aspects, CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IgnoreListenerTagsUnknownToCfnLint, IgnoreRedundantRoleDependsOn } from './cfn-lint';
import { LabExpiry } from './expiry';
import { findRetainedResources, findTeardownBlockers, OwnedLogGroups } from './removal';
import { isValidTtlHours, TTL_HOURS, TTL_HOURS_ALLOWED } from './settings';
import { PROJECT_TAG_VALUE, TAG_KEYS } from './tags';

/** Which course lab a stack is. */
export interface LabInfo {
  /** Short id used in tags and by the `labs` command, e.g. `static-site`. */
  readonly id: string;
  /** The lab's title as the course names it, e.g. `S3 static website`. */
  readonly title: string;
}

/**
 * Properties every lab stack accepts. `stackName` is not one of them: the stack's name is its id plus
 * `stackSuffix`, and the `course-labs:stack` tag and every printed command must agree with it.
 */
export interface LabStackProps extends Omit<StackProps, 'stackName'> {
  /** Which course lab this stack is. */
  readonly lab: LabInfo;
  /**
   * Hours after deployment at which the stack deletes itself; 0 turns expiry off.
   * @default TTL_HOURS.default (4)
   */
  readonly ttlHours?: number;
  /**
   * Appended to the stack name with a hyphen (`StaticSiteLabStack-alice`), so that several copies of a lab
   * can live in one account.
   * @default - no suffix
   */
  readonly stackSuffix?: string;
  /**
   * The lab's own settings that differ from their defaults, as the user typed them (`key` -> value). Every
   * command the stack prints (destroy, redeploy to extend) carries them, with `ttlHours` and
   * `stackSuffix`, so following it changes nothing else about the lab.
   * @default - none: the lab's own settings are at their defaults
   */
  readonly labSettings?: Readonly<Record<string, string>>;
}

/**
 * The base of every lab stack: everything the labs share is applied here, once.
 *
 * - Tags: `course-labs:project`, `course-labs:lab` and `course-labs:stack` on the stack and every taggable
 *   resource, so the `labs` command and cost reports find all that a lab made.
 * - Expiry: the stack deletes itself `ttlHours` after the rest of it was deployed (see `LabExpiry`), and its
 *   outputs say when.
 * - Removal: synthesis fails, naming the resource and the fix, if anything would outlive the stack (see
 *   `allowRetain`) or keep `cdk destroy` from finishing (see `findTeardownBlockers`); every Lambda function,
 *   CDK's helpers included, logs to a log group the stack owns.
 *
 * cdk-nag runs over every stack from the app (`lib/app.ts`), so a lab's findings show up at synth time.
 */
export class LabStack extends Stack {
  /** Which course lab this stack is. */
  public readonly lab: LabInfo;
  /**
   * When the stack deletes itself (a deploy-time token), or `undefined` if it never expires. For stack outputs
   * only: the expiry waits for every resource of the stack, so a resource that used it would be a dependency
   * cycle (refused at synth).
   */
  public readonly expiresAt: string | undefined;
  /** The machinery that deletes the stack after `ttlHours`, or `undefined` if it never expires. */
  public readonly expiry: LabExpiry | undefined;
  private readonly commandSettings: { stackSuffix?: string; ttlHours: number; labSettings: Readonly<Record<string, string>> };

  /**
   * @param id the lab's stack name without suffix, e.g. `StaticSiteLabStack`
   */
  constructor(scope: Construct, id: string, props: LabStackProps) {
    const { lab, ttlHours = TTL_HOURS.default, stackSuffix, labSettings = {}, ...stackProps } = props;
    if (!isValidTtlHours(ttlHours)) throw new Error(`${id}: ttlHours must be ${TTL_HOURS_ALLOWED}, got ${ttlHours}`);
    const stackName = stackSuffix ? `${id}-${stackSuffix}` : id;
    const labTags = { [TAG_KEYS.project]: PROJECT_TAG_VALUE, [TAG_KEYS.lab]: lab.id, [TAG_KEYS.stack]: stackName };
    super(scope, stackName, {
      description: `Course lab "${lab.title}" (course-labs). ${
        ttlHours > 0 ? `Deletes itself ${ttlHours} h after deployment.` : 'Never expires: destroy it when done.'
      }`,
      ...stackProps,
      // Stack tags (the `labs` command finds stacks by them; with @aws-cdk/core:explicitStackTags they
      // must be given here) ...
      tags: { ...stackProps.tags, ...labTags },
    });
    this.lab = lab;
    // ... and the same tags on every taggable resource in the template, so they show in the template a
    // reviewer reads and on resources CloudFormation's tag propagation does not reach.
    for (const [key, value] of Object.entries(labTags)) Tags.of(this).add(key, value);

    // Runs before the tagging aspects (priority MUTATING), so the log groups it adds are tagged too.
    Aspects.of(this).add(new OwnedLogGroups(), { priority: AspectPriority.MUTATING - 10 });
    Aspects.of(this).add(new IgnoreRedundantRoleDependsOn(), { priority: AspectPriority.READONLY });
    Aspects.of(this).add(new IgnoreListenerTagsUnknownToCfnLint(), { priority: AspectPriority.READONLY });
    // Validations run after all aspects, so these see the final removal policies and properties.
    this.node.addValidation({ validate: () => [...findRetainedResources(this), ...findTeardownBlockers(this)] });

    // The settings this stack was built with, so that the commands it prints rebuild the same stack.
    this.commandSettings = { stackSuffix, ttlHours, labSettings };
    const suffixArg = stackSuffix ? contextArgs({ stackSuffix }) : '';
    const labArgs = contextArgs(labSettings);
    const destroy = `npx cdk destroy ${this.stackName}${this.settingsArgs()}`;
    const extend = `npx cdk deploy ${this.stackName}${suffixArg}${labArgs} -c ttlHours=<hours>`;
    new CfnOutput(this, 'DestroyCommand', {
      description: 'Deletes this lab and everything in it (run from the course-labs checkout).',
      value: destroy,
    });
    if (ttlHours > 0) {
      const expiry = new LabExpiry(this, 'LabExpiry', { ttlHours });
      this.expiry = expiry;
      this.expiresAt = expiry.expiresAt;
      new CfnOutput(this, 'ExpiresAt', {
        description: 'When this lab deletes itself (UTC).',
        value: expiry.expiresAt,
      });
      new CfnOutput(this, 'Expiry', {
        description: 'How this lab expires.',
        value:
          `Deletes itself at ${expiry.expiresAt} UTC, ${ttlHours} h after the deploy that set ttlHours. ` +
          `Sooner: ${destroy}. Later: ${extend}; the clock restarts at that deploy ` +
          '(a redeploy that does not change ttlHours keeps the current time).',
      });
    } else {
      new CfnOutput(this, 'Expiry', {
        description: 'How this lab expires.',
        value: `Never expires (ttlHours=0): it costs money until you run ${destroy}.`,
      });
    }
  }

  /**
   * The ` -c key=value` arguments that rebuild this stack as it was built: `stackSuffix`, `ttlHours` when
   * not the default (so a redeploy keeps the expiry time), and the lab's own settings with `overrides`
   * applied. For the commands a lab prints, such as a redeploy with one setting changed.
   */
  public settingsArgs(overrides: Readonly<Record<string, string>> = {}): string {
    const { stackSuffix, ttlHours, labSettings } = this.commandSettings;
    return (
      (stackSuffix ? contextArgs({ stackSuffix }) : '') +
      (ttlHours !== TTL_HOURS.default ? contextArgs({ ttlHours: String(ttlHours) }) : '') +
      contextArgs({ ...labSettings, ...overrides })
    );
  }
}

/** ` -c key=value` for each setting, quoted for a POSIX shell where a value needs it. */
function contextArgs(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([key, value]) => ` -c ${key}=${/^[A-Za-z0-9._\/:@+,=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`)
    .join('');
}
