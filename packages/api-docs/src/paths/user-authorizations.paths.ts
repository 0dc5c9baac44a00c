import { z } from 'zod';
import { AuthUserAuthorizationPaths, userAuthorizationSchema } from '@shop/contracts';
import type { ApiOperation } from '../api-operation';
import { pathParameters, textParameter } from '../path-parameters';
import { jsonResponse } from '../responses';

const noStore = z.object({ 'Cache-Control': z.literal('no-store').meta({ description: 'The answer is only worth asking for because it is current' }) });

/** Auth's internal read of a user's current roles, which catalog and order check before destructive admin actions. */
export const userAuthorizationOperations: readonly ApiOperation[] = [
  {
    operationId: 'getUserAuthorization',
    method: 'get',
    path: `${AuthUserAuthorizationPaths.user('')}{id}`,
    summary: 'What an account may do now: its roles in auth\'s database',
    description:
      'Asked before the admin actions a token issued before a demotion must not authorise (deleting a product, cancelling someone else\'s order). Read from the primary database, never cached.',
    access: 'service',
    request: { params: pathParameters({ id: textParameter('The account id (a token\'s subject); anything that names no account is 404') }) },
    responses: { 200: jsonResponse('The account\'s current roles', userAuthorizationSchema, noStore) },
    problems: [404],
  },
];
