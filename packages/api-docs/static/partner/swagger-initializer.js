// Starts Swagger UI on the partner API's OpenAPI document. Its own file: the page's Content-Security-Policy
// (script-src 'self') refuses inline scripts.
/* global window, SwaggerUIBundle */
'use strict';

window.addEventListener('load', function startSwaggerUi() {
  window.ui = SwaggerUIBundle({
    url: '/api/partner/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // No badge from the public validator: the page talks to this origin only (connect-src 'self').
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
