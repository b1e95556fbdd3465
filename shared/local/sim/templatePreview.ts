import { loadStampTemplate } from '../../azure/stampTemplateFile';
import type { DeploymentPreview, StampDeploymentRequest } from '../../ports/deployer';
import { resourceGroupName } from './resourceNames';

interface TemplateResource {
  readonly type?: unknown;
  readonly name?: unknown;
  readonly properties?: { readonly template?: { readonly resources?: unknown } };
}

/** ARM resources as a list, whether a template holds them as an array or by symbolic name. */
function resourcesOf(value: unknown): TemplateResource[] {
  if (Array.isArray(value)) return value as TemplateResource[];
  if (typeof value === 'object' && value !== null) return Object.values(value) as TemplateResource[];
  return [];
}

/** Every resource of a template, nested deployments' inline templates included, with its type. */
function templateResources(resources: unknown, into: { type: string; name: string }[] = []): typeof into {
  for (const resource of resourcesOf(resources)) {
    if (typeof resource.type !== 'string') continue;
    const name = typeof resource.name === 'string' ? resource.name : '?';
    if (resource.type.toLowerCase() === 'microsoft.resources/deployments' && resource.properties?.template)
      templateResources(resource.properties.template.resources, into);
    else into.push({ type: resource.type, name });
  }
  return into;
}

/**
 * The simulated what-if: every resource the compiled stamp template declares, as a Create in the
 * stamp's resource group. It is read from the template ARM would deploy, not predicted by ARM's
 * what-if engine (which also resolves conditions and existing resources).
 */
export async function previewFromTemplate(request: StampDeploymentRequest): Promise<DeploymentPreview> {
  const template = await loadStampTemplate();
  const group = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${resourceGroupName(request.stampId)}`;
  return {
    // The template the Azure Deployer deploys (`npm run build:infra`), read the same way.
    source: 'the compiled stamp template (simulated what-if: every resource it declares, as a Create)',
    changes: templateResources(template['resources']).map(({ type, name }) => ({
      resourceId:
        type.toLowerCase() === 'microsoft.resources/resourcegroups'
          ? group
          : `${group}/providers/${type}/${name.replace(/^\[|\]$/g, '')}`,
      changeType: 'Create',
    })),
  };
}
