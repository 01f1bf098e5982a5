// Starts Swagger UI on /docs from the vendored bundle (the page's CSP forbids inline scripts).
window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  defaultModelsExpandDepth: 0,
});
