import { App } from 'aws-cdk-lib';
import { createLabsApp } from './app';
import { ConfigError } from './config';

/** The error code aws-cdk-lib gives the failure of the checks registered with `node.addValidation`. */
const SYNTHESIS_CHECKS_FAILED = 'ValidationFailedWithErrors';

/**
 * Builds and synthesizes the app; returns the process exit status.
 *
 * A bad setting, or a synthesis check that fails (a resource that would outlive its stack), is something
 * for the user to fix rather than a crash: it is printed as a plain message, with status 1, not as a
 * stack trace. Anything else is a bug and is rethrown with its trace.
 */
export function main(buildApp: () => App = () => createLabsApp().app, log: (line: string) => void = console.error): number {
  try {
    buildApp().synth();
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || (err instanceof Error && err.name === SYNTHESIS_CHECKS_FAILED)) {
      log(`course-labs: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
