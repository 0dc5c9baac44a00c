import { HttpServiceInvoker } from '../src';
import { describeServiceInvokerContract } from './service-invoker.contract';

describeServiceInvokerContract('HttpServiceInvoker', async ({ target, down }) => ({
  invoker: new HttpServiceInvoker({ services: { target: `${target}/`, down } }),
  cleanup: async () => undefined,
}));
