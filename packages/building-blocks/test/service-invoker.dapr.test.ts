import { DaprSidecarStandIn } from '@shop/dapr-sidecar-stand-in';
import { DaprServiceInvoker } from '../src';
import { describeServiceInvokerContract } from './service-invoker.contract';

describeServiceInvokerContract('DaprServiceInvoker (through the sidecar stand-in)', async ({ target, down }) => {
  const sidecar = new DaprSidecarStandIn({ appId: 'gateway', apps: { target, down } });
  await sidecar.start();
  return {
    invoker: new DaprServiceInvoker({ daprHttpPort: sidecar.port }),
    cleanup: () => sidecar.stop(),
  };
});
