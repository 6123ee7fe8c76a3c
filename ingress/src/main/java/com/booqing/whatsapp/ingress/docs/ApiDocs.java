package com.booqing.whatsapp.ingress.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The API's OpenAPI 3.1 document (written by hand in {@code openapi.yaml}, served as YAML and as JSON) and a
 * Swagger UI page whose assets come from the swagger-ui webjar on the class path, served by the ingress itself
 * under {@code /webjars/swagger-ui/<version>/}: no CDN, nothing loaded from elsewhere.
 */
public final class ApiDocs {
    public static final String RESOURCE = "/openapi.yaml";
    static final String WEBJAR_PROPERTIES = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    /** The page runs only scripts from this server; swagger-ui sets inline styles and shows data: images. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

    private final String yaml;
    private final String json;
    private final String page;

    public ApiDocs(ObjectMapper jsonMapper) {
        this.yaml = read(RESOURCE);
        try {
            JsonNode document = new YAMLMapper().readTree(yaml);
            this.json = jsonMapper.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is not valid YAML", e);
        }
        this.page = page(swaggerUiVersion());
    }

    /** The document as parsed, for tests. */
    public static JsonNode document() throws IOException {
        return new YAMLMapper().readTree(read(RESOURCE));
    }

    public void json(Context ctx) {
        ctx.contentType("application/json; charset=utf-8").result(json);
    }

    public void yaml(Context ctx) {
        ctx.contentType("application/yaml; charset=utf-8").result(yaml);
    }

    public void page(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    public void initializer(Context ctx) {
        ctx.contentType("text/javascript; charset=utf-8").result("""
                window.onload = function () {
                  window.ui = SwaggerUIBundle({
                    url: "/openapi.json",
                    dom_id: "#swagger-ui",
                    deepLinking: true,
                    persistAuthorization: false
                  });
                };
                """);
    }

    private static String page(String version) {
        String assets = "/webjars/swagger-ui/" + version;
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>WhatsApp gateway API</title>
                  <link rel="stylesheet" href="%1$s/swagger-ui.css">
                  <link rel="icon" type="image/png" href="%1$s/favicon-32x32.png">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="%1$s/swagger-ui-bundle.js"></script>
                  <script src="/docs/initializer.js"></script>
                </body>
                </html>
                """.formatted(assets);
    }

    static String swaggerUiVersion() {
        try (InputStream in = ApiDocs.class.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = ApiDocs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
