package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import io.javalin.http.HandlerType;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document covers exactly the route table, and the Swagger UI page works without a CDN. */
class ApiDocsTest {
    Ingress ingress;

    @AfterEach
    void close() {
        if (ingress != null) {
            ingress.close();
        }
    }

    Ingress ingress() {
        ingress = TestIngress.create(TestIngress.producer(true), new InMemoryEndpointDirectory(),
                TestEndpoints.newSecretBox(), Topics.withPrefix("docs.", 1), TestIngress.unusedRedis(),
                new RedisKeys("unused"));
        return ingress;
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheServerHas() {
        Set<String> routes = new TreeSet<>();
        ingress().javalin().unsafe.internalRouter.allHttpHandlers().forEach(h -> {
            HandlerType method = h.endpoint.method;
            if (Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method.name())) {
                routes.add(method.name() + " " + h.endpoint.path);
            }
        });
        Set<String> documented = new TreeSet<>();
        Documented.operations().forEach(op -> documented.add(op.method() + " " + op.path()));

        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void theDocumentIsOpenApi31WithAResponseForEveryStatusItUses() throws Exception {
        var doc = com.booqing.whatsapp.ingress.docs.ApiDocs.document();

        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        for (Documented.Operation op : Documented.operations()) {
            assertThat(op.statuses()).as(op.toString()).isNotEmpty();
            if (!op.isPublic()) {
                assertThat(op.statuses()).as(op.toString()).contains(401, 429);
            }
        }
    }

    @Test
    void servesTheDocumentAndASwaggerUiPageFromTheClassPath() {
        JavalinTest.test(ingress().javalin(), (server, client) -> {
            Response json = client.get("/openapi.json");
            Response yaml = client.get("/openapi.yaml");
            Response page = client.get("/docs");
            String html = page.body().string();
            Matcher bundle = Pattern.compile("src=\"(/webjars/swagger-ui/[^\"]+/swagger-ui-bundle\\.js)\"").matcher(html);
            assertThat(bundle.find()).as(html).isTrue();
            Matcher css = Pattern.compile("href=\"(/webjars/swagger-ui/[^\"]+/swagger-ui\\.css)\"").matcher(html);
            assertThat(css.find()).isTrue();
            Response script = client.get(bundle.group(1));
            Response style = client.get(css.group(1));
            Response init = client.get("/docs/initializer.js");

            assertThat(json.code()).isEqualTo(200);
            assertThat(json.body().string()).contains("\"openapi\":\"3.1.0\"");
            assertThat(yaml.code()).isEqualTo(200);
            assertThat(yaml.body().string()).startsWith("openapi: 3.1.0");
            assertThat(page.code()).isEqualTo(200);
            assertThat(page.headers().get("Content-Security-Policy").get(0)).contains("script-src 'self'");
            assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("https://").doesNotContain("<script>");
            assertThat(script.code()).isEqualTo(200);
            assertThat(script.body().string()).contains("SwaggerUIBundle");
            assertThat(style.code()).isEqualTo(200);
            assertThat(init.body().string()).contains("/openapi.json");
        });
    }

    @Test
    void webjarsServeOnlySwaggerUi() {
        JavalinTest.test(ingress().javalin(), (server, client) -> {
            assertThat(client.get("/webjars/swagger-ui/../../META-INF/MANIFEST.MF").code()).isIn(400, 404);
            assertThat(client.get("/META-INF/resources/webjars/swagger-ui/").code()).isEqualTo(404);
        });
    }
}
