/**
 * The function app's entry point (package.json `main`). Importing it registers every function of
 * the stamp control plane with `@azure/functions` and `durable-functions`, whichever host runs
 * it: the Azure Functions Node worker, or the local host in shared/local/. One file per trigger
 * family; each registers its handlers at its bottom.
 */
import './stampsApi';
import './regionsApi';
import './alerts';
import './signalsApi';
import './observabilityApi';
import './eventsApi';
import './stampSignals';
import './lifecycleQueue';
import './sweeps';
import './stampLifecycle';
import './dashboard';
import './identityApi';
import './openApi';
