import { Router, type Request } from 'express';
import type { TokenVerifier } from '@shop/auth-tokens';
import { acceptedImageTypes } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { isImageId } from '../domain/product-image';
import type { AddImageOutcome, ProductImageService } from '../domain/product-image.service';
import { adminOnly, contextOf } from './admin-auth';
import { CachePolicies } from './cache-policy';
import { withReceivedImage } from './image-upload';

/** The product id of the route. */
function idOf(req: Request): string {
  return String(req.params.id);
}

/** The problem of each refused upload (every check ran before anything was stored). */
function problemOf(outcome: Exclude<AddImageOutcome, { kind: 'added' | 'already_there' }>, productId: string): AppError {
  switch (outcome.kind) {
    case 'product_not_found':
      return new AppError('not_found', `No product ${productId}`);
    case 'unsupported_type':
      return new AppError('unsupported_media_type', `The file is not an image of an accepted type (${acceptedImageTypes.join(', ')}), judged by its content`, {
        extensions: { acceptedTypes: acceptedImageTypes },
      });
    case 'corrupt':
      return new AppError('unprocessable', 'The image cannot be decoded: it is damaged or truncated');
    case 'too_many_pixels':
      return new AppError('unprocessable', `The image has more than ${outcome.maxPixels} pixels`, { extensions: { maxPixels: outcome.maxPixels } });
    case 'too_small':
      return new AppError('unprocessable', `Both sides of an image must be at least ${outcome.minSide} px`, { extensions: { minSide: outcome.minSide } });
    case 'too_many_images':
      return new AppError('conflict', `A product has at most ${outcome.maxImages} images; remove one first`, { extensions: { maxImages: outcome.maxImages } });
  }
}

/** The image upload (`POST /api/catalog/products/{id}/images`): its multipart body is streamed by the route, never parsed as JSON. */
export function isImageUpload(req: Request): boolean {
  return req.method === 'POST' && /^\/api\/catalog\/products\/[^/]+\/images\/?$/.test(req.path);
}

/**
 * Admin image uploads (admin token): `POST /products/{id}/images` takes a multipart/form-data body whose `file` part
 * is the image (and an optional `alt` field) and answers 201 with the image and its variants, or 200 with the image
 * the product already has when the same bytes come again; `DELETE /products/{id}/images/{imageId}` detaches one.
 * Mounted before the JSON body parser: the upload streams the body itself.
 */
export function createProductImagesRouter(deps: { productImages: ProductImageService; verifier: TokenVerifier }): Router {
  const { productImages } = deps;
  const router = Router();
  const admin = adminOnly(deps.verifier);

  router.post('/products/:id/images', ...admin, async (req, res) => {
    const outcome = await withReceivedImage(req, productImages.uploadLimits, (upload) =>
      productImages.addImage(contextOf(res), idOf(req), { source: upload.file, sha256: upload.sha256, head: upload.head, alt: upload.fields.alt }),
    );
    if (outcome.kind !== 'added' && outcome.kind !== 'already_there') throw problemOf(outcome, idOf(req));
    res.setHeader('Cache-Control', CachePolicies.private);
    res.status(outcome.kind === 'added' ? 201 : 200).json(outcome.image);
  });

  router.delete('/products/:id/images/:imageId', ...admin, async (req, res) => {
    const imageId = String(req.params.imageId);
    const outcome = isImageId(imageId) ? await productImages.removeImage(contextOf(res), idOf(req), imageId) : ({ kind: 'image_not_found' } as const);
    if (outcome.kind === 'product_not_found') throw new AppError('not_found', `No product ${idOf(req)}`);
    if (outcome.kind === 'image_not_found') throw new AppError('not_found', `The product has no image ${imageId}`);
    res.status(204).end();
  });

  return router;
}
