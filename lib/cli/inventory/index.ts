/** Everything the `labs` commands know about a region: its stacks, what they list, and every tagged resource. */
import { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { AwsSession } from '../aws/session';
import { LiveStacks, ownerOf } from './ownership';
import { findLabResources, LabResource } from './resources';
import { LabStack, listStackResources, listStacks } from './stacks';

export interface Inventory {
  readonly account: string;
  readonly region: string;
  readonly labStacks: readonly LabStack[];
  /** Each lab stack's resource list, by stack name. */
  readonly stackResources: ReadonlyMap<string, readonly StackResourceSummary[]>;
  readonly resources: readonly LabResource[];
  readonly live: LiveStacks;
}

/** Physical ids of the resources that still exist (not deleted, not skipped) in a stack's list. */
export function physicalIdsOf(resources: readonly StackResourceSummary[]): string[] {
  return resources
    .filter((r) => r.PhysicalResourceId && r.ResourceStatus !== 'DELETE_COMPLETE' && r.ResourceStatus !== 'DELETE_SKIPPED')
    .map((r) => r.PhysicalResourceId as string);
}

/** Reads the region: the account, every stack, each lab stack's resources, and every tagged resource. */
export async function loadInventory(session: AwsSession): Promise<Inventory> {
  const { account, region } = await session.where();
  // Resources first, stacks second: a stack created while the resources are read is then in the listing, so
  // its new resources can never look unowned. (A stack deleted meanwhile only makes its resources look owned.)
  const resources = await findLabResources(session);
  const listing = await listStacks(session);
  const stackResources = new Map<string, StackResourceSummary[]>();
  const physicalIds = new Map<string, string>();
  for (const stack of listing.labStacks) {
    const list = await listStackResources(session, stack.id);
    stackResources.set(stack.name, list);
    for (const id of physicalIdsOf(list)) physicalIds.set(id, stack.name);
  }
  return {
    account,
    region,
    labStacks: listing.labStacks,
    stackResources,
    resources,
    live: { names: listing.existingNames, physicalIds },
  };
}

/** The tagged resources a stack owns (see `ownerOf`). */
export function ownedBy(inventory: Inventory, stackName: string): LabResource[] {
  return inventory.resources.filter((r) => ownerOf(r, inventory.live) === stackName);
}
