/**
 * Reads values out of a synthesized CloudFormation template without deploying it: literals as they are,
 * `Ref`s to parameters at their defaults, `Fn::If` where its condition can be decided, references to other
 * resources of the same template. Anything only known at deploy time (pseudo parameters, `Fn::GetAtt`,
 * imports, SSM parameters) resolves to `UNKNOWN`, so the estimate can say "unknown" instead of guessing.
 */

/** A value that is only known once the stack is deployed. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Type?: string; readonly Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single key of an intrinsic function object (`{ "Ref": ... }`), if `v` is one. */
function intrinsic(v: unknown): [string, unknown] | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !(keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'))) return undefined;
  return [keys[0], v[keys[0]]];
}

export class TemplateReader {
  constructor(public readonly template: CfnTemplate) {}

  get resources(): Record<string, CfnResource> {
    return this.template.Resources ?? {};
  }

  /** The value with parameters and decidable conditions resolved, or UNKNOWN. Nested values are left as they are. */
  value(v: unknown): unknown {
    const fn = intrinsic(v);
    if (!fn) return v;
    const [name, arg] = fn;
    switch (name) {
      case 'Ref': {
        if (typeof arg !== 'string' || arg.startsWith('AWS::')) return UNKNOWN;
        const parameter = this.template.Parameters?.[arg];
        if (parameter) {
          // SSM-backed parameters hold a parameter name as their default, not the value.
          if (parameter.Type?.startsWith('AWS::SSM::Parameter::Value') || parameter.Default === undefined) return UNKNOWN;
          return parameter.Default;
        }
        return UNKNOWN; // a resource: its physical id is only known at deploy time
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3) return UNKNOWN;
        const decided = this.condition(arg[0]);
        if (decided === undefined) return UNKNOWN;
        return this.value(decided ? arg[1] : arg[2]);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return UNKNOWN;
        const index = this.number(arg[0]);
        const list = this.list(arg[1]);
        if (index === undefined || !list || index >= list.length) return UNKNOWN;
        return this.value(list[index]);
      }
      default:
        return UNKNOWN;
    }
  }

  string(v: unknown): string | undefined {
    const r = this.value(v);
    return typeof r === 'string' ? r : typeof r === 'number' ? String(r) : undefined;
  }

  /** CloudFormation accepts numbers as strings ("2"). */
  number(v: unknown): number | undefined {
    const r = this.value(v);
    if (typeof r === 'number' && Number.isFinite(r)) return r;
    if (typeof r === 'string' && r.trim() !== '' && Number.isFinite(Number(r))) return Number(r);
    return undefined;
  }

  boolean(v: unknown): boolean | undefined {
    const r = this.value(v);
    if (r === true || r === 'true') return true;
    if (r === false || r === 'false') return false;
    return undefined;
  }

  /** A list, whose elements may themselves need resolving; UNKNOWN lists (e.g. `Fn::GetAZs`) give undefined. */
  list(v: unknown): unknown[] | undefined {
    const r = this.value(v);
    return Array.isArray(r) ? r : undefined;
  }

  object(v: unknown): Record<string, unknown> | undefined {
    const r = this.value(v);
    return isObject(r) && !intrinsic(r) ? r : undefined;
  }

  /** The resource of this template a `Ref` or `Fn::GetAtt` points at. */
  referenced(v: unknown): { id: string; resource: CfnResource } | undefined {
    const fn = intrinsic(v);
    if (!fn) return undefined;
    const [name, arg] = fn;
    let id: unknown;
    if (name === 'Ref') id = arg;
    else if (name === 'Fn::GetAtt') id = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? arg.split('.')[0] : undefined;
    else return undefined;
    if (typeof id !== 'string') return undefined;
    const resource = this.resources[id];
    return resource ? { id, resource } : undefined;
  }

  /** Whether a condition holds, when it can be decided from the template alone. */
  condition(v: unknown): boolean | undefined {
    if (typeof v === 'string') {
      const definition = this.template.Conditions?.[v];
      return definition === undefined ? undefined : this.condition(definition);
    }
    const fn = intrinsic(v);
    if (!fn) return undefined;
    const [name, arg] = fn;
    const args = Array.isArray(arg) ? arg : [];
    switch (name) {
      case 'Condition':
        return this.condition(arg);
      case 'Fn::Equals': {
        const [a, b] = args.map((x) => this.value(x));
        if (a === UNKNOWN || b === UNKNOWN || args.length !== 2) return undefined;
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not': {
        const inner = this.condition(args[0]);
        return inner === undefined ? undefined : !inner;
      }
      case 'Fn::And': {
        const values = args.map((x) => this.condition(x));
        if (values.includes(false)) return false;
        return values.includes(undefined) ? undefined : true;
      }
      case 'Fn::Or': {
        const values = args.map((x) => this.condition(x));
        if (values.includes(true)) return true;
        return values.includes(undefined) ? undefined : false;
      }
      default:
        return undefined;
    }
  }
}
