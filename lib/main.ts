import { App, Errors } from 'aws-cdk-lib';
import { createLabsApp } from './app';
import { ConfigError } from './shared/settings';

/**
 * Builds and synthesizes the app; returns the process exit status.
 *
 * A bad setting, or a synthesis check that fails (a resource that would outlive its stack), is something
 * for the user to fix rather than a crash: it is printed as a plain message, with status 1, not as a
 * stack trace. Anything else is a bug and is rethrown with its trace.
 *
 * The checks registered with `node.addValidation` fail synthesis with an aws-cdk-lib `ValidationError`,
 * recognised through aws-cdk-lib's public `Errors.isValidationError` rather than by its error name, which
 * is an implementation detail (test/bin.test.ts fails if that ever stops working).
 */
export function main(buildApp: () => App = () => createLabsApp().app, log: (line: string) => void = console.error): number {
  try {
    buildApp().synth();
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || Errors.isValidationError(err)) {
      log(`course-labs: ${(err as Error).message}`);
      return 1;
    }
    throw err;
  }
}
