import { loadStampTemplate } from '../../azure/stampTemplateFile';
import type { DeploymentPreview, StampDeploymentRequest } from '../../ports/deployer';
import { resourceGroupName } from './resourceNames';

interface TemplateResource {
  readonly type?: unknown;
  readonly condition?: unknown;
  readonly properties?: { readonly template?: { readonly resources?: unknown } };
}

/** ARM resources as a list, whether a template holds them as an array or by symbolic name. */
function resourcesOf(value: unknown): TemplateResource[] {
  if (Array.isArray(value)) return value as TemplateResource[];
  if (typeof value === 'object' && value !== null) return Object.values(value) as TemplateResource[];
  return [];
}

/**
 * The types of a template's unconditional resources, nested deployments' inline templates
 * included. A resource with a `condition` is left out: evaluating it needs ARM's expression
 * engine (the locks and optional parts the Deployer's parameters leave off are such resources).
 */
function templateResources(resources: unknown, into: string[] = []): string[] {
  for (const resource of resourcesOf(resources)) {
    if (typeof resource.type !== 'string' || resource.condition !== undefined) continue;
    if (resource.type.toLowerCase() === 'microsoft.resources/deployments' && resource.properties?.template)
      templateResources(resource.properties.template.resources, into);
    else into.push(resource.type);
  }
  return into;
}

/** A resource id of the type in the group: each child type followed by a made-up name. */
function idOf(group: string, type: string, index: number): string {
  if (type.toLowerCase() === 'microsoft.resources/resourcegroups') return group;
  const [namespace = '', ...types] = type.split('/');
  return `${group}/providers/${namespace}/${types.map((t) => `${t}/r${index}`).join('/')}`;
}

/**
 * The simulated what-if: every unconditional resource the compiled stamp template declares, as a
 * Create in the stamp's resource group. It is read from the template ARM would deploy, not
 * predicted by ARM's what-if engine (which also resolves conditions and existing resources).
 */
export async function previewFromTemplate(request: StampDeploymentRequest): Promise<DeploymentPreview> {
  const template = await loadStampTemplate();
  const group = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${resourceGroupName(request.stampId)}`;
  return {
    // The template the Azure Deployer deploys (`npm run build:infra`), read the same way.
    source: 'the compiled stamp template (simulated what-if: its unconditional resources, each a Create)',
    changes: templateResources(template['resources']).map((type, index) => ({
      resourceId: idOf(group, type, index),
      changeType: 'Create',
    })),
  };
}
