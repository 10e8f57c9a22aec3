import { Command } from 'commander';
import { registerCheck } from './check';
import { registerCompare } from './compare';
import { registerCost } from './cost';
import { registerDestroy } from './destroy';
import { registerDiagram } from './diagram';
import { registerExtend } from './extend';
import { registerPause, registerResume } from './pause';
import { registerResults } from './results';
import { registerReview } from './review';
import { registerStatus } from './status';
import { registerSweep } from './sweep';
import { registerTrial } from './trial';

/** Adds one subcommand (with its options and `--help`) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every `labs` subcommand, in the order `labs --help` lists them. One module per command beside this file. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerStatus,
  registerExtend,
  registerPause,
  registerResume,
  registerDestroy,
  registerSweep,
  registerResults,
  registerCost,
  registerCompare,
  registerReview,
  registerDiagram,
  registerCheck,
  registerTrial,
];
