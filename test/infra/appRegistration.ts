import { type ParameterValue, type Snapshot, snapshot } from './support';

/** The app registration of infra/README.md, as `azd env set AUTH_CLIENT_ID ...` gives it to the templates. */
export const AUTH_CLIENT_ID = '11111111-2222-3333-4444-555555555555';
/** Its application object's id (not its service principal's): the secure webhook names it. */
export const AUTH_APPLICATION_OBJECT_ID = '66666666-7777-8888-9999-000000000000';

/** The control plane as `azd up` deploys it in westeurope, with `parameters` on top of the name. */
export function controlPlaneSnapshot(
  name: string,
  parameters: Readonly<Record<string, ParameterValue>>,
): Snapshot {
  return snapshot(
    'main.json',
    name,
    { environmentName: 'prod', location: 'westeurope', ...parameters },
    'westeurope',
  );
}
