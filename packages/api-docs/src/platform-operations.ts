import type { ApiOperation } from './api-operation';
import { authOperations } from './paths/auth.paths';
import { cartOperations } from './paths/cart.paths';
import { catalogSyncOperations } from './paths/catalog-sync.paths';
import { catalogOperations } from './paths/catalog.paths';
import { orderOperations } from './paths/orders.paths';
import { partnerAdminOperations } from './paths/partner-admin.paths';
import { partnerOperations } from './paths/partner.paths';
import { productImageOperations } from './paths/product-images.paths';
import { reservationOperations } from './paths/reservations.paths';
import { userAuthorizationOperations } from './paths/user-authorizations.paths';

/** Every operation of the platform's services, context by context: what the document describes. */
export const platformOperations: readonly ApiOperation[] = [
  ...authOperations,
  ...userAuthorizationOperations,
  ...catalogOperations,
  ...productImageOperations,
  ...catalogSyncOperations,
  ...reservationOperations,
  ...cartOperations,
  ...orderOperations,
  ...partnerOperations,
  ...partnerAdminOperations,
];
