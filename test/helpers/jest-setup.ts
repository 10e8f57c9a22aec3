/**
 * Runs before every test file (jest.config.js `setupFiles`).
 *
 * aws-cdk-lib validates every template it synthesizes unless `CDK_VALIDATION=false`, and starting its
 * validation engine costs seconds in each test file that synthesizes, app or not. Templates are validated
 * once, over every lab in every configuration, by `test/template-validation.test.ts`, which turns it back
 * on for itself; everywhere else it is off, whatever the shell says.
 */
process.env.CDK_VALIDATION = 'false';
