import { z } from 'zod';
import { ImageUploadLimits, imageUploadFieldsSchema, productImageSchema } from '@shop/contracts';
import type { ApiOperation } from '../api-operation';
import { pathParameters, textParameter, uuidParameter } from '../path-parameters';
import { emptyResponse, jsonResponse } from '../responses';

// Product images (catalog): the admin upload and its removal. The media objects themselves (`GET /media/{name}`) are
// files, not part of the JSON API: the gateway and Front Door route them.

const productId = pathParameters({ id: uuidParameter('The product id') });

/** The multipart body of an upload: the `file` part and the optional text fields. */
const imageUploadBody = imageUploadFieldsSchema.extend({
  file: z.string().meta({ format: 'binary', description: `The image (JPEG, PNG, WebP, AVIF, GIF or TIFF, judged by its bytes), at most ${ImageUploadLimits.maxBytes} bytes` }),
});

const imageAnswer = (description: string) => jsonResponse(description, productImageSchema, z.object({ 'Cache-Control': z.literal('no-store') }));

/** The image operations of the catalog. */
export const productImageOperations: readonly ApiOperation[] = [
  {
    operationId: 'uploadProductImage',
    method: 'post',
    path: '/api/catalog/products/{id}/images',
    summary: 'Upload an image of a product',
    description:
      `multipart/form-data with one \`file\` part. The image is rendered at 320, 640 and 1280 px wide (never enlarged) in AVIF, WebP and JPEG and served from /media/{sha256}/{width}.{format}; the product's version goes up. ` +
      `A refused upload stores nothing: not an accepted image by its content 415, more than ${ImageUploadLimits.maxBytes} bytes 413, more than ${ImageUploadLimits.maxPixels} pixels, a side under ${ImageUploadLimits.minSide} px or undecodable 422, ${ImageUploadLimits.maxImagesPerProduct} images already 409.`,
    access: 'admin',
    request: { params: productId, body: { required: true, content: { 'multipart/form-data': { schema: imageUploadBody } } } },
    responses: { 201: imageAnswer('The image with its variants'), 200: imageAnswer('The product has this image already (the same bytes): the image as it is') },
    problems: [400, 404, 409, 422],
  },
  {
    operationId: 'deleteProductImage',
    method: 'delete',
    path: '/api/catalog/products/{id}/images/{imageId}',
    summary: 'Remove an image from a product',
    description: 'The media objects stay (they are named by content and may be shown by another product); the product version goes up.',
    access: 'admin',
    request: { params: pathParameters({ id: uuidParameter('The product id'), imageId: textParameter('The image id (SHA-256 of the upload, hex)') }) },
    responses: { 204: emptyResponse('Removed') },
    problems: [404],
  },
];
