import * as path from 'path';
import { NodeRole, Orchestrator } from './cluster-config';

/** The bootstrap scripts, one per orchestrator and role, and the files they source. */
export const SCRIPTS_DIR = path.join(__dirname, 'scripts');

/** How the scripts become user data (shared with the other labs that boot instances). */
export { renderUserDataScript as renderNodeScript, USER_DATA_LIMIT_BYTES } from '../shared/user-data-script';

/** The script a node of `role` runs in `orchestrator` mode. */
export function nodeScriptFile(orchestrator: Orchestrator, role: NodeRole): string {
  const name = orchestrator === 'kubernetes' ? `kubernetes-${role}` : role === 'control-plane' ? 'swarm-manager' : 'swarm-worker';
  return path.join(SCRIPTS_DIR, `${name}.sh`);
}

