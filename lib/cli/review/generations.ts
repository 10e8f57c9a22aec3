/**
 * Resources replaced through their logical id. Some constructs put a generation (a short hash of what they
 * are built from) in a construct id, so that a change makes a new resource rather than an update: the
 * container cluster's readiness wait condition carries its cluster's generation (`ClusterReady/Handle1a2b3c4d`),
 * and its nodes add it to their logical ids (`ControlPlaneInstanceE5605C95` + `3499352f01a2905a`, construct
 * path `ControlPlane/Instance` either way). CloudFormation then sees one resource destroyed and another added;
 * a reviewer sees one resource replaced. This pairs them: same type, same construct path (`aws:cdk:path`
 * metadata) but for generation tokens; without that metadata, the logical id without CDK's hash suffix, if
 * it holds a generation token.
 */
import { CfnResource } from '../cost/resolve';

/** A run of 6 or more hex digits with at least one digit in it: a generation hash, blanked for matching. */
const GENERATION = /[0-9a-f]*[0-9][0-9a-f]*/gi;
const isGenerationToken = (token: string) => token.length >= 6;

/**
 * The type and path a resource is matched by, with generation tokens blanked: its construct path, or
 * (without one) its logical id if that holds a generation. Undefined when there is nothing to match by.
 */
export function generationKey(logicalId: string, resource: CfnResource): string | undefined {
  const recorded = resource.Metadata?.['aws:cdk:path'];
  let found = false;
  const blank = (text: string) =>
    text.replace(GENERATION, (token) => {
      if (!isGenerationToken(token)) return token;
      found = true;
      return '#';
    });
  if (typeof recorded === 'string') return `${resource.Type} ${blank(recorded)}`;
  // CDK ends a logical id with 8 upper-case hex digits of the path's hash: not a generation.
  const key = blank(logicalId.replace(/[0-9A-F]{8}$/, ''));
  return found ? `${resource.Type} ${key}` : undefined;
}

/** A resource destroyed under one logical id and added under another: the same resource, replaced. */
export interface GenerationPair {
  readonly before: string;
  readonly after: string;
}

/**
 * Pairs destroyed with added resources whose keys match, one to one (a key that several resources on either
 * side share is ambiguous, and left unpaired).
 */
export function pairGenerations(
  destroyed: readonly string[],
  added: readonly string[],
  base: Readonly<Record<string, CfnResource>>,
  head: Readonly<Record<string, CfnResource>>,
): GenerationPair[] {
  const byKey = (ids: readonly string[], resources: Readonly<Record<string, CfnResource>>) => {
    const map = new Map<string, string[]>();
    for (const id of ids) {
      const key = resources[id] && generationKey(id, resources[id]);
      if (key) map.set(key, [...(map.get(key) ?? []), id]);
    }
    return map;
  };
  const gone = byKey(destroyed, base);
  const fresh = byKey(added, head);
  const pairs: GenerationPair[] = [];
  for (const [key, before] of gone) {
    const after = fresh.get(key);
    if (before.length === 1 && after?.length === 1) pairs.push({ before: before[0], after: after[0] });
  }
  return pairs.sort((a, b) => (a.after < b.after ? -1 : a.after > b.after ? 1 : 0));
}
