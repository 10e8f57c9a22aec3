import { Command } from 'commander';
import { registerCost } from './cost';
import { registerDiagram } from './diagram';
import { registerReview } from './review';

/** Adds one subcommand (with its options and `--help`) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every `labs` subcommand, in the order `labs --help` lists them. One module per command beside this file. */
export const COMMANDS: readonly RegisterCommand[] = [registerCost, registerReview, registerDiagram];
